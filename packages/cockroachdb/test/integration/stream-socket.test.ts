import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CockroachDBClient, ConfigError } from '../../src/index.js';
import { openDatabase, testDatabase } from '../support/database.js';

/** Polls `probe` on observable server state until it holds (bounded by the test's timeout). */
async function until(probe: () => Promise<boolean>): Promise<void> {
  while (!(await probe())) await new Promise((resolve) => setImmediate(resolve));
}

describe.skipIf(testDatabase.skipReason !== undefined)('stream({ portal: false }) against PostgreSQL', () => {
  let db: CockroachDBClient;
  let observer: CockroachDBClient;
  beforeAll(() => {
    db = openDatabase({ pool: { max: 1 } });
    observer = openDatabase({ pool: { max: 1 } });
  });
  afterAll(async () => {
    await db.close();
    await observer.close();
  });

  it('streams 200,000 rows in order, typed as query() types them', async () => {
    let count = 0;
    let last = 0;
    const sql = `SELECT g, g::text AS t, (g % 2 = 0) AS even, '2024-01-01'::date + g AS day, g::numeric / 4 AS q
      FROM generate_series(1, 200000) g`;
    const [typed] = await db.query(`${sql} LIMIT 1`);
    for await (const row of db.stream<{ g: number; t: string; even: boolean; day: Date; q: string }>(
      sql,
      [],
      {
        portal: false,
      },
    )) {
      count++;
      if (row.g !== last + 1) expect(row.g).toBe(last + 1);
      last = row.g;
      if (count === 1) expect(row).toEqual(typed);
    }
    expect(count).toBe(200_000);
    expect(db.stats()).toMatchObject({ size: 1, idle: 1, leased: 0 });
  });

  it('binds parameters and supports rowMode array', async () => {
    const rows: unknown[] = [];
    for await (const row of db.stream(
      'SELECT $1::int + g AS x, $2::text AS s FROM generate_series(1, 3) g',
      [10, 'a'],
      {
        portal: false,
        rowMode: 'array',
      },
    )) {
      rows.push(row);
    }
    expect(rows).toEqual([
      [11, 'a'],
      [12, 'a'],
      [13, 'a'],
    ]);
  });

  it('holds the server back while the loop stops, then delivers everything', async () => {
    const counter = `stream_socket_bp_${process.pid}`;
    await db.execute(`DROP SEQUENCE IF EXISTS "${counter}"; CREATE SEQUENCE "${counter}"`);
    const total = 3_000_000;
    const rows = db.stream<{ v: string }>(
      `SELECT nextval('"${counter}"') AS v FROM generate_series(1, ${total})`,
      [],
      { portal: false },
    );
    const iterator = rows[Symbol.asyncIterator]();
    let seen = 0;
    for (; seen < 1000; seen++) await iterator.next();
    // The loop stops here. The backend ends up blocked writing to us (wait event ClientWrite)...
    const blocked = async () => {
      const row = await observer.queryOne<{ wait: string | null }>(
        `SELECT wait_event AS wait FROM pg_stat_activity
          WHERE query LIKE $1 AND pid <> pg_backend_pid() AND state = 'active'`,
        [`%nextval('"${counter}"')%`],
      );
      return row?.wait === 'ClientWrite';
    };
    await until(blocked);
    const produced = async () =>
      Number((await observer.queryOne<{ n: string }>(`SELECT last_value AS n FROM "${counter}"`))?.n);
    const first = await produced();
    // ...and stays there: a hundred round trips later it has produced nothing more.
    for (let i = 0; i < 100; i++) await observer.query('SELECT 1');
    expect(await blocked()).toBe(true);
    expect(await produced()).toBe(first);
    expect(first).toBeLessThan(total / 2);
    let last = 1000;
    for (;;) {
      const step = await iterator.next();
      if (step.done) break;
      seen++;
      if (Number(step.value.v) !== last + 1) expect(Number(step.value.v)).toBe(last + 1);
      last++;
    }
    expect(seen).toBe(total);
    await db.execute(`DROP SEQUENCE "${counter}"`);
  });

  it('break mid-way cancels the statement and the one session answers the next query', async () => {
    for await (const row of db.stream<{ g: number }>('SELECT g FROM generate_series(1, 5000000) g', [], {
      portal: false,
    })) {
      if (row.g === 10) break;
    }
    expect(db.stats()).toMatchObject({ size: 1, idle: 1, leased: 0 });
    expect(await db.query('SELECT 42 AS answer')).toEqual([{ answer: 42 }]);
    const many = await Promise.all(
      Array.from({ length: 20 }, (_, i) => db.queryOne<{ i: number }>('SELECT $1::int AS i', [i])),
    );
    expect(many.map((row) => row?.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('an error at row N reaches the loop as a typed error after the rows before it', async () => {
    let seen = 0;
    const run = async () => {
      for await (const _row of db.stream('SELECT 10 / (5000 - g) AS x FROM generate_series(1, 10000) g', [], {
        portal: false,
      })) {
        seen++;
      }
    };
    await expect(run()).rejects.toMatchObject({ code: 'CONN_COCKROACHDB_SQL', sqlstate: '22012' });
    expect(seen).toBeLessThan(5000);
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('an abort mid-stream rejects with AbortError, cancels on the server, and the session is reusable', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const run = async () => {
      for await (const row of db.stream<{ g: number }>('SELECT g FROM generate_series(1, 5000000) g', [], {
        portal: false,
        signal: controller.signal,
      })) {
        if (row.g === 1000) controller.abort(reason);
      }
    };
    await expect(run()).rejects.toMatchObject({ code: 'CONN_ABORTED', cause: reason });
    expect(await db.query('SELECT 7 AS seven')).toEqual([{ seven: 7 }]);
  });

  it('timeoutMs cancels a statement that sends nothing', async () => {
    const run = async () => {
      for await (const _row of db.stream('SELECT pg_sleep(30)', [], { portal: false, timeoutMs: 200 })) {
        // never reached
      }
    };
    await expect(run()).rejects.toMatchObject({ code: 'CONN_TIMEOUT' });
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('refuses batchSize with portal: false, and portal: false inside a transaction', async () => {
    expect(() => db.stream('SELECT 1', [], { portal: false, batchSize: 10 })).toThrow(ConfigError);
    await using tx = await db.transaction();
    expect(() => tx.stream('SELECT 1', [], { portal: false })).toThrow(
      expect.objectContaining({ code: 'CONN_CONFIG', field: 'portal' }),
    );
  });
});
