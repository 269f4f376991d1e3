// `pnpm bench`: @conn/cockroachdb against raw pg.Client, pg.Pool and postgres.js, all in one run
// against the same PostgreSQL (CONN_COCKROACH_URL, or a throwaway local cluster).

import { startPgServer } from '@conn/pg-server';
import pg from 'pg';
import postgres from 'postgres';
import { CockroachDB } from '../src/index.js';
import { type BenchCase, check, concurrently, measure } from './measure.js';
import { renderTable, type Target } from './report.js';

const ROUNDS = 7;
const SEQUENTIAL = 10_000;
const CONCURRENT = 20_000;
const STREAM_ROWS = 1_000_000;
const BATCH_ROWS = 100_000;
const PER_ROW = 10_000;
const ONE_STATEMENT_ROWS = Math.floor(65_535 / 3);

const handle = await startPgServer();
if (!handle.availability.available) {
  console.log(`benchmark skipped: ${handle.availability.reason}`);
  process.exit(0);
}
const { info } = handle.availability;
const ours = (max: number): CockroachDB => {
  const url = new URL(info.url);
  if (!url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'disable');
  return CockroachDB.fromUrl(url.toString(), { pool: { max } });
};
const plainUrl = info.url.replace(/\?.*$/, '');

process.noDeprecation = true; // pg's queued mode warns once per process; the warning is not the point here
const oursOne = ours(1);
const oursSixteen = ours(16);
const rawClient = new pg.Client({ connectionString: plainUrl });
const pipelinedClient = new pg.Client({ connectionString: plainUrl, pipeline: true });
const pgPoolOne = new pg.Pool({ connectionString: plainUrl, max: 1 });
const pgPoolSixteen = new pg.Pool({ connectionString: plainUrl, max: 16 });
const sqlOne = postgres(plainUrl, { max: 1, onnotice: () => {} });
const sqlSixteen = postgres(plainUrl, { max: 16, onnotice: () => {} });

async function warm(): Promise<void> {
  await rawClient.connect();
  await pipelinedClient.connect();
  await Promise.all([
    oursOne.query('SELECT 1'),
    concurrently(64, 16, async () => void (await oursSixteen.query('SELECT 1'))),
    concurrently(64, 16, async () => void (await pgPoolSixteen.query('SELECT 1'))),
    concurrently(64, 16, async () => void (await sqlSixteen`SELECT 1`)),
    pgPoolOne.query('SELECT 1'),
    sqlOne`SELECT 1`,
  ]);
}

const isOne = (value: unknown): boolean => Number(value) === 1;

function sequential(client: string, query: () => Promise<unknown>, mine = false): BenchCase {
  return {
    workload: 'sequential SELECT 1, one connection',
    client,
    unit: 'queries/s',
    ours: mine,
    async run() {
      for (let i = 0; i < SEQUENTIAL; i++) check(isOne(await query()), `${client} answered SELECT 1`);
      return SEQUENTIAL;
    },
  };
}

function concurrent(
  workload: string,
  client: string,
  query: () => Promise<unknown>,
  mine = false,
): BenchCase {
  return {
    workload,
    client,
    unit: 'queries/s',
    ours: mine,
    async run() {
      let answered = 0;
      await concurrently(CONCURRENT, 16, async () => {
        if (isOne(await query())) answered++;
      });
      check(answered === CONCURRENT, `${client} answered every query`);
      return CONCURRENT;
    },
  };
}

const EXPECTED_SUM = (STREAM_ROWS * (STREAM_ROWS + 1)) / 2;
const STREAM_SQL = `SELECT g FROM generate_series(1, ${STREAM_ROWS}) g`;

function streaming(client: string, sum: () => Promise<number>, mine = false): BenchCase {
  return {
    workload: 'stream 1,000,000 rows',
    client,
    unit: 'rows/s',
    ours: mine,
    async run() {
      check((await sum()) === EXPECTED_SUM, `${client} streamed every row`);
      return STREAM_ROWS;
    },
  };
}

