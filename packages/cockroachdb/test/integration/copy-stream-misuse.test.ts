import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CockroachDBClient, ConfigError } from '../../src/index.js';
import { endOfTurn, openDatabase, testDatabase, uniqueTable } from '../support/database.js';

/** Reads a stream to its end, returning how many rows it gave. */
async function countRows(rows: AsyncIterable<unknown>): Promise<number> {
  let count = 0;
  for await (const _ of rows) count++;
  return count;
}

describe.skipIf(testDatabase.skipReason !== undefined)('stream() given a COPY statement', () => {
  let db: CockroachDBClient;
  let table: string;
  beforeAll(async () => {
    // One session: the statement after each case runs on the session the stream used.
    db = openDatabase({ pool: { max: 1 } });
    table = uniqueTable('audit_copy_stream');
    await db.execute(`CREATE TABLE "${table}" (a int); INSERT INTO "${table}" VALUES (1), (2)`);
  });
  afterAll(async () => {
    await db.close();
  });

  async function sessionAnswers(): Promise<void> {
    await endOfTurn();
    // The bound only keeps a wedged session from stalling the run; the answer is what is checked.
    expect(await db.query('SELECT 42 AS answer', [], { timeoutMs: 10_000 })).toEqual([{ answer: 42 }]);
  }

  for (const portal of [true, false]) {
    it(`refuses COPY FROM STDIN with a ConfigError and leaves the session usable (portal: ${portal})`, async () => {
      const rows = db.stream(`COPY "${table}" FROM STDIN`, [], { portal });
      await expect(countRows(rows)).rejects.toSatisfy(
        (error) => error instanceof ConfigError && /copyFrom/.test(error.message),
      );
      await sessionAnswers();
      expect(await db.query(`SELECT count(*)::int AS n FROM "${table}"`)).toEqual([{ n: 2 }]);
    });

    it(`refuses COPY TO STDOUT instead of ending with no rows (portal: ${portal})`, async () => {
      const rows = db.stream(`COPY "${table}" TO STDOUT`, [], { portal });
      await expect(countRows(rows)).rejects.toSatisfy(
        (error) => error instanceof ConfigError && /copyTo/.test(error.message),
      );
      await sessionAnswers();
    });
  }

  it('refuses a COPY inside a transaction and the transaction goes on', async () => {
    await db.runInTransaction(async (tx) => {
      await expect(countRows(tx.stream(`COPY "${table}" TO STDOUT`))).rejects.toBeInstanceOf(ConfigError);
      expect(await tx.query('SELECT 7 AS x')).toEqual([{ x: 7 }]);
    });
    await sessionAnswers();
  });
});

describe.skipIf(testDatabase.skipReason !== undefined)('a COPY format the driver does not speak', () => {
  let db: CockroachDBClient;
  let table: string;
  beforeAll(async () => {
    db = openDatabase({ pool: { max: 1 } });
    table = uniqueTable('audit_copy_format');
    await db.execute(`CREATE TABLE "${table}" (a int, b text); INSERT INTO "${table}" VALUES (1, 'x')`);
  });
  afterAll(async () => {
    await db.close();
  });

  it('copyTo refuses format csv instead of reading CSV lines as text-format rows', () => {
    const options = { format: 'csv' } as unknown as { format: 'rows' };
    expect(() => db.copyTo({ table }, options)).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        field: 'format',
        message: expect.stringMatching(/'csv'/),
      }),
    );
  });

  it('copyFrom refuses format binary before sending, and nothing is stored', async () => {
    const options = { format: 'binary' } as unknown as { format: 'raw' };
    await expect(db.copyFrom(table, ['a', 'b'], [[2, 'y']], options)).rejects.toSatisfy(
      (error) => error instanceof ConfigError && error.field === 'format',
    );
    expect(await db.query(`SELECT count(*)::int AS n FROM "${table}"`)).toEqual([{ n: 1 }]);
  });
});

describe.skipIf(testDatabase.skipReason !== undefined)('a value that cannot be sent', () => {
  let db: CockroachDBClient;
  let table: string;
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  const unsendable = [cyclic, { amount: 1n }];
  beforeAll(async () => {
    db = openDatabase({ pool: { max: 1 } });
    table = uniqueTable('audit_unsendable');
    await db.execute(`CREATE TABLE "${table}" (doc jsonb)`);
  });
  afterAll(async () => {
    await db.close();
  });

  it('is a ConfigError in copyFrom, as in query(), and nothing is stored', async () => {
    for (const value of unsendable) {
      await expect(db.copyFrom(table, ['doc'], [[{ ok: true }], [value]])).rejects.toMatchObject({
        name: 'ConfigError',
        code: 'CONN_CONFIG',
        field: 'rows',
      });
    }
    await endOfTurn();
    expect(await db.query(`SELECT count(*)::int AS n FROM "${table}"`)).toEqual([{ n: 0 }]);
  });

  it('is refused by query() before anything is sent, so a COPY after it on the session runs cleanly', async () => {
    for (let round = 0; round < 3; round++) {
      for (const value of unsendable) {
        await expect(db.query('SELECT $1::jsonb AS doc', [value])).rejects.toMatchObject({
          name: 'ConfigError',
          code: 'CONN_CONFIG',
        });
      }
      // A COPY needs the session to itself: an answer still owed to the refused statement would
      // end it early or hang it.
      expect(await db.copyFrom(table, ['doc'], [[{ round }]])).toEqual({ rowCount: 1 });
    }
    expect(await db.query(`SELECT count(*)::int AS n FROM "${table}"`)).toEqual([{ n: 3 }]);
    await db.execute(`DELETE FROM "${table}"`);
  });

  for (const portal of [true, false]) {
    it(`is a ConfigError in stream() (portal: ${portal}) and the session stays usable`, async () => {
      for (const value of unsendable) {
        await expect(
          countRows(db.stream('SELECT $1::jsonb AS doc', [value], { portal })),
        ).rejects.toMatchObject({
          name: 'ConfigError',
          code: 'CONN_CONFIG',
          field: 'values',
        });
      }
      await endOfTurn();
      expect(await db.query('SELECT 42 AS answer')).toEqual([{ answer: 42 }]);
    });
  }
});
