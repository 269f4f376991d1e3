import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  type CockroachDBClient,
  SqlError,
  TimeoutError,
  UniqueViolationError,
} from '../../src/index.js';
import { endOfTurn, openDatabase, testDatabase, uniqueTable } from '../support/database.js';

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const HOSTILE_TEXT = ['', '\\', '\\N', 'a\tb', 'line\nbreak', 'cr\rlf\r\n', 'ü€😀', ' lead', '\\.', 'NULL'];

/** Polls `check` until it is true (observable state, no fixed sleeps). */
async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(testDatabase.skipReason !== undefined)('COPY against PostgreSQL', () => {
  let db: CockroachDBClient;
  beforeAll(() => {
    db = openDatabase({ pool: { max: 1 }, int8: 'bigint' });
  });
  afterAll(async () => {
    await db.close();
  });

  async function sessionUsable(): Promise<void> {
    expect(await db.query('SELECT 42 AS answer')).toEqual([{ answer: 42 }]);
    await endOfTurn();
    expect(db.stats()).toMatchObject({ leased: 0 });
  }

  it('round-trips hostile values of every type through copyFrom, copyTo and SELECT', async () => {
    const table = uniqueTable('copy_types');
    await db.execute(
      `CREATE TABLE "${table}" (n int PRIMARY KEY, t text, big int8, num numeric, f float8, b boolean,
        bytes bytea, arr text[], doc jsonb, at timestamptz, ints int8[])`,
    );
    const at = new Date('2024-02-29T23:59:58.123Z');
    const rows = HOSTILE_TEXT.map((t, i) => ({
      n: i,
      t,
      big: i % 2 === 0 ? 9_007_199_254_740_993n + BigInt(i) : null,
      num: '123456789012345678901234567890.123456789',
      f: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5, -0][i % 5],
      b: i % 3 === 0 ? null : i % 3 === 1,
      bytes: i === 0 ? ALL_BYTES : Buffer.from(t),
      arr: ['a"b', 'c,d', '{e}', 'NULL', null, '\\', t],
      doc: { text: t, nested: [1, { q: '"\\\n' }] },
      at,
      ints: [-9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n],
    }));
    const columns = Object.keys(rows[0] as object);
    expect(await db.copyFrom(table, columns, rows)).toEqual({ rowCount: rows.length });
    // An extra row holding NULL everywhere next to an empty string: the two must stay apart.
    await db.copyFrom(table, ['n', 't', 'arr'], [[100, null, []]]);

    const selected = await db.query(`SELECT * FROM "${table}" ORDER BY n`);
    const copied: unknown[] = [];
    for await (const row of db.copyTo(`SELECT * FROM "${table}" ORDER BY n`)) copied.push(row);
    expect(copied).toEqual(selected);
    const byTable: unknown[] = [];
    for await (const row of db.copyTo({ table })) byTable.push(row);
    expect(byTable).toHaveLength(rows.length + 1);

    for (const [i, row] of rows.entries()) {
      const stored = selected[i] as Record<string, unknown>;
      expect(stored['t']).toBe(row.t);
      expect(stored['big']).toBe(row.big);
      expect(stored['num']).toBe(row.num);
      expect(Object.is(stored['f'], row.f) || stored['f'] === row.f).toBe(true);
      expect(stored['b']).toBe(row.b);
      expect(stored['bytes']).toEqual(row.bytes);
      expect(stored['arr']).toEqual(row.arr);
      expect(stored['doc']).toEqual(row.doc);
      expect(stored['at']).toEqual(at);
      expect(stored['ints']).toEqual(row.ints);
    }
    expect(selected.at(-1)).toMatchObject({ n: 100, t: null, arr: [] });
    // The same values bound as parameters compare equal to what COPY stored.
    const same = await db.query<{ n: number }>(
      `SELECT n FROM "${table}" WHERE at = $1 AND arr = $2::text[] AND n = 1`,
      [at, rows[1]?.arr],
    );
    expect(same).toEqual([{ n: 1 }]);
    await sessionUsable();
  });

  it('copies raw chunks in and out, chunks split anywhere', async () => {
    const table = uniqueTable('copy_raw');
    await db.execute(`CREATE TABLE "${table}" (id int, label text)`);
    const text = '1\tone\n2\t\\N\n3\tthr€e\\tx\n';
    const bytes = Buffer.from(text);
    // Split inside a line and inside the 3-byte euro sign.
    const cut = bytes.indexOf(Buffer.from('€')) + 1;
    const chunks = [bytes.subarray(0, 3), bytes.subarray(3, cut), bytes.subarray(cut)];
    expect(await db.copyFrom(table, ['id', 'label'], chunks, { format: 'raw' })).toEqual({ rowCount: 3 });
    const out: Buffer[] = [];
    for await (const chunk of db.copyTo(`SELECT * FROM "${table}" ORDER BY id`, { format: 'raw' }))
      out.push(chunk);
    expect(Buffer.concat(out).toString()).toBe(text);
    expect(await db.query(`SELECT label FROM "${table}" ORDER BY id`)).toEqual([
      { label: 'one' },
      { label: null },
      { label: 'thr€e\tx' },
    ]);
  });

  it('a bad value mid-COPY rejects with a typed error naming the row; nothing stored; session usable', async () => {
    const table = uniqueTable('copy_bad');
    await db.execute(`CREATE TABLE "${table}" (id int, n int)`);
    const rows = [
      [1, 1],
      [2, 2],
      [3, 'not a number'],
      [4, 4],
    ];
    const error = await db.copyFrom(table, ['id', 'n'], rows).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect((error as SqlError).sqlstate).toBe('22P02');
    expect((error as SqlError).details['row']).toBe(3);
    expect(await db.query(`SELECT count(*)::int AS c FROM "${table}"`)).toEqual([{ c: 0 }]);
    await sessionUsable();
  });

  it('a unique violation rejects with UniqueViolationError and the row', async () => {
    const table = uniqueTable('copy_unique');
    await db.execute(`CREATE TABLE "${table}" (id int PRIMARY KEY)`);
    const error = await db
      .copyFrom(table, ['id'], [{ id: 1 }, { id: 2 }, { id: 1 }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect((error as UniqueViolationError).constraint).toBe(`${table}_pkey`);
    expect((error as UniqueViolationError).details['row']).toBe(3);
    await sessionUsable();
  });

  it('a failing source stops the COPY with its own error; nothing stored; session usable', async () => {
    const table = uniqueTable('copy_source_fail');
    await db.execute(`CREATE TABLE "${table}" (id int)`);
    const failure = new Error('source broke');
    async function* rows() {
      for (let i = 0; i < 50_000; i++) yield [i];
      throw failure;
    }
    await expect(db.copyFrom(table, ['id'], rows())).rejects.toBe(failure);
    expect(await db.query(`SELECT count(*)::int AS c FROM "${table}"`)).toEqual([{ c: 0 }]);
    await sessionUsable();
  });

  it('an AbortSignal cancels a COPY fed by a slow source; nothing stored; session usable', async () => {
    const table = uniqueTable('copy_abort');
    await db.execute(`CREATE TABLE "${table}" (id int)`);
    const controller = new AbortController();
    let pulled = 0;
    let closed = false;
    async function* rows() {
      try {
        for (let i = 0; ; i++) {
          pulled++;
          // A trickle: one chunk's worth, then the source waits (forever unless closed).
          if (i === 5_000) await new Promise(() => {});
          yield [i];
        }
      } finally {
        closed = true;
      }
    }
    const copying = db.copyFrom(table, ['id'], rows(), { signal: controller.signal });
    await until(() => pulled > 5_000, 'the source to stall');
    controller.abort();
    await expect(copying).rejects.toBeInstanceOf(AbortError);
    expect(closed).toBe(false); // stuck in an await: return() is queued, never forced
    expect(await db.query(`SELECT count(*)::int AS c FROM "${table}"`)).toEqual([{ c: 0 }]);
    await sessionUsable();
  });

  it('timeoutMs cancels a COPY fed by a slow source; nothing stored; session usable', async () => {
    const table = uniqueTable('copy_timeout');
    await db.execute(`CREATE TABLE "${table}" (id int)`);
    async function* rows() {
      for (let i = 0; ; i++) {
        if (i === 3_000) await new Promise(() => {});
        yield [i];
      }
    }
    await expect(db.copyFrom(table, ['id'], rows(), { timeoutMs: 300 })).rejects.toBeInstanceOf(TimeoutError);
    expect(await db.query(`SELECT count(*)::int AS c FROM "${table}"`)).toEqual([{ c: 0 }]);
    await sessionUsable();
  });

  it('break out of copyTo mid-way leaves the session usable', async () => {
    let seen = 0;
    for await (const row of db.copyTo<{ g: number }>('SELECT g FROM generate_series(1, 2000000) g')) {
      seen++;
      expect(row.g).toBe(seen);
      if (seen === 1_000) break;
    }
    await sessionUsable();
    let chunks = 0;
    for await (const _chunk of db.copyTo('SELECT g FROM generate_series(1, 2000000) g', { format: 'raw' })) {
      if (++chunks === 2) break;
    }
    await sessionUsable();
  });

  it('a server error mid copyTo reaches the loop; session usable', async () => {
    const run = async () => {
      for await (const _row of db.copyTo('SELECT 10 / (50000 - g) AS x FROM generate_series(1, 100000) g')) {
        // consume
      }
    };
    await expect(run()).rejects.toMatchObject({ sqlstate: '22012' });
    await sessionUsable();
  });

  it('copyTo honours timeoutMs while the loop is slow; session usable', async () => {
    const run = async () => {
      for await (const _row of db.copyTo('SELECT g FROM generate_series(1, 5000000) g', { timeoutMs: 200 })) {
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await expect(run()).rejects.toBeInstanceOf(TimeoutError);
    await sessionUsable();
  });

  it('runs inside a transaction on its session, rolled back with it', async () => {
    const table = uniqueTable('copy_tx');
    await db.execute(`CREATE TABLE "${table}" (id int)`);
    {
      await using tx = await db.transaction();
      expect(await tx.copyFrom(table, ['id'], [[1], [2]])).toEqual({ rowCount: 2 });
      const inside: unknown[] = [];
      for await (const row of tx.copyTo({ table })) inside.push(row);
      expect(inside).toEqual([{ id: 1 }, { id: 2 }]);
      await tx.rollback();
    }
    expect(await db.query(`SELECT count(*)::int AS c FROM "${table}"`)).toEqual([{ c: 0 }]);
  });
});
