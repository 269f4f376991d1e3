import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BatchInsertError, type CockroachDBClient } from '../../src/index.js';
import { unnestInsertStatements } from '../../src/sql/unnest-statements.js';
import { openDatabase, testDatabase, uniqueTable } from '../support/database.js';

interface Hostile {
  id: bigint;
  t: string | null;
  big: bigint | null;
  num: string | null;
  b: Buffer | null;
  j: unknown;
  at: Date | null;
  tags: (string | null)[] | null;
  code: string | null;
}

const COLUMNS = {
  id: 'INT8 PRIMARY KEY',
  t: 'TEXT',
  big: 'INT8',
  num: 'NUMERIC',
  b: 'BYTEA',
  j: 'JSONB',
  at: 'TIMESTAMPTZ',
  tags: 'TEXT[]',
  code: 'CHAR(5)',
};

const NASTY_TEXT = `it's "quoted" \\ back\\slash\nnew line {braces}, commas, NULL \u00e9\u{1f600}`;

/** Hostile values; a record per row with every column NULL in turn. */
function hostileRecords(): Record<string, unknown>[] {
  const full = {
    t: NASTY_TEXT,
    big: 2n ** 62n + 7n, // beyond 2^53
    num: '123456789012345678901234567890.123456789',
    b: Buffer.from([0, 1, 0x5c, 0x22, 0xff]),
    j: { quote: 'a"b', backslash: '\\', nested: [1, null, { x: 'y' }] },
    at: new Date('2024-02-29T23:59:59.123Z'),
    code: 'ab',
  };
  const records: Record<string, unknown>[] = [{ id: 1n, ...full }];
  Object.keys(full).forEach((column, i) => {
    records.push({ id: BigInt(i + 2), ...full, [column]: null });
  });
  records.push({ id: 100n, t: '', big: 0n, num: '0', b: Buffer.alloc(0), j: 42, at: null, code: 'NULL' });
  return records;
}

