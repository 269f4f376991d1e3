import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CockroachDBClient } from '../../src/index.js';
import { openDatabase, testDatabase } from '../support/database.js';

describe.skipIf(testDatabase.skipReason !== undefined)('streaming against PostgreSQL', () => {
  let db: CockroachDBClient;
  beforeAll(() => {
    db = openDatabase({ pool: { max: 1 } });
  });
  afterAll(async () => {
    await db.close();
  });

  it('streams every row of a large result in order', async () => {
    let count = 0;
    let sum = 0;
    let last = 0;
    for await (const row of db.stream<{ g: number }>('SELECT g FROM generate_series(1, 200000) g', [], {
      batchSize: 5000,
    })) {
      count++;
      sum += row.g;
      expect(row.g).toBe(last + 1);
      last = row.g;
    }
    expect(count).toBe(200_000);
    expect(sum).toBe((200_000 * 200_001) / 2);
  });

  it('reads a batch only when the loop asks for more (backpressure)', async () => {
    const counter = `stream_reads_${process.pid}`;
    // nextval() runs once per row the server produces: it shows how far the server got.
    await using tx = await db.transaction();
    await tx.execute(`CREATE TEMP SEQUENCE "${counter}"`);
    const rows = tx.stream<{ v: string }>(
      `SELECT nextval('"${counter}"') AS v FROM generate_series(1, 100000)`,
      [],
      {
        batchSize: 100,
      },
    );
    let seen = 0;
    for await (const _row of rows) {
      seen++;
      if (seen === 150) break;
    }
    const produced = await tx.queryOne<{ last: string }>(`SELECT last_value AS last FROM "${counter}"`);
    expect(Number(produced?.last)).toBeLessThanOrEqual(200);
    expect(Number(produced?.last)).toBeGreaterThanOrEqual(150);
  });

  it("a transaction's stream without batchSize doubles its reads", async () => {
    const counter = `stream_grows_${process.pid}`;
    await using tx = await db.transaction();
    await tx.execute(`CREATE TEMP SEQUENCE "${counter}"`);
    let seen = 0;
    for await (const _row of tx.stream(
      `SELECT nextval('"${counter}"') AS v FROM generate_series(1, 100000)`,
    )) {
      seen++;
      if (seen === 1001) break;
    }
    // A first read of streamBatchSize (1000) rows, then one of 2000.
    const produced = await tx.queryOne<{ last: string }>(`SELECT last_value AS last FROM "${counter}"`);
    expect(Number(produced?.last)).toBe(3000);
  });

  it('break out of a stream releases the connection cleanly for the next statement', async () => {
    for await (const row of db.stream<{ g: number }>('SELECT g FROM generate_series(1, 1000000) g')) {
      if (row.g === 10) break;
    }
    expect(db.stats()).toMatchObject({ size: 1, idle: 1, leased: 0 });
    expect(await db.query('SELECT 42 AS answer')).toEqual([{ answer: 42 }]);
    // Pipelining is back on: concurrent statements share the one session again.
    const many = await Promise.all(
      Array.from({ length: 20 }, (_, i) => db.queryOne<{ i: number }>('SELECT $1::int AS i', [i])),
    );
    expect(many.map((row) => row?.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('an error thrown in the loop body closes the stream and frees the connection', async () => {
    const failure = new Error('consumer failed');
    const run = async () => {
      for await (const row of db.stream<{ g: number }>('SELECT g FROM generate_series(1, 100000) g')) {
        if (row.g === 5) throw failure;
      }
    };
    await expect(run()).rejects.toBe(failure);
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('a server error in the middle of a stream reaches the loop and the session survives', async () => {
    const run = async () => {
      let seen = 0;
      for await (const _row of db.stream('SELECT 10 / (5000 - g) AS x FROM generate_series(1, 10000) g', [], {
        batchSize: 1000,
      })) {
        seen++;
      }
      return seen;
    };
    await expect(run()).rejects.toMatchObject({ sqlstate: '22012' });
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('timeoutMs over a stream cancels the running statement', async () => {
    const run = async () => {
      for await (const _row of db.stream('SELECT pg_sleep(30)', [], { timeoutMs: 200 })) {
        // never reached
      }
    };
    await expect(run()).rejects.toMatchObject({ code: 'CONN_TIMEOUT' });
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
