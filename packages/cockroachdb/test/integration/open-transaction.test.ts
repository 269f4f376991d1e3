// Transaction-control text sent on the pool: a BEGIN that the same text does not end would send
// the session back to the pool inside a transaction, and what ran in it would be rolled back
// unseen when the session is dropped. Such text is refused before anything is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CockroachDBClient } from '../../src/index.js';
import { openDatabase, testDatabase, uniqueTable } from '../support/database.js';

const REFUSED = { code: 'CONN_COCKROACHDB_OPEN_TRANSACTION', field: 'sql' };

describe.skipIf(testDatabase.skipReason !== undefined)('a transaction left open by pooled text', () => {
  let db: CockroachDBClient;
  beforeAll(() => {
    db = openDatabase({ pool: { max: 1 } });
  });
  afterAll(async () => {
    await db.close();
  });

  async function count(table: string): Promise<number> {
    return (await db.queryOne<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`))?.n ?? -1;
  }

  it('is refused before anything runs, so no write is lost unseen', async () => {
    const table = uniqueTable('open_tx');
    await db.execute(`CREATE TABLE "${table}" (id int)`);
    await expect(db.execute(`BEGIN; INSERT INTO "${table}" VALUES (7)`)).rejects.toMatchObject(REFUSED);
    await expect(db.query('START TRANSACTION')).rejects.toMatchObject(REFUSED);
    // Nothing was sent: the session is still idle and shared, and the table untouched.
    expect(await count(table)).toBe(0);
    expect(db.stats()).toMatchObject({ size: 1 });
  });

  it('a whole transaction in one text that fails half-way leaves nothing for the next statement', async () => {
    const table = uniqueTable('failed_tx');
    await db.execute(`CREATE TABLE "${table}" (id int)`);
    await expect(
      db.execute(`BEGIN; INSERT INTO "${table}" VALUES (1); SELECT 1 / 0; COMMIT`),
    ).rejects.toMatchObject({ sqlstate: '22012' });
    // The same (only) session answers, outside any transaction, and nothing of the failed text stayed.
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(await count(table)).toBe(0);
  });

  it('a whole transaction in one text still runs and commits', async () => {
    const table = uniqueTable('whole_tx');
    await db.execute(`CREATE TABLE "${table}" (id int)`);
    await db.execute(`BEGIN; INSERT INTO "${table}" VALUES (1), (2); COMMIT`);
    expect(await count(table)).toBe(2);
  });

  it('does not apply inside a transaction, which owns its session', async () => {
    const table = uniqueTable('in_tx');
    await db.execute(`CREATE TABLE "${table}" (id int)`);
    await db.runInTransaction(async (tx) => {
      await tx.execute('BEGIN');
      await tx.insert(table, { id: 1 });
    });
    expect(await count(table)).toBe(1);
  });
});
