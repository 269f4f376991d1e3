// Which path batchInsert takes (COPY, unnest, VALUES), seen in the statements the CockroachDB
// behaviour server relays, and the atomic / non-atomic contracts on the COPY path.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchInsertError, CockroachDBClient, UniqueViolationError } from '../../src/index.js';
import { type CockroachDBTestServer, startCockroachDBTestServer } from '../../src/testing/index.js';
import { databaseUrl, testDatabase, uniqueTable } from '../support/database.js';

describe.skipIf(testDatabase.skipReason !== undefined)('batchInsert picks its path', () => {
  let server: CockroachDBTestServer;
  let db: CockroachDBClient;
  let table: string;

  beforeEach(async () => {
    server = await startCockroachDBTestServer({ upstream: databaseUrl() });
    db = CockroachDBClient.fromUrl(server.url, { pool: { max: 2 }, int8: 'bigint' });
    table = uniqueTable('paths');
    await db.createTable(table, { id: 'INT8 PRIMARY KEY', label: "TEXT NOT NULL DEFAULT 'none'" });
  });
  afterEach(async () => {
    await db.dropTable(table);
    await db.close();
    await server.close();
  });

  /** Statements that write rows into the table, in order. */
  const writes = (): string[] =>
    server.statements().filter((text) => /^\s*(COPY|INSERT)\b/i.test(text) && text.includes(table));
  const stored = async (): Promise<{ id: bigint; label: string }[]> =>
    db.query(`SELECT id, label FROM "${table}" ORDER BY id`);
  const rows = (count: number, from = 0): { id: bigint; label: string }[] =>
    Array.from({ length: count }, (_, i) => ({ id: BigInt(from + i), label: `row\t${from + i}\n` }));

  it('records naming the same columns, nothing returned: one COPY', async () => {
    const records = rows(2_500);
    expect((await db.batchInsert(table, records)).rowCount).toBe(2_500);
    expect(writes()).toEqual([`COPY "${table}" ("id", "label") FROM STDIN`]);
    expect(await stored()).toEqual(records);
  });

  it('rows returned: unnest statements', async () => {
    const result = await db.batchInsert<{ id: bigint }>(table, rows(3), { returning: ['id'] });
    expect(result.rows).toEqual([{ id: 0n }, { id: 1n }, { id: 2n }]);
    expect(writes()).toHaveLength(1);
    expect(writes()[0]).toMatch(/^INSERT INTO .* SELECT \* FROM unnest\(\$1::/);
  });

  it('a record leaving a column out gets its DEFAULT (no COPY, which has none)', async () => {
    await db.batchInsert(table, [{ id: 1n, label: 'given' }, { id: 2n }]);
    expect(writes().some((text) => /^COPY/i.test(text))).toBe(false);
    expect(await stored()).toEqual([
      { id: 1n, label: 'given' },
      { id: 2n, label: 'none' },
    ]);
  });

  it('atomic COPY: a duplicate key stores nothing and names the failing row', async () => {
    const records = [...rows(60), { id: 7n, label: 'duplicate' }];
    const error = await db.batchInsert(table, records, { chunkSize: 10 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect((error as UniqueViolationError).details['row']).toBe(61);
    expect(await stored()).toEqual([]);
    // One COPY for the whole batch, inside the retried transaction.
    expect(writes()).toHaveLength(1);
  });

  it('non-atomic COPY: one COPY per chunk, committedRows equals the rows stored', async () => {
    const records = rows(45);
    records[33] = { id: 5n, label: 'duplicate' };
    const error = await db
      .batchInsert(table, records, { chunkSize: 10, atomic: false })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BatchInsertError);
    expect((error as BatchInsertError).committedRows).toBe(30);
    expect((error as BatchInsertError).cause).toBeInstanceOf(UniqueViolationError);
    expect(await stored()).toEqual(rows(30));
    expect(writes()).toHaveLength(4);
    expect(writes().every((text) => /^COPY/.test(text))).toBe(true);
  });

  it('an undefined value keeps its ConfigError and sends nothing', async () => {
    await expect(db.batchInsert(table, [{ id: 1n, label: undefined }])).rejects.toMatchObject({
      code: 'CONN_CONFIG',
    });
    expect(writes()).toEqual([]);
  });
});
