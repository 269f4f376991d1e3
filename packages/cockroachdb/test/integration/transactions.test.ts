import { ConfigError } from '@conn/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CockroachDBClient,
  MaxRetriesExceededError,
  SerializationFailureError,
  type Transaction,
} from '../../src/index.js';
import { endOfTurn, openDatabase, testDatabase, uniqueTable } from '../support/database.js';

describe.skipIf(testDatabase.skipReason !== undefined)('transactions against PostgreSQL', () => {
  let db: CockroachDBClient;
  let accounts: string;
  beforeAll(() => {
    db = openDatabase();
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    accounts = uniqueTable('accounts');
    await db.createTable(accounts, { id: 'INT8 PRIMARY KEY', balance: 'INT8 NOT NULL' });
    await db.batchInsert(accounts, [
      { id: 1, balance: 100 },
      { id: 2, balance: 100 },
    ]);
  });
  afterEach(async () => {
    await db.dropTable(accounts);
  });

  it('transaction() pins one session: its helpers see its own uncommitted writes, others do not', async () => {
    const tx = await db.transaction();
    await tx.update(accounts, { balance: 50 }, { id: 1 });
    const pidInside = await tx.queryOne<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(await tx.selectOne(accounts, { where: { id: 1 } })).toEqual({ id: '1', balance: '50' });
    expect(await tx.queryOne('SELECT pg_backend_pid() AS pid')).toEqual(pidInside);
    expect(await db.selectOne(accounts, { where: { id: 1 } })).toEqual({ id: '1', balance: '100' });
    await tx.commit();
    expect(await db.selectOne(accounts, { where: { id: 1 } })).toEqual({ id: '1', balance: '50' });
    await expect(tx.query('SELECT 1')).rejects.toMatchObject({ code: 'CONN_COCKROACHDB_TX_ENDED' });
  });

  it('await using rolls back when the block ends without commit, and returns the session', async () => {
    {
      await using tx = await db.transaction();
      await tx.insert(accounts, { id: 3, balance: 1 });
    }
    expect(await db.selectOne(accounts, { where: { id: 3 } })).toBeUndefined();
    await endOfTurn();
    expect(db.stats().leased).toBe(0);
  });

  it('isolation and read-only options reach the server', async () => {
    await using tx = await db.transaction({ isolation: 'serializable', readOnly: true });
    expect(await tx.queryOne('SHOW transaction_isolation')).toEqual({
      transaction_isolation: 'serializable',
    });
    await expect(tx.insert(accounts, { id: 9, balance: 0 })).rejects.toMatchObject({ sqlstate: '25006' });
  });

  it('runInTransaction retries a 40001 raised on the first N attempts, then commits once', async () => {
    let attempts = 0;
    const retried: number[] = [];
    const result = await db.runInTransaction(
      async (tx) => {
        attempts++;
        await tx.update(accounts, { balance: 90 }, { id: 1 });
        if (attempts <= 3) {
          await tx.execute(
            `DO $$ BEGIN RAISE EXCEPTION 'restart transaction: injected (RETRY_SERIALIZABLE)' USING ERRCODE = '40001'; END $$`,
          );
        }
        await tx.insert(accounts, { id: 10 + attempts, balance: attempts });
        return attempts;
      },
      { onRetry: (_error, attempt) => retried.push(attempt), backoff: { baseMs: 1, maxMs: 5 } },
    );
    expect(result).toBe(4);
    expect(retried).toEqual([1, 2, 3]);
    // Only the last attempt's writes exist.
    expect(await db.select(accounts, { where: { id: [11, 12, 13, 14] } })).toEqual([
      { id: '14', balance: '4' },
    ]);
  });

  it('runInTransaction gives up after maxRetries with the attempt count and the last cause', async () => {
    let attempts = 0;
    const error = await db
      .runInTransaction(
        async (tx) => {
          attempts++;
          await tx.execute(
            `DO $$ BEGIN RAISE EXCEPTION 'restart transaction: always' USING ERRCODE = '40001'; END $$`,
          );
        },
        { maxRetries: 2, backoff: { baseMs: 1, maxMs: 2 } },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MaxRetriesExceededError);
    expect((error as MaxRetriesExceededError).attempts).toBe(3);
    expect((error as MaxRetriesExceededError).cause).toBeInstanceOf(SerializationFailureError);
    expect(attempts).toBe(3);
    expect(db.stats().leased).toBe(0);
  });

  it('a real write-skew conflict under SERIALIZABLE is retried until both transactions commit', async () => {
    // Each transaction reads the total and moves money out of a different row: one of them gets 40001.
    let attempts = 0;
    let bothInside: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      let waiting = 2;
      bothInside = () => {
        waiting--;
        if (waiting === 0) resolve();
      };
    });
    const withdraw = (id: number) =>
      db.runInTransaction(
        async (tx: Transaction) => {
          attempts++;
          const total = await tx.queryOne<{ total: string }>(
            `SELECT sum(balance) AS total FROM "${accounts}"`,
          );
          if (attempts <= 2) {
            bothInside();
            await gate;
          }
          if (Number(total?.total) >= 150) {
            await tx.execute(`UPDATE "${accounts}" SET balance = balance - 150 WHERE id = $1`, [id]);
          }
        },
        { isolation: 'serializable', backoff: { baseMs: 1, maxMs: 10 } },
      );
    await Promise.all([withdraw(1), withdraw(2)]);
    expect(attempts).toBe(3);
    const total = await db.queryOne<{ total: string }>(`SELECT sum(balance) AS total FROM "${accounts}"`);
    // Exactly one withdrawal happened: the retried one saw the first one's write.
    expect(total?.total).toBe('50');
  });

  it('an error of the callback is not retried, rolls back, and reaches the caller unchanged', async () => {
    const mine = new RangeError('my own failure');
    let attempts = 0;
    const error = await db
      .runInTransaction(async (tx) => {
        attempts++;
        await tx.insert(accounts, { id: 7, balance: 7 });
        throw mine;
      })
      .catch((caught: unknown) => caught);
    expect(error).toBe(mine);
    expect(attempts).toBe(1);
    expect(await db.selectOne(accounts, { where: { id: 7 } })).toBeUndefined();
  });

  it('a non-retryable SQL error is not retried', async () => {
    let attempts = 0;
    await expect(
      db.runInTransaction(async (tx) => {
        attempts++;
        await tx.insert(accounts, { id: 1, balance: 0 });
      }),
    ).rejects.toMatchObject({ sqlstate: '23505' });
    expect(attempts).toBe(1);
  });

  it('the callback may not commit or roll back by itself', async () => {
    await expect(db.runInTransaction((tx) => tx.commit())).rejects.toBeInstanceOf(ConfigError);
  });

  it('the CRUD helpers on a transaction run inside it, and batch helpers stay atomic there', async () => {
    await db.runInTransaction(async (tx) => {
      await tx.batchInsert(accounts, [
        { id: 20, balance: 1 },
        { id: 21, balance: 2 },
      ]);
      await tx.batchUpdate(accounts, [{ id: 20, balance: 5 }]);
      expect(await tx.select(accounts, { where: { id: [20, 21] }, orderBy: [{ column: 'id' }] })).toEqual([
        { id: '20', balance: '5' },
        { id: '21', balance: '2' },
      ]);
    });
    expect(await db.select(accounts, { where: { id: [20, 21] } })).toHaveLength(2);
  });

  it('timeoutMs of runInTransaction also cancels a statement running inside it', async () => {
    const marker = `tx_timeout_${process.pid}`;
    const error = await db
      .runInTransaction(
        async (tx) => {
          await tx.insert(accounts, { id: 40, balance: 0 });
          await tx.query(`SELECT pg_sleep(30) AS ${marker}`);
        },
        { timeoutMs: 300 },
      )
      .catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toBe('CONN_TIMEOUT');
    // The server is no longer running the statement: it was cancelled, not waited for.
    const running = await db.query(
      "SELECT pid FROM pg_stat_activity WHERE query LIKE $1 AND state = 'active' AND pid <> pg_backend_pid()",
      [`%${marker}%`],
    );
    expect(running).toEqual([]);
    expect(await db.selectOne(accounts, { where: { id: 40 } })).toBeUndefined();
  });

  it('a signal aborts runInTransaction between attempts and rolls back', async () => {
    const controller = new AbortController();
    const error = await db
      .runInTransaction(
        async (tx) => {
          await tx.insert(accounts, { id: 30, balance: 0 });
          controller.abort(new Error('stop'));
          await tx.execute(
            `DO $$ BEGIN RAISE EXCEPTION 'restart transaction' USING ERRCODE = '40001'; END $$`,
          );
        },
        { signal: controller.signal },
      )
      .catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toBe('CONN_ABORTED');
    expect(await db.selectOne(accounts, { where: { id: 30 } })).toBeUndefined();
  });
});
