// Several statements in one raw call: what the simple protocol does, and the multipleStatements: false refusal.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CockroachDBClient } from '../../src/index.js';
import { openDatabase, testDatabase, uniqueTable } from '../support/database.js';

const REFUSED = { code: 'CONN_COCKROACHDB_MULTIPLE_STATEMENTS', field: 'sql' };

describe.skipIf(testDatabase.skipReason !== undefined)(
  'several statements in one call against PostgreSQL',
  () => {
    let db: CockroachDBClient;
    let victim: string;
    beforeAll(() => {
      db = openDatabase();
    });
    afterAll(async () => {
      await db.close();
    });
    beforeEach(async () => {
      victim = uniqueTable('victim');
      await db.createTable(victim, { id: 'INT8 PRIMARY KEY' });
    });
    afterEach(async () => {
      await db.dropTable(victim);
    });

    async function exists(name: string): Promise<boolean> {
      const row = await db.queryOne<{ found: string | null }>(
        'SELECT to_regclass(quote_ident($1)) AS found',
        [name],
      );
      return row?.found != null;
    }

    it('without parameters, query() and execute() run every statement and return the last one', async () => {
      expect(await db.query('SELECT 1 AS a; SELECT 2 AS b')).toEqual([{ b: 2 }]);
      const result = await db.execute(
        `INSERT INTO "${victim}" VALUES (1), (2); SELECT count(*)::int AS n FROM "${victim}"`,
      );
      expect(result).toMatchObject({ command: 'SELECT', rows: [{ n: 2 }] });
    });

    it('the statements of one call are one implicit transaction: a failure undoes the earlier ones', async () => {
      await expect(db.query(`INSERT INTO "${victim}" VALUES (1); SELECT 1 / 0`)).rejects.toMatchObject({
        sqlstate: '22012',
      });
      expect(await db.query(`SELECT id FROM "${victim}"`)).toEqual([]);
    });

    it('with parameters the server refuses a second statement (extended protocol)', async () => {
      await expect(db.query(`SELECT $1::int; DROP TABLE "${victim}"`, [1])).rejects.toMatchObject({
        sqlstate: '42601',
      });
      expect(await exists(victim)).toBe(true);
    });

    it('multipleStatements: false refuses several statements before anything runs', async () => {
      const created = uniqueTable('created');
      for (const sql of [
        `CREATE TABLE "${created}" (id INT8); DROP TABLE "${victim}"`,
        `SELECT E'\\''; DROP TABLE "${victim}"; --'`,
        `SELECT '\\''; DROP TABLE "${victim}"; --'`,
        `SELECT 1 /* c */; DROP TABLE "${victim}"`,
      ]) {
        await expect(db.query(sql, [], { multipleStatements: false }), sql).rejects.toMatchObject(REFUSED);
        await expect(db.execute(sql, [], { multipleStatements: false }), sql).rejects.toMatchObject(REFUSED);
        expect(() => db.stream(sql, [], { multipleStatements: false })).toThrow(
          expect.objectContaining(REFUSED),
        );
        expect(await exists(victim)).toBe(true);
      }
      expect(await exists(created)).toBe(false);

      await using tx = await db.transaction();
      await expect(
        tx.query(`SELECT 1; DROP TABLE "${victim}"`, [], { multipleStatements: false }),
      ).rejects.toMatchObject(REFUSED);
      expect(await tx.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
      await tx.commit();
      expect(await exists(victim)).toBe(true);
    });

    it('the refused text is live without the option: it drops the table', async () => {
      await db.query(`SELECT E'\\''; DROP TABLE "${victim}"; --'`);
      expect(await exists(victim)).toBe(false);
      await db.createTable(victim, { id: 'INT8 PRIMARY KEY' });
    });

    it('multipleStatements: false runs one statement, with ; and -- inside literals or a trailing ;', async () => {
      const options = { multipleStatements: false };
      expect(await db.query("SELECT 'a;b' AS t, $$c; -- d$$ AS u;", [], options)).toEqual([
        { t: 'a;b', u: 'c; -- d' },
      ]);
      expect(await db.query('SELECT $1::text AS t', ['x; y'], options)).toEqual([{ t: 'x; y' }]);
      expect((await db.execute(`INSERT INTO "${victim}" VALUES (7)`, [], options)).rowCount).toBe(1);
      const streamed: unknown[] = [];
      for await (const row of db.stream(`SELECT id FROM "${victim}"`, [], options)) streamed.push(row);
      expect(streamed).toEqual([{ id: '7' }]);
    });
  },
);
