/**
 * Benchmark 2: `SPEC.smallQueries` small selects (`limit(0, 1)` over a 10-row schema), always
 * `SPEC.concurrency` in flight, by one client with `pool: { max: SPEC.concurrency }` against a
 * new client (pool of one) opened, queried and closed per query — the official Node client's
 * pattern. The pooled figure includes opening its connections: each round starts a new client.
 * Target: pooled ≥ 5× per-connection queries/s.
 */

import { runRounds } from '@conn/bench-kit/rounds';
import { median } from '@conn/bench-kit/stats';
import { ZTeraDBClient, ZTeraDBQuery } from '../src/index.js';
import { printFigure, printHeader, printRatio } from './report.js';
import type { ServerProcess } from './server-process.js';
import { SMALL_SCHEMA, SPEC } from './spec.js';

const TARGET = 5;

/** Runs `query` `count` times with at most `concurrency` at once; resolves with queries/s. */
async function queriesPerSecond(
  count: number,
  concurrency: number,
  query: () => Promise<void>,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      await query();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return count / ((performance.now() - started) / 1000);
}

async function selectOne(client: ZTeraDBClient): Promise<void> {
  const rows = await client.run(ZTeraDBQuery(SMALL_SCHEMA).select().limit(0, 1)).toArray();
  if (rows.length !== 1) throw new Error(`expected 1 row, got ${String(rows.length)}`);
}

export async function poolSection(server: ServerProcess): Promise<void> {
  const { smallQueries: count, concurrency } = SPEC;
  printHeader(
    `pool: ${count.toLocaleString('en-US')} small selects, ${String(concurrency)} in flight; medians of ${SPEC.rounds} rounds`,
  );
  const samples = await runRounds(
    {
      pooled: async () => {
        const client = ZTeraDBClient.fromUrl(server.url, { pool: { max: concurrency } });
        try {
          return await queriesPerSecond(count, concurrency, () => selectOne(client));
        } finally {
          await client.close();
        }
      },
      perConnection: () =>
        queriesPerSecond(count, concurrency, async () => {
          const client = ZTeraDBClient.fromUrl(server.url, { pool: { max: 1 } });
          try {
            await selectOne(client);
          } finally {
            await client.close();
          }
        }),
    },
    SPEC.rounds,
  );
  printFigure(`queries/s, one client, pool max ${String(concurrency)}`, samples.pooled);
  printFigure('queries/s, a new connection per query', samples.perConnection);
  printRatio(
    'pooled/per-connection queries/s',
    median(samples.pooled),
    median(samples.perConnection),
    TARGET,
  );
}
