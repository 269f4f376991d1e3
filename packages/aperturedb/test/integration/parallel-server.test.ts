import { describe, expect, it } from 'vitest';
import { ApertureDBClient } from '../../src/client.js';
import { type ParallelItem, type ParallelProgress, runParallel } from '../../src/parallel/index.js';
import type { ApertureDBCommand } from '../../src/query/commands.js';
import { entitiesOf, resultOf } from '../../src/response.js';
import { startApertureDBTestServer } from '../../src/testing/index.js';

/**
 * Item `index`: an AddEntity (conditional on `index` when `conditional`) plus a FindEntity naming it
 * by ref, as one unit; item `broken` names a ref nothing defines.
 */
function* people(count: number, { broken = -1, conditional = false } = {}): Generator<ParallelItem> {
  for (let index = 0; index < count; index++) {
    const find: ApertureDBCommand = {
      FindEntity: { _ref: 2, is_connected_to: { ref: index === broken ? 99 : 1 } },
    };
    const ifNotFound = conditional ? { if_not_found: { index: ['==', index] } as const } : {};
    yield {
      commands: [{ AddEntity: { class: 'Person', _ref: 1, properties: { index }, ...ifNotFound } }, find],
    };
  }
}

/** The test server checks if_not_found by scanning, and other suites share the 2 CPUs. */
const LOAD_TEST_TIMEOUT_MS = 180_000;

async function countOf(client: ApertureDBClient, withClass: string): Promise<number> {
  const { response } = await client.query([
    { FindEntity: { with_class: withClass, results: { count: true } } },
  ]);
  return (resultOf(response, 0) as { count?: number }).count ?? -1;
}

describe('runParallel against the test server', () => {
  it(
    'loads 10,000 items in batches of 100, 8 at a time; a bad ref fails only its batch; a re-run finds them all',
    async () => {
      await using server = await startApertureDBTestServer();
      await using client = ApertureDBClient.fromUrl(server.url);
      const total = 10_000;
      const broken = 4_321;
      const progress: ParallelProgress[] = [];
      const first = await runParallel(client, people(total, { broken }), {
        batchSize: 100,
        concurrency: 8,
        onProgress: (p) => progress.push(p),
      });
      console.log(
        `runParallel: ${total} items, ${first.transactions} transactions in ${first.elapsedMs.toFixed(0)} ms ` +
          `(${((total / first.elapsedMs) * 1000).toFixed(0)} items/s)`,
      );
      // The batch holding the dangling ref (items 4300..4399) was rejected whole; the rest went in.
      expect(first).toMatchObject({
        done: total,
        failed: 100,
        existed: 0,
        transactions: 100,
        failedTransactions: 1,
      });
      expect(first.succeeded).toBe((total - 100) * 2);
      expect(first.errors).toHaveLength(1);
      expect(first.errors[0]).toMatchObject({ batchIndex: 43, firstItem: 4_300 });
      expect(first.errors[0]?.error.code).toBe('CONN_APERTUREDB_TRANSACTION_FAILED');
      expect(await countOf(client, 'Person')).toBe(total - 100);
      // Progress: one report per transaction, every count non-decreasing, ending at the totals.
      expect(progress).toHaveLength(100);
      for (let index = 1; index < progress.length; index++) {
        const [before, after] = [
          progress[index - 1] as ParallelProgress,
          progress[index] as ParallelProgress,
        ];
        for (const key of ['done', 'succeeded', 'existed', 'failed', 'transactions'] as const)
          expect(after[key]).toBeGreaterThanOrEqual(before[key]);
      }
      expect(progress.at(-1)).toMatchObject({ done: total, failed: 100 });
      expect(client.stats().sessions).toMatchObject({ authenticate: 1 });

      // Re-run with if_not_found and no broken item: every earlier add exists (status 2), the 100
      // that failed before are added now.
      const second = await runParallel(client, people(total, { conditional: true }), {
        batchSize: 100,
        concurrency: 8,
      });
      console.log(`if_not_found re-run: ${second.elapsedMs.toFixed(0)} ms`);
      expect(second).toMatchObject({ done: total, failed: 0, existed: total - 100 });
      expect(second.succeeded).toBe(100 + total); // 100 adds + 10,000 FindEntity
      expect(await countOf(client, 'Person')).toBe(total);
    },
    LOAD_TEST_TIMEOUT_MS,
  );

  it(
    'counts every conditional add of a second identical run as existed',
    async () => {
      await using server = await startApertureDBTestServer();
      await using client = ApertureDBClient.fromUrl(server.url);
      const options = { batchSize: 50, concurrency: 4 };
      const first = await runParallel(client, people(1_000, { conditional: true }), options);
      expect(first).toMatchObject({ succeeded: 2_000, existed: 0, failed: 0 });
      const again = await runParallel(client, people(1_000, { conditional: true }), options);
      expect(again).toMatchObject({ succeeded: 1_000, existed: 1_000, failed: 0 }); // the FindEntity are status 0
      expect(await countOf(client, 'Person')).toBe(1_000);
    },
    LOAD_TEST_TIMEOUT_MS,
  );

  it('renumbers refs so items that all use _ref 1 and 2 connect to their own entities', async () => {
    await using server = await startApertureDBTestServer();
    await using client = ApertureDBClient.fromUrl(server.url);
    function* pairs(): Generator<ParallelItem> {
      for (let index = 0; index < 50; index++)
        yield {
          commands: [
            { AddEntity: { class: 'Owner', _ref: 1, properties: { index } } },
            {
              AddEntity: {
                class: 'Pet',
                _ref: 2,
                properties: { index },
                connect: { ref: 1, class: 'owns', direction: 'in' },
              },
            },
          ],
        };
    }
    const result = await runParallel(client, pairs(), { batchSize: 10, concurrency: 3 });
    expect(result).toMatchObject({ succeeded: 100, failed: 0 });
    const { response } = await client.query([
      { FindEntity: { with_class: 'Owner', _ref: 1, constraints: { index: ['==', 37] } } },
      { FindEntity: { with_class: 'Pet', is_connected_to: { ref: 1 }, results: { list: ['index'] } } },
    ]);
    expect(entitiesOf(resultOf(response, 1))).toEqual([{ index: 37 }]);
  });
});