describe.skipIf(testDatabase.skipReason !== undefined)('batchInsert and batchUpdate with unnest', () => {
  let db: CockroachDBClient;
  let table: string;
  let reference: string;
  beforeAll(() => {
    db = openDatabase({ int8: 'bigint' });
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    table = uniqueTable('unnest');
    reference = uniqueTable('unnest_ref');
    await db.createTable(table, COLUMNS);
    await db.createTable(reference, COLUMNS);
  });
  afterEach(async () => {
    await db.dropTable(table);
    await db.dropTable(reference);
  });

  const all = (name: string) => db.select<Hostile>(name, { orderBy: [{ column: 'id', direction: 'asc' }] });

  it('hostile values round-trip exactly as single-row inserts store them, NULLs in every column', async () => {
    const withoutArrays = hostileRecords();
    // These records take the unnest path (no array column or value, same columns in every record).
    const types = new Map(
      (
        await db.query<{ name: string; type: string }>(
          'SELECT attname AS name, format_type(atttypid, NULL) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0',
          [`"${table}"`],
        )
      ).map((row) => [row.name, row.type]),
    );
    expect(unnestInsertStatements(table, withoutArrays, types)[0]?.text).toContain('unnest($1::bigint[]');
    for (const record of withoutArrays) await db.insert(reference, record);
    const result = await db.batchInsert<Hostile>(table, withoutArrays, { returning: true });
    expect(result.rowCount).toBe(withoutArrays.length);
    const stored = await all(table);
    expect(stored).toEqual(await all(reference));
    expect(result.rows).toEqual(stored);
    expect(stored[0]).toEqual({
      id: 1n,
      t: NASTY_TEXT,
      big: 2n ** 62n + 7n,
      num: '123456789012345678901234567890.123456789',
      b: Buffer.from([0, 1, 0x5c, 0x22, 0xff]),
      j: { quote: 'a"b', backslash: '\\', nested: [1, null, { x: 'y' }] },
      at: new Date('2024-02-29T23:59:59.123Z'),
      tags: null,
      code: 'ab   ',
    });
    expect(stored.find((row) => row.id === 100n)?.code).toBe('NULL ');
  });

  it('a text[] column goes through the VALUES fallback and round-trips', async () => {
    const records = [
      { id: 1n, tags: ['a', null, 'with "quote"', 'back\\slash', ''] },
      { id: 2n, tags: [] },
      { id: 3n, tags: null },
    ];
    const result = await db.batchInsert<Hostile>(table, records, { returning: ['id', 'tags'] });
    expect(result.rows).toEqual(records);
    const updated = await db.batchUpdate<Hostile>(table, [
      { id: 1n, tags: ['z'] },
      { id: 3n, tags: ['{', '}'] },
    ]);
    expect(updated.rows.map((row) => [row.id, row.tags])).toEqual([
      [1n, ['z']],
      [3n, ['{', '}']],
    ]);
  });

  it('batchUpdate stores hostile values as single-row updates do; a key with no row is left out', async () => {
    const records = hostileRecords();
    const blank = records.map((record) => ({ id: record['id'] }));
    await db.batchInsert(table, blank);
    await db.batchInsert(reference, blank);
    for (const { id, ...rest } of records) await db.update(reference, rest, { id });
    const result = await db.batchUpdate<Hostile>(table, [...records, { id: 999n, t: 'nobody' }]);
    expect(result.rowCount).toBe(records.length);
    expect(result.rows.some((row) => row.id === 999n)).toBe(false);
    expect(await all(table)).toEqual(await all(reference));
  });

  it('a char column is not truncated by the cast (its length is still checked)', async () => {
    await db.batchInsert(table, [{ id: 1n, code: 'abcde' }]);
    await db.batchUpdate(table, [{ id: 1n, code: 'vwxyz' }]);
    expect((await all(table))[0]?.code).toBe('vwxyz');
    await expect(db.batchInsert(table, [{ id: 2n, code: 'abcdef' }])).rejects.toMatchObject({
      sqlstate: '22001',
    });
  });

  it('atomic: a failure in a later chunk leaves no rows', async () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ id: BigInt(i), t: `r${i}` }));
    records.push({ id: 3n, t: 'duplicate key' });
    // `returning` keeps it on the unnest path (batch-paths.test.ts covers the COPY path).
    await expect(db.batchInsert(table, records, { chunkSize: 10, returning: ['id'] })).rejects.toMatchObject({
      sqlstate: '23505',
    });
    expect(await all(table)).toEqual([]);
  });

  it('non-atomic: committedRows equals the rows actually in the table', async () => {
    const records = Array.from({ length: 45 }, (_, i) => ({ id: BigInt(i), t: `r${i}` }));
    records[33] = { id: 5n, t: 'duplicate key' };
    const error = await db
      .batchInsert(table, records, { chunkSize: 10, atomic: false, returning: ['id'] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BatchInsertError);
    const stored = await all(table);
    expect((error as BatchInsertError).committedRows).toBe(stored.length);
    expect(stored.map((row) => row.id)).toEqual(Array.from({ length: 30 }, (_, i) => BigInt(i)));
  });

  it('many rows in statements of one array per column land whole, rows returned in order', async () => {
    const records = Array.from({ length: 5_000 }, (_, i) => ({
      id: BigInt(i),
      t: `row ${i}`,
      big: BigInt(i) * 3n,
    }));
    const result = await db.batchInsert<Hostile>(table, records, { returning: ['id'] });
    expect(result.rows.map((row) => row.id)).toEqual(records.map((record) => record.id));
    const summary = await db.queryOne<{ count: bigint; sum: string }>(
      `SELECT count(*) AS count, sum(big)::text AS sum FROM "${table}"`,
    );
    expect(summary).toEqual({ count: 5_000n, sum: String(3 * ((4_999 * 5_000) / 2)) });
  });
});
