import { describe, expect, it } from 'vitest';
import { ApertureDBClient } from '../../src/client.js';
import type { ParallelItem, ParallelProgress } from '../../src/parallel/index.js';
import { resultOf } from '../../src/response.js';
import { startApertureDBTestServer } from '../../src/testing/index.js';

const TOTAL = 100_000;
/** Generous: other suites share the 2 CPUs; the printed time is the measurement. */
const LOAD_TEST_TIMEOUT_MS = 120_000;

function* readings(count: number): Generator<ParallelItem> {
  for (let index = 0; index < count; index++) {
    yield { commands: [{ AddEntity: { class: 'Reading', properties: { index, even: index % 2 === 0 } } }] };
  }
}

async function countOf(client: ApertureDBClient, withClass: string): Promise<number> {
  const { response } = await client.query([
    { FindEntity: { with_class: withClass, results: { count: true } } },
  ]);
  return (resultOf(response, 0) as { count?: number }).count ?? -1;
}

/**
 * A bulk load big enough that a write transaction costing the size of the store (rather than what
 * it changes) would show: 1,000 transactions of 100 into a store growing to 100,000 entities.
 * The elapsed time is printed, not asserted; the shared CPUs make timings unfit for assertions.
 */
describe('client.parallel() loading 100,000 entities into the test server', () => {
  it(
    'reports monotonic progress and totals that match what the server stores',
    async () => {
      await using server = await startApertureDBTestServer();
      await using client = ApertureDBClient.fromUrl(server.url);
      const progress: ParallelProgress[] = [];
      const started = performance.now();
      const result = await client.parallel(readings(TOTAL), {
        batchSize: 100,
        concurrency: 8,
        onProgress: (p) => progress.push({ ...p }),
      });
      const elapsedMs = performance.now() - started;
      console.log(
        `parallel-100k: ${TOTAL} AddEntity in ${result.transactions} transactions, ${elapsedMs.toFixed(0)} ms ` +
          `(${((TOTAL / elapsedMs) * 1000).toFixed(0)} entities/s)`,
      );

      expect(result).toMatchObject({
        done: TOTAL,
        succeeded: TOTAL,
        existed: 0,
        failed: 0,
        transactions: TOTAL / 100,
        failedTransactions: 0,
      });
      expect(progress).toHaveLength(TOTAL / 100);
      for (const [i, current] of progress.entries()) {
        const previous = progress[i - 1];
        if (previous === undefined) continue;
        expect(current.done).toBeGreaterThan(previous.done);
        expect(current.succeeded).toBeGreaterThanOrEqual(previous.succeeded);
        expect(current.transactions).toBe(previous.transactions + 1);
      }
      const last = progress.at(-1);
      expect(last).toEqual({
        done: result.done,
        succeeded: result.succeeded,
        existed: result.existed,
        failed: result.failed,
        transactions: result.transactions,
      });

      expect(await countOf(client, 'Reading')).toBe(result.succeeded);
      const { response } = await client.query([
        {
          FindEntity: {
            with_class: 'Reading',
            constraints: { even: ['==', true] },
            results: { count: true },
          },
        },
      ]);
      expect(resultOf(response, 0)).toMatchObject({ count: TOTAL / 2 });
    },
    LOAD_TEST_TIMEOUT_MS,
  );
});
