// Workload 4: read 1,000,000 rows, summing them; the sum must be n(n+1)/2.

import type pg from 'pg';
import type postgres from 'postgres';
import type { CockroachDBClient, StreamOptions } from '../src/index.js';
import { type BenchCase, check, type Workload } from './measure.js';

export interface StreamClients {
  /** Pool max 1: the stream has the session to itself. */
  readonly ours: CockroachDBClient;
  readonly pg: pg.Client;
  /** max 1 */
  readonly sql: postgres.Sql;
}

export function streamWorkload(clients: StreamClients, settings: { rows: number; rounds: number }): Workload {
  const { rows } = settings;
  const text = `SELECT g FROM generate_series(1, ${rows}) g`;
  const expected = (rows * (rows + 1)) / 2;
  const summing = (client: string, sum: () => Promise<number>, ours?: 'primary' | 'variant'): BenchCase => {
    let total = 0;
    return {
      client,
      ...(ours === undefined ? {} : { ours }),
      async run() {
        total = await sum();
        return rows;
      },
      async verify() {
        check(total === expected, `${client}: sum of g is ${total}, expected ${expected}`);
      },
    };
  };
  const ours = (options: StreamOptions) => async (): Promise<number> => {
    let sum = 0;
    for await (const row of clients.ours.stream<{ g: number }>(text, [], options)) sum += row.g;
    return sum;
  };
  const adaptive = '@conn/cockroachdb db.stream (default: adaptive batches)';
  const batch1000 = '@conn/cockroachdb db.stream (batchSize 1000)';
  const noPortal = '@conn/cockroachdb db.stream (portal: false)';
  const cursor1000 = 'postgres.js .cursor(1000)';
  const forEach = 'postgres.js .forEach()';
  const cursor = (batch: number) => async (): Promise<number> => {
    let sum = 0;
    for await (const batchRows of clients.sql.unsafe(text).cursor(batch))
      for (const row of batchRows) sum += row['g'] as number;
    return sum;
  };
  return {
    name: `stream ${rows.toLocaleString('en-US')} rows`,
    unit: 'rows/s',
    rounds: settings.rounds,
    cases: [
      summing(adaptive, ours({}), 'primary'),
      summing(batch1000, ours({ batchSize: 1000 }), 'variant'),
      summing(noPortal, ours({ portal: false }), 'variant'),
      summing(cursor1000, cursor(1000)),
      summing('postgres.js .cursor(10000)', cursor(10_000)),
      summing(forEach, async () => {
        let sum = 0;
        await clients.sql.unsafe(text).forEach((row) => {
          sum += row['g'] as number;
        });
        return sum;
      }),
      summing('pg.Client, whole result buffered (not a stream)', async () => {
        let sum = 0;
        for (const row of (await clients.pg.query<{ g: number }>(text)).rows) sum += row.g;
        return sum;
      }),
    ],
    reference: [cursor1000],
    targets: [
      {
        minRatio: 1,
        text: 'stream (batchSize 1000) ≥ 1.0 × postgres.js .cursor(1000)',
        ours: batch1000,
        peer: cursor1000,
      },
      {
        minRatio: 1,
        text: 'stream (adaptive) ≥ 1.0 × postgres.js .cursor(1000)',
        ours: adaptive,
        peer: cursor1000,
      },
      {
        minRatio: 0.8,
        text: 'stream (portal: false) ≥ 0.8 × postgres.js .forEach()',
        ours: noPortal,
        peer: forEach,
      },
    ],
  };
}
