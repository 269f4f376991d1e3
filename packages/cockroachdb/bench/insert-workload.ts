// Workload 5: insert rows (id INT8, name TEXT, n INT8) into an emptied table; every run is checked by
// counting and summing what landed.

import type pg from 'pg';
import type { CockroachDBClient } from '../src/index.js';
import { batchInsertStatements } from '../src/sql/batch-statements.js';
import { type BenchCase, check, type Workload } from './measure.js';

export interface InsertClients {
  /** Pool max 1. */
  readonly ours: CockroachDBClient;
  /** Pool max 1, `statementCache: 0`: the client as it was before this bench's paths existed. */
  readonly oursBefore: CockroachDBClient;
  /** Runs the peers, and the untimed TRUNCATE and checks. */
  readonly pg: pg.Client;
}

// A type alias, not an interface: batchInsert takes records as `Row` (an index signature).
type InsertRecord = { id: number; name: string; n: number };

export const INSERT_TABLE: string = `bench_batch_insert_${process.pid}`;

export async function createInsertTable(client: pg.Client): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${INSERT_TABLE}`);
  await client.query(
    `CREATE TABLE ${INSERT_TABLE} (id INT8 PRIMARY KEY, name TEXT NOT NULL, n INT8 NOT NULL)`,
  );
}

export async function dropInsertTable(client: pg.Client): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${INSERT_TABLE}`);
}