const table = `bench_batch_${process.pid}`;
const records = Array.from({ length: BATCH_ROWS }, (_, i) => ({ id: i, name: `name ${i}`, n: i * 3 }));
async function freshTable(): Promise<void> {
  await rawClient.query(`DROP TABLE IF EXISTS ${table}`);
  await rawClient.query(`CREATE TABLE ${table} (id INT8 PRIMARY KEY, name TEXT NOT NULL, n INT8)`);
}
async function countRows(): Promise<number> {
  return Number((await rawClient.query(`SELECT count(*) AS c FROM ${table}`)).rows[0].c);
}

function inserting(client: string, rows: number, insert: () => Promise<void>, mine = false): BenchCase {
  return {
    workload: 'batch insert (3 columns)',
    client,
    unit: 'rows/s',
    ours: mine,
    setup: freshTable,
    async run() {
      await insert();
      check((await countRows()) === rows, `${client} stored ${rows} rows`);
      return rows;
    },
  };
}

const ONE_CONNECTION = '16 concurrent callers, one connection';
const SIXTEEN_CONNECTIONS = '16 concurrent callers, 16 connections';

const cases: BenchCase[] = [
  sequential(
    '@conn/cockroachdb (pool max 1)',
    async () => (await oursOne.query('SELECT 1 AS x'))[0]?.['x'],
    true,
  ),
  sequential('pg.Client', async () => (await rawClient.query('SELECT 1 AS x')).rows[0].x),
  sequential('pg.Pool (max 1)', async () => (await pgPoolOne.query('SELECT 1 AS x')).rows[0].x),
  sequential('postgres.js (max 1)', async () => (await sqlOne.unsafe('SELECT 1 AS x'))[0]?.['x']),
  concurrent(
    ONE_CONNECTION,
    '@conn/cockroachdb (pool max 1)',
    async () => (await oursOne.query('SELECT 1 AS x'))[0]?.['x'],
    true,
  ),
  concurrent(
    ONE_CONNECTION,
    'pg.Client pipeline: true',
    async () => (await pipelinedClient.query('SELECT 1 AS x')).rows[0].x,
  ),
  concurrent(
    ONE_CONNECTION,
    'pg.Client (queued)',
    async () => (await rawClient.query('SELECT 1 AS x')).rows[0].x,
  ),
  concurrent(
    ONE_CONNECTION,
    'postgres.js (max 1)',
    async () => (await sqlOne.unsafe('SELECT 1 AS x'))[0]?.['x'],
  ),
  concurrent(
    SIXTEEN_CONNECTIONS,
    '@conn/cockroachdb (pool max 16)',
    async () => (await oursSixteen.query('SELECT 1 AS x'))[0]?.['x'],
    true,
  ),
  concurrent(
    SIXTEEN_CONNECTIONS,
    'pg.Pool (max 16)',
    async () => (await pgPoolSixteen.query('SELECT 1 AS x')).rows[0].x,
  ),
  concurrent(
    SIXTEEN_CONNECTIONS,
    'postgres.js (max 16)',
    async () => (await sqlSixteen.unsafe('SELECT 1 AS x'))[0]?.['x'],
  ),
  streaming(
    '@conn/cockroachdb stream (batch 1000)',
    async () => {
      let sum = 0;
      for await (const row of oursOne.stream<{ g: number }>(STREAM_SQL)) sum += row.g;
      return sum;
    },
    true,
  ),
  streaming('@conn/cockroachdb stream (batch 10000)', async () => {
    let sum = 0;
    for await (const row of oursOne.stream<{ g: number }>(STREAM_SQL, [], { batchSize: 10_000 }))
      sum += row.g;
    return sum;
  }),
  streaming('postgres.js .cursor(1000)', async () => {
    let sum = 0;
    for await (const rows of sqlOne.unsafe(STREAM_SQL).cursor(1000))
      for (const row of rows) sum += row['g'] as number;
    return sum;
  }),
  streaming('postgres.js .forEach()', async () => {
    let sum = 0;
    await sqlOne.unsafe(STREAM_SQL).forEach((row) => {
      sum += row['g'] as number;
    });
    return sum;
  }),
  streaming('pg.Client, buffered (not streamed)', async () => {
    let sum = 0;
    for (const row of (await rawClient.query(STREAM_SQL)).rows) sum += row.g;
    return sum;
  }),
  inserting(
    '@conn/cockroachdb batchInsert (100,000 rows)',
    BATCH_ROWS,
    async () => {
      const result = await oursOne.batchInsert(table, records);
      check(result.rowCount === BATCH_ROWS, 'batchInsert counted every row');
    },
    true,
  ),
  inserting(
    `pg.Client, one INSERT per row (${PER_ROW.toLocaleString('en-US')} rows, one transaction)`,
    PER_ROW,
    async () => {
      await rawClient.query('BEGIN');
      for (let i = 0; i < PER_ROW; i++) {
        const record = records[i] as { id: number; name: string; n: number };
        await rawClient.query(`INSERT INTO ${table} (id, name, n) VALUES ($1, $2, $3)`, [
          record.id,
          record.name,
          record.n,
        ]);
      }
      await rawClient.query('COMMIT');
    },
  ),
  inserting(
    `pg.Client, one multi-row INSERT at the parameter limit (${ONE_STATEMENT_ROWS.toLocaleString('en-US')} rows)`,
    ONE_STATEMENT_ROWS,
    async () => {
      const values: unknown[] = [];
      const tuples: string[] = [];
      for (let i = 0; i < ONE_STATEMENT_ROWS; i++) {
        const record = records[i] as { id: number; name: string; n: number };
        values.push(record.id, record.name, record.n);
        tuples.push(`($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`);
      }
      await rawClient.query(`INSERT INTO ${table} (id, name, n) VALUES ${tuples.join(', ')}`, values);
    },
  ),
  inserting('pg.Client, one INSERT … SELECT unnest($1, $2, $3) (100,000 rows)', BATCH_ROWS, async () => {
    await rawClient.query(
      `INSERT INTO ${table} (id, name, n) SELECT * FROM unnest($1::int8[], $2::text[], $3::int8[])`,
      [
        records.map((record) => record.id),
        records.map((record) => record.name),
        records.map((record) => record.n),
      ],
    );
  }),
];

