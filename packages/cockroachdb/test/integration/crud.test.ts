import { ConfigError } from '@conn/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BatchInsertError, type CockroachDBClient, NotNullViolationError } from '../../src/index.js';
import { openDatabase, testDatabase, uniqueTable } from '../support/database.js';

interface User {
  id: string;
  name: string;
  email: string;
  age: number | null;
  active: boolean;
}

describe.skipIf(testDatabase.skipReason !== undefined)('CRUD helpers against PostgreSQL', () => {
  let db: CockroachDBClient;
  let users: string;
  beforeAll(async () => {
    db = openDatabase();
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    users = uniqueTable('users');
    await db.createTable(users, {
      id: 'UUID PRIMARY KEY DEFAULT gen_random_uuid()',
      name: 'TEXT NOT NULL',
      email: 'TEXT UNIQUE NOT NULL',
      age: 'INTEGER',
      active: 'BOOLEAN DEFAULT TRUE',
    });
  });
  afterEach(async () => {
    await db.dropTable(users);
  });

  it('the starting document quickstart: insert returns the row, selectOne finds it, update, delete', async () => {
    const user = await db.insert<User>(users, { name: 'John Doe', email: 'john@example.com', age: 30 });
    expect(user).toMatchObject({ name: 'John Doe', email: 'john@example.com', age: 30, active: true });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await db.selectOne<User>(users, { where: { id: user.id } })).toEqual(user);
    const updated = await db.update<User>(users, { age: 31 }, { id: user.id });
    expect(updated).toEqual([{ ...user, age: 31 }]);
    expect(await db.delete(users, { id: user.id })).toBe(1);
    expect(await db.selectOne(users, { where: { id: user.id } })).toBeUndefined();
  });

  it('select with columns, where (null and lists), orderBy, limit 0, limit and offset', async () => {
    await db.batchInsert(users, [
      { name: 'a', email: 'a@x', age: 1 },
      { name: 'b', email: 'b@x', age: null },
      { name: 'c', email: 'c@x', age: 3 },
      { name: 'd', email: 'd@x', age: 4 },
    ]);
    expect(await db.select(users, { columns: ['name'], where: { age: null } })).toEqual([{ name: 'b' }]);
    expect(
      await db.select(users, {
        columns: ['name'],
        where: { name: ['a', 'c', 'zz'] },
        orderBy: [{ column: 'name' }],
      }),
    ).toEqual([{ name: 'a' }, { name: 'c' }]);
    const ordered = await db.select<{ name: string }>(users, {
      columns: ['name'],
      orderBy: [{ column: 'age', direction: 'desc', nulls: 'last' }],
      limit: 2,
      offset: 1,
    });
    expect(ordered).toEqual([{ name: 'c' }, { name: 'a' }]);
    expect(await db.select(users, { limit: 0 })).toEqual([]);
    expect(await db.select(users)).toHaveLength(4);
  });

  it('update returns every row it changed, not only the first', async () => {
    await db.batchInsert(users, [
      { name: 'a', email: 'a@x', age: 1 },
      { name: 'b', email: 'b@x', age: 1 },
    ]);
    const changed = await db.update<User>(users, { active: false }, { age: 1 });
    expect(changed.map((row) => row.name).sort()).toEqual(['a', 'b']);
    expect(changed.every((row) => row.active === false)).toBe(true);
  });

  it('empty where: select returns all, update and delete refuse unless allowAll', async () => {
    await db.insert(users, { name: 'a', email: 'a@x' });
    await expect(db.update(users, { age: 1 }, {})).rejects.toMatchObject({
      code: 'CONN_COCKROACHDB_EMPTY_WHERE',
    });
    await expect(db.delete(users, {})).rejects.toMatchObject({ code: 'CONN_COCKROACHDB_EMPTY_WHERE' });
    expect(await db.select(users, { where: {} })).toHaveLength(1);
    expect(await db.update(users, { age: 5 }, {}, { allowAll: true })).toHaveLength(1);
    expect(await db.delete(users, {}, { allowAll: true })).toBe(1);
  });

  it('upsert inserts then updates by the primary key and returns the row', async () => {
    const first = await db.upsert<User>(users, {
      id: '00000000-0000-0000-0000-000000000001',
      name: 'a',
      email: 'a@x',
    });
    expect(first.name).toBe('a');
    const second = await db.upsert<User>(users, { id: first.id, name: 'b', email: 'a@x' });
    expect(second).toMatchObject({ id: first.id, name: 'b' });
    const byEmail = await db.upsert<User>(users, { name: 'c', email: 'a@x' }, { conflictColumns: ['email'] });
    expect(byEmail).toMatchObject({ id: first.id, name: 'c' });
    expect(await db.select(users)).toHaveLength(1);
  });

  it('insert of an empty object uses the defaults; a NOT NULL column then fails with a typed error', async () => {
    const table = uniqueTable('defaults');
    await db.createTable(table, { id: 'SERIAL PRIMARY KEY', note: "TEXT DEFAULT 'none;really'" });
    try {
      expect(await db.insert(table, {})).toEqual({ id: 1, note: 'none;really' });
    } finally {
      await db.dropTable(table);
    }
    const error = await db.insert(users, { email: 'no-name@x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotNullViolationError);
    expect((error as NotNullViolationError).column).toBe('name');
  });

  it('injection through identifiers and options fails safely and leaves the table intact', async () => {
    await db.insert(users, { name: 'keep', email: 'keep@x' });
    const attacks: (() => Promise<unknown>)[] = [
      () => db.select(`${users}"; DROP TABLE "${users}"; --`),
      () => db.select(users, { columns: [`name" FROM "${users}"; DROP TABLE "${users}"; --`] }),
      () => db.select(users, { where: { [`name" = 'x' OR "1"="1`]: 'x' } }),
      () => db.select(users, { orderBy: [{ column: `name; DROP TABLE "${users}"` }] }),
      () => db.select(users, { orderBy: [{ column: 'name', direction: 'asc; DROP TABLE x' as 'asc' }] }),
      () => db.select(users, { limit: '1; DROP TABLE x' as unknown as number }),
      () => db.select(users, { offset: -1 }),
      () => db.insert(users, { [`name") VALUES ('x'); DROP TABLE "${users}"; --`]: 'x' }),
      () => db.update(users, { name: 'x' }, { [`1"="1" OR "`]: 1 }),
      () => db.delete(users, { [`name" IS NOT NULL OR "`]: 1 }),
      () => db.createTable(uniqueTable('evil'), { id: `INT); DROP TABLE "${users}"; --` }),
      () => db.dropTable(`${users}" CASCADE; --`),
      () => db.select(users, { where: { name: "' OR '1'='1" } }),
      () => db.select('bad\u0000name'),
    ];
    for (const attack of attacks) {
      const outcome = await attack().then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      if (outcome.ok) {
        // Only bound values and quoted names may succeed: they match nothing, or name an absent table.
        expect(
          outcome.value === undefined || (Array.isArray(outcome.value) && outcome.value.length === 0),
        ).toBe(true);
      } else {
        expect((outcome.error as { code?: string }).code).toMatch(/^CONN_/);
      }
    }
    expect(await db.select(users, { columns: ['name'] })).toEqual([{ name: 'keep' }]);
  });

  it('hostile column definitions cannot drop a table; the same text sent as raw SQL does', async () => {
    const exists = async (name: string): Promise<boolean> =>
      (await db.queryOne<{ found: string | null }>('SELECT to_regclass(quote_ident($1)) AS found', [name]))
        ?.found != null;
    const victim = uniqueTable('victim');
    const evil = uniqueTable('evil');
    const escaped = `TEXT DEFAULT E'\\''); DROP TABLE "${victim}"; --'`;
    const continued = `TEXT DEFAULT E'a'\n'\\''); DROP TABLE "${victim}"; --'`;
    const backslash = `TEXT DEFAULT '\\''); DROP TABLE "${victim}"; --'`;
    try {
      await db.createTable(victim, { id: 'INT8 PRIMARY KEY' });
      for (const definition of [
        escaped,
        continued,
        backslash,
        `TEXT DEFAULT x$$; DROP TABLE "${victim}"; --$$`,
        `TEXT DEFAULT b'\\''); DROP TABLE "${victim}"; --'`,
        `TEXT DEFAULT $a$x$a$; DROP TABLE "${victim}"; --$A$`,
        `TEXT /* /* */ ; DROP TABLE "${victim}"; */`,
      ]) {
        await expect(db.createTable(evil, { note: definition }), definition).rejects.toMatchObject({
          code: 'CONN_COCKROACHDB_UNSAFE_DEFINITION',
          field: 'columns.note',
        });
        expect(await exists(victim)).toBe(true);
        expect(await exists(evil)).toBe(false);
      }

      // What the checker stops is live: sent as raw SQL (simple protocol), these drop the victim.
      for (const definition of [escaped, continued]) {
        await db.query(`CREATE TABLE "${evil}" (note ${definition})`);
        expect(await exists(victim), definition).toBe(false);
        await db.dropTable(evil);
        await db.createTable(victim, { id: 'INT8 PRIMARY KEY' });
      }
      // And the backslash one is live as soon as a session turns standard_conforming_strings off.
      {
        await using tx = await db.transaction();
        await tx.query('SET LOCAL standard_conforming_strings = off');
        await tx.query(`CREATE TABLE "${evil}" (note ${backslash})`);
        expect(
          (await tx.queryOne('SELECT to_regclass(quote_ident($1)) AS found', [victim]))?.['found'],
        ).toBeNull();
        await tx.rollback();
      }
      expect(await exists(victim)).toBe(true);
    } finally {
      await db.dropTable(evil);
      await db.dropTable(victim);
    }
  });

  it('column definitions with ; -- /* and quotes inside literals work as written', async () => {
    const table = uniqueTable('literals');
    await db.createTable(table, {
      id: 'SERIAL PRIMARY KEY',
      doubled: `TEXT DEFAULT 'a''); DROP TABLE "${users}"; --'`,
      escaped: "TEXT DEFAULT E'it\\'s; /* not a comment */'",
      dollar: "TEXT DEFAULT $d$ $$ -- ; ' $d$",
      unicode: "TEXT DEFAULT U&'d\\0061t\\0061'",
      continued: "TEXT DEFAULT 'one;'\n'two'",
    });
    try {
      expect(await db.insert(table, {})).toEqual({
        id: 1,
        doubled: `a'); DROP TABLE "${users}"; --`,
        escaped: "it's; /* not a comment */",
        dollar: " $$ -- ; ' ",
        unicode: 'data',
        continued: 'one;two',
      });
      expect(await db.select(users)).toEqual([]);
    } finally {
      await db.dropTable(table);
    }
  });

  it('a bad value for a bound parameter is a ConfigError, not a crash', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const error = await db.insert(users, { name: cyclic, email: 'x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect(await db.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('batchInsert of 100,000 rows lands exactly 100,000 rows', async () => {
    const table = uniqueTable('bulk');
    await db.createTable(table, { id: 'INT8 PRIMARY KEY', name: 'TEXT NOT NULL', n: 'INT8' });
    try {
      const records = Array.from({ length: 100_000 }, (_, i) => ({ id: i, name: `row ${i}`, n: i * 2 }));
      const result = await db.batchInsert(table, records);
      expect(result.rowCount).toBe(100_000);
      const summary = await db.queryOne<{ count: string; sum: string; distinct: string }>(
        `SELECT count(*) AS count, sum(n) AS sum, count(DISTINCT id) AS distinct FROM "${table}"`,
      );
      expect(summary).toEqual({ count: '100000', sum: String(99_999 * 100_000), distinct: '100000' });
    } finally {
      await db.dropTable(table);
    }
  });

  it('batchInsert with many columns keeps every statement under 65,535 parameters', async () => {
    const table = uniqueTable('wide');
    const columns = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`c${i}`, 'INT4']));
    await db.createTable(table, columns);
    try {
      const records = Array.from({ length: 1_000 }, (_, row) =>
        Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`c${i}`, row])),
      );
      expect((await db.batchInsert(table, records)).rowCount).toBe(1_000);
      expect(await db.queryOne(`SELECT count(*) AS count FROM "${table}"`)).toEqual({ count: '1000' });
    } finally {
      await db.dropTable(table);
    }
  });

  it('atomic batchInsert stores nothing when a later chunk fails', async () => {
    const records = Array.from({ length: 30 }, (_, i) => ({
      name: `n${i}`,
      email: i === 25 ? 'dup@x' : `e${i}@x`,
    }));
    records.push({ name: 'again', email: 'dup@x' });
    await expect(db.batchInsert(users, records, { chunkSize: 10 })).rejects.toMatchObject({
      sqlstate: '23505',
    });
    expect(await db.select(users)).toEqual([]);
  });

  it('non-atomic batchInsert reports how many rows were committed before the failure', async () => {
    const records = Array.from({ length: 30 }, (_, i) => ({
      name: `n${i}`,
      email: i === 25 ? 'dup@x' : `e${i}@x`,
    }));
    records.push({ name: 'again', email: 'dup@x' });
    const error = await db
      .batchInsert(users, records, { chunkSize: 10, atomic: false })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BatchInsertError);
    expect((error as BatchInsertError).committedRows).toBe(30);
    expect(await db.select(users)).toHaveLength(30);
  });

  it('batchInsert can return the rows, with DEFAULT for missing columns', async () => {
    const result = await db.batchInsert<User>(
      users,
      [
        { name: 'a', email: 'a@x', active: false },
        { name: 'b', email: 'b@x' },
      ],
      {
        returning: true,
      },
    );
    expect(result.rows.map((row) => [row.name, row.active])).toEqual([
      ['a', false],
      ['b', true],
    ]);
  });

  it('batchUpdate updates every record by key atomically and returns the rows', async () => {
    const inserted = await db.batchInsert<User>(
      users,
      Array.from({ length: 2_500 }, (_, i) => ({ name: `n${i}`, email: `e${i}@x`, age: i })),
      { returning: true },
    );
    const changes = inserted.rows.map((row) => ({ id: row.id, age: row.age === null ? 0 : row.age + 1000 }));
    const result = await db.batchUpdate<User>(users, changes, { chunkSize: 1_000 });
    expect(result.rowCount).toBe(2_500);
    const sum = await db.queryOne<{ sum: string }>(`SELECT sum(age) AS sum FROM "${users}"`);
    expect(sum?.sum).toBe(String((2_499 * 2_500) / 2 + 2_500 * 1000));
    // A record breaking a constraint rolls every chunk back.
    const bad = [
      { id: inserted.rows[0]?.id, age: -1 },
      { id: inserted.rows[1]?.id, name: null },
    ];
    await expect(db.batchUpdate(users, bad)).rejects.toBeInstanceOf(NotNullViolationError);
    expect(await db.selectOne<User>(users, { where: { id: inserted.rows[0]?.id ?? '' } })).toMatchObject({
      age: 1000,
    });
  });

  it('batchUpdate picks up a changed column type after a failure (the cached catalog is dropped)', async () => {
    const table = uniqueTable('retyped');
    await db.createTable(table, { id: 'INT8 PRIMARY KEY', v: 'INT8' });
    try {
      await db.batchInsert(table, [{ id: 1, v: 1 }]);
      await db.batchUpdate(table, [{ id: 1, v: 2 }]);
      await db.execute(`ALTER TABLE "${table}" ALTER COLUMN v TYPE TEXT`);
      await expect(db.batchUpdate(table, [{ id: 1, v: 'three' }])).rejects.toMatchObject({
        sqlstate: '22P02',
      });
      expect((await db.batchUpdate(table, [{ id: 1, v: 'three' }])).rows).toEqual([{ id: '1', v: 'three' }]);
    } finally {
      await db.dropTable(table);
    }
  });

  it('createDatabase is idempotent by default and quotes the name', async () => {
    const name = `conn test "db" ${process.pid}`;
    await db.createDatabase(name);
    await db.createDatabase(name);
    expect(await db.query('SELECT datname FROM pg_database WHERE datname = $1', [name])).toEqual([
      { datname: name },
    ]);
    await db.dropDatabase(name);
    expect(await db.query('SELECT datname FROM pg_database WHERE datname = $1', [name])).toEqual([]);
  });
});
