// Workload 4: read 1,000,000 rows, summing them; the sum must be n(n+1)/2.

import type pg from 'pg';
import type postgres from 'postgres';
import type { CockroachDBClient } from '../src/index.js';
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
  const ours = (batchSize: number) => async (): Promise<number> => {
    let sum = 0;
    for await (const row of clients.ours.stream<{ g: number }>(text, [], { batchSize })) sum += row.g;
    return sum;
  };
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
      summing('@conn/cockroachdb db.stream (batchSize 1000, default)', ours(1000), 'primary'),
      summing('@conn/cockroachdb db.stream (batchSize 10000)', ours(10_000), 'variant'),
      summing('postgres.js .cursor(1000)', cursor(1000)),
      summing('postgres.js .cursor(10000)', cursor(10_000)),
      summing('postgres.js .forEach()', async () => {
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
    reference: ['postgres.js .cursor(1000)'],
  };
}
