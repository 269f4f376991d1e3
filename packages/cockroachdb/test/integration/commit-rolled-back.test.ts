import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CockroachDBClient,
  CommitRolledBackError,
  SerializationFailureError,
  UniqueViolationError,
} from '../../src/index.js';
import { type CockroachDBTestServer, startCockroachDBTestServer } from '../../src/testing/index.js';
import { databaseUrl, endOfTurn, openDatabase, testDatabase, uniqueTable } from '../support/database.js';

// A statement error the application catches and does not rethrow still aborts the transaction on
// the server, which then answers COMMIT with a rollback. That must never look like a commit.

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

function expectRolledBack(error: unknown): void {
  expect(error).toBeInstanceOf(CommitRolledBackError);
  expect((error as CommitRolledBackError).code).toBe('CONN_COCKROACHDB_COMMIT_ROLLED_BACK');
  expect((error as CommitRolledBackError).cause).toBeInstanceOf(UniqueViolationError);
  expect((error as Error).message).toContain('CONN_COCKROACHDB_UNIQUE_VIOLATION');
}

describe.skipIf(testDatabase.skipReason !== undefined)(
  'COMMIT of an aborted transaction (PostgreSQL)',
  () => {
    let db: CockroachDBClient;
    let table: string;
    beforeAll(() => {
      db = openDatabase({ pool: { max: 1 } });
    });
    afterAll(async () => {
      await db.close();
    });
    beforeEach(async () => {
      table = uniqueTable('commit_rb');
      await db.createTable(table, { id: 'INT PRIMARY KEY' });
    });

    async function storedIds(): Promise<unknown[]> {
      return (await db.query<{ id: number }>(`SELECT id FROM "${table}" ORDER BY id`)).map((row) => row.id);
    }

    async function sessionUsable(): Promise<void> {
      await endOfTurn();
      expect(db.stats()).toMatchObject({ leased: 0 });
      expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    }

    it('commit() rejects with CommitRolledBackError naming the caught error; nothing is stored', async () => {
      const tx = await db.transaction();
      await tx.insert(table, { id: 1 });
      await expect(tx.insert(table, { id: 1 })).rejects.toBeInstanceOf(UniqueViolationError);
      expectRolledBack(await rejection(tx.commit()));
      expect(tx.isOpen).toBe(false);
      expect(await storedIds()).toEqual([]);
      await sessionUsable();
    });

    it('a transaction without failures still commits', async () => {
      const tx = await db.transaction();
      await tx.insert(table, { id: 1 });
      await tx.commit();
      expect(await storedIds()).toEqual([1]);
    });

    it('runInTransaction rejects instead of returning the callback result, without running it again', async () => {
      let runs = 0;
      const outcome = db.runInTransaction(async (tx) => {
        runs++;
        await tx.insert(table, { id: 2 });
        await tx.insert(table, { id: 2 }).catch(() => undefined);
        return 'done';
      });
      expectRolledBack(await rejection(outcome));
      expect(runs).toBe(1);
      expect(await storedIds()).toEqual([]);
      await sessionUsable();
    });
  },
);

describe.skipIf(testDatabase.skipReason !== undefined)(
  'COMMIT of an aborted transaction (CockroachDB protocol)',
  () => {
    let server: CockroachDBTestServer;
    let db: CockroachDBClient;
    let table: string;
    beforeEach(async () => {
      server = await startCockroachDBTestServer({ upstream: databaseUrl() });
      db = CockroachDBClient.fromUrl(server.url, { pool: { max: 1 } });
      table = uniqueTable('commit_rb_crdb');
      await db.createTable(table, { id: 'INT8 PRIMARY KEY' });
    });
    afterEach(async () => {
      server.clearFaults();
      await db.dropTable(table);
      await db.close();
      await server.close();
    });

    function protocolLog(): string[] {
      return server
        .statements()
        .filter((text) => /^(BEGIN|SAVEPOINT|ROLLBACK|RELEASE|COMMIT)/i.test(text.trim()));
    }

    it('runInTransaction does not commit; it rolls back and reports it', async () => {
      const outcome = db.runInTransaction(async (tx) => {
        await tx.insert(table, { id: 1 });
        await tx.insert(table, { id: 1 }).catch(() => undefined);
      });
      expectRolledBack(await rejection(outcome));
      // RELEASE goes out only when the callback returned before the failed statement's
      // ReadyForQuery arrived; the server then refuses it (25P02). COMMIT never goes out.
      const log = protocolLog().filter((text) => text !== 'RELEASE SAVEPOINT cockroach_restart');
      expect(log).toEqual(['BEGIN', 'SAVEPOINT cockroach_restart', 'ROLLBACK']);
      expect(await db.query(`SELECT count(*)::INT8 AS c FROM "${table}"`)).toEqual([{ c: '0' }]);
    });

    it('a caught 40001 is retried as if the callback had rethrown it', async () => {
      server.fault({
        kind: 'error',
        match: /^INSERT INTO/i,
        sqlstate: '40001',
        message: 'restart transaction: TransactionRetryWithProtoRefreshError: (RETRY_SERIALIZABLE)',
      });
      const caught: unknown[] = [];
      let runs = 0;
      await db.runInTransaction(
        async (tx) => {
          runs++;
          await tx.insert(table, { id: runs }).catch((error: unknown) => caught.push(error));
        },
        { backoff: { baseMs: 1, maxMs: 2 } },
      );
      expect(runs).toBe(2);
      expect(caught).toHaveLength(1);
      expect(caught[0]).toBeInstanceOf(SerializationFailureError);
      expect(protocolLog()).toEqual([
        'BEGIN',
        'SAVEPOINT cockroach_restart',
        'ROLLBACK TO SAVEPOINT cockroach_restart',
        'RELEASE SAVEPOINT cockroach_restart',
        'COMMIT',
      ]);
      expect(await db.query(`SELECT id FROM "${table}"`)).toEqual([{ id: '2' }]);
    });
  },
);
