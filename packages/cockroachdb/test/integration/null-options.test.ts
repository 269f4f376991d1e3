// Untyped callers pass `null` where the types say "options, or nothing": every method treats it as
// no options, never as a TypeError from inside the call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CockroachDBClient } from '../../src/index.js';
import { openDatabase, testDatabase, uniqueTable } from '../support/database.js';

const NONE = null as never;

describe.skipIf(testDatabase.skipReason !== undefined)('null as the options argument', () => {
  let db: CockroachDBClient;
  let table: string;
  beforeAll(async () => {
    db = openDatabase();
    table = uniqueTable('null_options');
    await db.execute(`CREATE TABLE "${table}" (a int)`);
  });
  afterAll(async () => {
    await db.close();
  });

  async function rows<T>(iterable: AsyncIterable<T>): Promise<T[]> {
    const all: T[] = [];
    for await (const row of iterable) all.push(row);
    return all;
  }

  it('means no options, on the client and in a transaction', async () => {
    expect(await db.query('SELECT 1 AS one', [], NONE)).toEqual([{ one: 1 }]);
    expect(await db.queryOne('SELECT 2 AS two', [], NONE)).toEqual({ two: 2 });
    expect(await db.execute(`INSERT INTO "${table}" VALUES (1)`, [], NONE)).toMatchObject({ rowCount: 1 });
    await db.insert(table, { a: 2 }, NONE);
    await db.batchInsert(table, [{ a: 3 }], NONE);
    expect(await db.copyFrom(table, ['a'], [[4]], NONE)).toEqual({ rowCount: 1 });
    expect(
      await rows(db.stream<{ a: number }>(`SELECT a FROM "${table}" ORDER BY a`, [], NONE)),
    ).toHaveLength(4);
    expect(await rows(db.copyTo({ table }, NONE))).toHaveLength(4);
    expect(
      await db.runInTransaction(async (tx) => (await tx.query('SELECT 5 AS five', [], NONE))[0], NONE),
    ).toEqual({
      five: 5,
    });
    await using tx = await db.transaction(NONE);
    expect(await tx.select(table, NONE)).toHaveLength(4);
  });
});
