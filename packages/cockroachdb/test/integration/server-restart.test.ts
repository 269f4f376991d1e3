// A real restart of a private throwaway cluster (not the shared one other test files use).

import { ConnectionError, isConnError } from '@conn/core';
import { restartPgServer, startPgServer } from '@conn/pg-server';
import { describe, expect, it } from 'vitest';
import { CockroachDBClient } from '../../src/index.js';

const { CONN_COCKROACHDB_URL: _ignored, ...localOnly } = process.env;
const handle = await startPgServer({ env: localOnly });
const skipReason = handle.availability.available
  ? handle.availability.info.canRestart
    ? undefined
    : 'the test server cannot be restarted'
  : handle.availability.reason;
if (skipReason !== undefined) {
  console.log(`server restart test skips: ${skipReason}`);
  await handle.stop();
}

describe.skipIf(skipReason !== undefined)('server restart mid-run', () => {
  it('statements in flight fail with connection errors, then the pool recovers by itself', async () => {
    if (!handle.availability.available) return;
    const { info } = handle.availability;
    try {
      const url = new URL(info.url);
      url.searchParams.set('sslmode', 'disable');
      await using db = CockroachDBClient.fromUrl(url.toString(), {
        pool: { max: 4, acquireTimeoutMs: 20_000 },
      });
      await Promise.all(Array.from({ length: 4 }, () => db.query('SELECT 1')));
      expect(db.stats().size).toBeGreaterThan(0);

      const failures: unknown[] = [];
      let successes = 0;
      let stop = false;
      // Four workers keep querying (bounded by `stop` and a count) across the restart.
      const workers = Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 10_000 && !stop; i++) {
          try {
            await db.query('SELECT pg_sleep(0.001)');
            successes++;
          } catch (error) {
            failures.push(error);
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      });
      await restartPgServer(info, { downMs: 300 });
      // After the restart every worker gets through again.
      await expect.poll(() => db.query('SELECT 42 AS answer'), { timeout: 15_000 }).toEqual([{ answer: 42 }]);
      const before = successes;
      await expect.poll(() => successes - before, { timeout: 15_000 }).toBeGreaterThan(20);
      stop = true;
      await Promise.all(workers);

      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) {
        expect(isConnError(failure)).toBe(true);
        expect(
          failure instanceof ConnectionError || (failure as { code?: string }).code === 'CONN_POOL_TIMEOUT',
        ).toBe(true);
      }
      expect(db.stats().size).toBeLessThanOrEqual(4);
    } finally {
      await handle.stop();
    }
  });
});