const targets: Target[] = [
  {
    workload: 'sequential SELECT 1, one connection',
    peer: 'pg.Client',
    minRatio: 0.95,
    text: '≥ 0.95x pg.Client',
  },
  { workload: ONE_CONNECTION, peer: 'postgres.js (max 1)', minRatio: 1, text: '≥ postgres.js' },
  { workload: SIXTEEN_CONNECTIONS, peer: 'postgres.js (max 16)', minRatio: 1, text: '≥ postgres.js' },
  {
    workload: 'batch insert (3 columns)',
    peer: `pg.Client, one INSERT per row (${PER_ROW.toLocaleString('en-US')} rows, one transaction)`,
    minRatio: 10,
    text: '≥ 10x per-row',
  },
];

let failed = false;
try {
  await warm();
  const started = performance.now();
  const results = await measure(cases, ROUNDS);
  const versions = (await rawClient.query('SHOW server_version')).rows[0].server_version;
  console.log(
    `\n@conn/cockroachdb benchmark: Node ${process.version}, pg ${pg.defaults ? '8.23.1' : '?'}, postgres.js 3.4.9, ` +
      `PostgreSQL ${versions} (${info.source}), loopback, ${ROUNDS} rounds (order alternating), medians; ` +
      'client and server share the 2 vCPUs, so client CPU per unit is the steadier measure of driver overhead.\n',
  );
  console.log(renderTable(results, targets));
  console.log(`\n(measured in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await rawClient.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
  await Promise.all([
    oursOne.close(),
    oursSixteen.close(),
    rawClient.end(),
    pipelinedClient.end(),
    pgPoolOne.end(),
    pgPoolSixteen.end(),
    sqlOne.end(),
    sqlSixteen.end(),
  ]);
  await handle.stop();
}
process.exitCode = failed ? 1 : 0;
