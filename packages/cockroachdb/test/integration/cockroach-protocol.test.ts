// CockroachDB-only behaviour, through @conn/cockroachdb/testing: a CockroachDB behaviour server in
// front of the test PostgreSQL (crdb_version at startup, injected retry errors, ambiguous commits).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AmbiguousCommitError,
  CockroachDBClient,
  MaxRetriesExceededError,
  SchemaChangeFailureError,
  SerializationFailureError,
} from '../../src/index.js';
import { type CockroachDBTestServer, startCockroachDBTestServer } from '../../src/testing/index.js';
import { databaseUrl, testDatabase, uniqueTable } from '../support/database.js';

const RETRY_PROTOCOL = /^(BEGIN|SAVEPOINT|ROLLBACK|RELEASE|COMMIT)/i;

describe.skipIf(testDatabase.skipReason !== undefined)(
  'CockroachDB protocol through the behaviour server',
  () => {
    let server: CockroachDBTestServer;
    let db: CockroachDBClient;
    let table: string;

    beforeEach(async () => {
      server = await startCockroachDBTestServer({ upstream: databaseUrl() });
      db = CockroachDBClient.fromUrl(server.url, { pool: { max: 2 } });
      table = uniqueTable('crdb');
      await db.createTable(table, { id: 'INT8 PRIMARY KEY', v: 'INT8' });
    });
    afterEach(async () => {
      server.clearFaults();
      await db.dropTable(table);
      await db.close();
      await server.close();
    });

    /** The transaction-control statements of the session that ran the last transaction. */
    function protocolLog(): string[] {
      return server.statements().filter((text) => RETRY_PROTOCOL.test(text.trim()));
    }

    it('detects CockroachDB from the crdb_version startup parameter', async () => {
      await db.connect();
      expect(db.server?.kind).toBe('cockroachdb');
      expect(db.server?.version).toMatch(/^CockroachDB/);
    });

    it('runs the savepoint protocol, statement by statement, when nothing fails', async () => {
      await db.runInTransaction(async (tx) => {
        await tx.insert(table, { id: 1, v: 1 });
      });
      expect(protocolLog()).toEqual([
        'BEGIN',
        'SAVEPOINT cockroach_restart',
        'RELEASE SAVEPOINT cockroach_restart',
        'COMMIT',
      ]);
    });

    it('a 40001 in the body rolls back to the savepoint and runs the callback again in the same transaction', async () => {
      server.fault({
        kind: 'error',
        match: /^INSERT INTO/i,
        sqlstate: '40001',
        message:
          'restart transaction: TransactionRetryWithProtoRefreshError: WriteTooOldError (RETRY_WRITE_TOO_OLD)',
      });
      const reasons: (string | undefined)[] = [];
      let attempts = 0;
      await db.runInTransaction(
        async (tx) => {
          attempts++;
          await tx.insert(table, { id: 2, v: attempts });
        },
        {
          onRetry: (error) => reasons.push((error as SerializationFailureError).retryReason),
          backoff: { baseMs: 1, maxMs: 2 },
        },
      );
      expect(attempts).toBe(2);
      expect(reasons).toEqual(['RETRY_WRITE_TOO_OLD']);
      expect(protocolLog()).toEqual([
        'BEGIN',
        'SAVEPOINT cockroach_restart',
        'ROLLBACK TO SAVEPOINT cockroach_restart',
        'RELEASE SAVEPOINT cockroach_restart',
        'COMMIT',
      ]);
      expect(await db.select(table, { where: { id: 2 } })).toEqual([{ id: '2', v: '2' }]);
    });

    it('a 40001 at RELEASE (the commit point) is retried through the savepoint', async () => {
      server.fault({
        kind: 'error',
        match: 'RELEASE SAVEPOINT cockroach_restart',
        sqlstate: '40001',
        message: 'restart transaction: (RETRY_SERIALIZABLE)',
      });
      let attempts = 0;
      await db.runInTransaction(
        async (tx) => {
          attempts++;
          await tx.execute(`INSERT INTO "${table}" (id, v) VALUES (3, $1)`, [attempts]);
        },
        { backoff: { baseMs: 1, maxMs: 2 } },
      );
      expect(attempts).toBe(2);
      expect(protocolLog()).toEqual([
        'BEGIN',
        'SAVEPOINT cockroach_restart',
        'RELEASE SAVEPOINT cockroach_restart',
        'ROLLBACK TO SAVEPOINT cockroach_restart',
        'RELEASE SAVEPOINT cockroach_restart',
        'COMMIT',
      ]);
      expect(await db.select(table, { where: { id: 3 } })).toEqual([{ id: '3', v: '2' }]);
    });

    it('upsert uses the UPSERT statement on CockroachDB', async () => {
      await db.upsert(table, { id: 4, v: 1 }).catch(() => {});
      expect(server.statements().some((text) => text.startsWith('UPSERT INTO'))).toBe(true);
    });

    it('40003 at COMMIT raises AmbiguousCommitError without a retry (the row was in fact committed)', async () => {
      server.fault({
        kind: 'error',
        match: 'RELEASE SAVEPOINT cockroach_restart',
        sqlstate: '40003',
        message: 'result is ambiguous (error=rpc error)',
        relayFirst: true,
      });
      let attempts = 0;
      const error = await db
        .runInTransaction(async (tx) => {
          attempts++;
          await tx.insert(table, { id: 5, v: 5 });
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AmbiguousCommitError);
      expect((error as AmbiguousCommitError).sqlstate).toBe('40003');
      expect(attempts).toBe(1);
      expect(await db.select(table, { where: { id: 5 } })).toEqual([{ id: '5', v: '5' }]);
    });

    it('a connection cut at RELEASE raises AmbiguousCommitError without a retry', async () => {
      server.fault({ kind: 'kill-connection', match: 'RELEASE SAVEPOINT cockroach_restart', phase: 'after' });
      let attempts = 0;
      const error = await db
        .runInTransaction(async (tx) => {
          attempts++;
          await tx.insert(table, { id: 6, v: 6 });
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AmbiguousCommitError);
      expect(attempts).toBe(1);
      expect(db.stats().leased).toBe(0);
    });

    it('an idempotent callback is retried after an ambiguous commit', async () => {
      server.fault({
        kind: 'kill-connection',
        match: 'RELEASE SAVEPOINT cockroach_restart',
        phase: 'before',
      });
      let attempts = 0;
      await db.runInTransaction(
        async (tx) => {
          attempts++;
          // PostgreSQL behind the server has no UPSERT statement; this is the same idempotent write.
          await tx.upsert(table, { id: 7, v: attempts }, { conflictColumns: ['id'] });
        },
        { idempotent: true, backoff: { baseMs: 1, maxMs: 2 } },
      );
      expect(attempts).toBe(2);
      expect(await db.select(table, { where: { id: 7 } })).toEqual([{ id: '7', v: '2' }]);
    });

    it('XXA00 is raised as SchemaChangeFailureError and never retried', async () => {
      server.fault({
        kind: 'error',
        match: 'RELEASE SAVEPOINT cockroach_restart',
        sqlstate: 'XXA00',
        message: 'transaction committed but schema change aborted',
      });
      let attempts = 0;
      const error = await db
        .runInTransaction(async (tx) => {
          attempts++;
          await tx.insert(table, { id: 8, v: 8 });
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SchemaChangeFailureError);
      expect(attempts).toBe(1);
    });

    it('with inject_retry_errors_enabled the savepoint protocol gets through after the 3rd retry', async () => {
      let attempts = 0;
      await db.runInTransaction(
        async (tx) => {
          attempts++;
          if (attempts === 1) await tx.execute('SET inject_retry_errors_enabled = true');
          await tx.insert(table, { id: 9, v: attempts });
        },
        { backoff: { baseMs: 1, maxMs: 2 } },
      );
      expect(attempts).toBe(4);
      expect(protocolLog().filter((text) => text.startsWith('ROLLBACK TO SAVEPOINT'))).toHaveLength(3);
      expect(await db.select(table, { where: { id: 9 } })).toEqual([{ id: '9', v: '4' }]);
    });

    it('gives up with MaxRetriesExceededError when the server keeps asking for retries', async () => {
      server.fault({
        kind: 'error',
        match: /^INSERT INTO/i,
        sqlstate: '40001',
        message: 'restart transaction: (RETRY_SERIALIZABLE)',
        times: 100,
      });
      const error = await db
        .runInTransaction((tx) => tx.insert(table, { id: 10, v: 0 }), {
          maxRetries: 3,
          backoff: { baseMs: 1, maxMs: 2 },
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MaxRetriesExceededError);
      expect((error as MaxRetriesExceededError).attempts).toBe(4);
      expect((error as MaxRetriesExceededError).cause).toBeInstanceOf(SerializationFailureError);
    });

    it('transaction options become BEGIN modes (priority and AS OF SYSTEM TIME are CockroachDB syntax)', async () => {
      const tx = await db
        .transaction({ priority: 'high', isolation: 'serializable' })
        .catch((error: unknown) => error);
      // PostgreSQL behind the server rejects PRIORITY; what matters is what the driver sent.
      if (!(tx instanceof Error)) await (tx as { rollback(): Promise<void> }).rollback();
      expect(server.statements()).toContain('BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE, PRIORITY HIGH');
    });

    it('sends results_buffer_size as a startup parameter when configured', async () => {
      await using sized = CockroachDBClient.fromUrl(`${server.url}&results_buffer_size=65536`);
      await sized.connect();
      expect(server.sessions.at(-1)?.startupParameters['results_buffer_size']).toBe('65536');
    });
  },
);