export function insertWorkload(
  clients: InsertClients,
  settings: { rows: number; perRowRows: number; rounds: number },
): Workload {
  const maxRowsPerStatement = Math.floor(65_535 / 3);
  const needed = Math.max(settings.rows, settings.perRowRows, maxRowsPerStatement);
  const records: InsertRecord[] = Array.from({ length: needed }, (_, i) => ({
    id: i + 1,
    name: `name ${i + 1}`,
    n: (i + 1) * 3,
  }));
  const table = INSERT_TABLE;
  const inserting = (
    client: string,
    rows: number,
    insert: (slice: InsertRecord[]) => Promise<void>,
    ours?: 'primary' | 'variant',
  ): BenchCase => {
    const slice = records.slice(0, rows);
    return {
      client,
      ...(ours === undefined ? {} : { ours }),
      async setup() {
        await clients.pg.query(`TRUNCATE ${table}`);
      },
      async run() {
        await insert(slice);
        return rows;
      },
      async verify() {
        const result = await clients.pg.query<{ c: string; ids: string; ns: string; names: string }>(
          `SELECT count(*) AS c, sum(id) AS ids, sum(n) AS ns, count(*) FILTER (WHERE name = 'name ' || id) AS names FROM ${table}`,
        );
        const found = result.rows[0];
        const ids = (rows * (rows + 1)) / 2;
        check(
          found !== undefined &&
            Number(found.c) === rows &&
            Number(found.ids) === ids &&
            Number(found.ns) === ids * 3 &&
            Number(found.names) === rows,
          `${client}: expected ${rows} rows with matching ids, names and n, found ${JSON.stringify(found)}`,
        );
      },
    };
  };
  const count = (rows: number): string => rows.toLocaleString('en-US');
  const perRow = `pg.Client, one INSERT per row, one transaction (${count(settings.perRowRows)} rows)`;
  const batch = `@conn/cockroachdb batchInsert (atomic; COPY path; ${count(settings.rows)} rows)`;
  const copy = `@conn/cockroachdb copyFrom (${count(settings.rows)} rows)`;
  const before = `pg.Client, multi-row INSERTs of 1,000 rows in one transaction: what batchInsert sent before (${count(settings.rows)} rows)`;
  const today = `@conn/cockroachdb batchInsert as it was before (its VALUES statements in runInTransaction, no statement cache; ${count(settings.rows)} rows)`;
  const unnest = `pg.Client, one INSERT … SELECT FROM unnest($1, $2, $3) (${count(settings.rows)} rows)`;
  return {
    name: 'batch insert, 3 columns',
    unit: 'rows/s',
    rounds: settings.rounds,
    cases: [
      inserting(
        batch,
        settings.rows,
        async (slice) => {
          const result = await clients.ours.batchInsert(table, slice);
          check(result.rowCount === slice.length, `batchInsert reported ${result.rowCount} rows`);
        },
        'primary',
      ),
      inserting(
        copy,
        settings.rows,
        async (slice) => {
          const result = await clients.ours.copyFrom(table, ['id', 'name', 'n'], slice);
          check(result.rowCount === slice.length, `copyFrom reported ${result.rowCount} rows`);
        },
        'variant',
      ),
      inserting(
        `@conn/cockroachdb batchInsert with returning: ['id'] (unnest path; ${count(settings.rows)} rows)`,
        settings.rows,
        async (slice) => {
          const result = await clients.ours.batchInsert(table, slice, { returning: ['id'] });
          check(result.rows.length === slice.length, `batchInsert returned ${result.rows.length} rows`);
        },
        'variant',
      ),
      inserting(perRow, settings.perRowRows, async (slice) => {
        await clients.pg.query('BEGIN');
        for (const record of slice) {
          await clients.pg.query(`INSERT INTO ${table} (id, name, n) VALUES ($1, $2, $3)`, [
            record.id,
            record.name,
            record.n,
          ]);
        }
        await clients.pg.query('COMMIT');
      }),
      inserting(
        `pg.Client, one multi-row INSERT at the 65,535-parameter limit (${count(maxRowsPerStatement)} rows)`,
        maxRowsPerStatement,
        async (slice) => {
          const values: unknown[] = [];
          const tuples: string[] = [];
          for (const record of slice) {
            const at = values.length;
            values.push(record.id, record.name, record.n);
            tuples.push(`($${at + 1}, $${at + 2}, $${at + 3})`);
          }
          await clients.pg.query(`INSERT INTO ${table} (id, name, n) VALUES ${tuples.join(', ')}`, values);
        },
      ),
      inserting(today, settings.rows, async (slice) => {
        // Exactly what batchInsert did before it had COPY and unnest: its VALUES chunks of 1,000
        // rows, run one by one in runInTransaction, on a client without the statement cache
        // (which came later and spares the server parsing each 3,000-parameter INSERT).
        await clients.oursBefore.runInTransaction(async (tx) => {
          for (const statement of batchInsertStatements(table, slice, { returning: false }))
            await tx.query(statement.text, statement.values);
        });
      }),
      inserting(before, settings.rows, async (slice) => {
        await clients.pg.query('BEGIN');
        for (let first = 0; first < slice.length; first += 1_000) {
          const values: unknown[] = [];
          const tuples: string[] = [];
          for (const record of slice.slice(first, first + 1_000)) {
            const at = values.length;
            values.push(record.id, record.name, record.n);
            tuples.push(`($${at + 1}, $${at + 2}, $${at + 3})`);
          }
          await clients.pg.query(`INSERT INTO ${table} (id, name, n) VALUES ${tuples.join(', ')}`, values);
        }
        await clients.pg.query('COMMIT');
      }),
      inserting(unnest, settings.rows, async (slice) => {
        await clients.pg.query(
          `INSERT INTO ${table} (id, name, n) SELECT * FROM unnest($1::int8[], $2::text[], $3::int8[])`,
          [
            slice.map((record) => record.id),
            slice.map((record) => record.name),
            slice.map((record) => record.n),
          ],
        );
      }),
    ],
    reference: [unnest],
    targets: [
      { minRatio: 1, text: 'batchInsert ≥ 1.0 × one unnest statement', peer: unnest, path: 'COPY' },
      { minRatio: 2, text: 'batchInsert ≥ 2 × batchInsert as it was', peer: today, path: 'COPY' },
      { minRatio: 10, text: 'batchInsert ≥ 10 × one INSERT per row', peer: perRow },
      {
        minRatio: 3,
        text: 'copyFrom ≥ 3 × batchInsert as it was',
        ours: copy,
        peer: today,
        path: 'COPY',
      },
    ],
  };
}
