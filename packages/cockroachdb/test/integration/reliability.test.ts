import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmbiguousCommitError, type CockroachDBClient, CockroachDBConnectionError } from '../../src/index.js';
import { openDatabase, testDatabase, uniqueTable } from '../support/database.js';

describe.skipIf(testDatabase.skipReason !== undefined)('failures of the session against PostgreSQL', () => {
  let admin: CockroachDBClient;
  beforeAll(() => {
    admin = openDatabase();
  });
  afterAll(async () => {
    await admin.close();
  });

  async function backendPids(db: CockroachDBClient): Promise<number[]> {
    const rows = await db.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      ['@conn/cockroachdb killable'],
    );
    return rows.map((row) => row.pid);
  }

  it('an idle pooled session killed by the server is replaced transparently', async () => {
    await using db = openDatabase({ pool: { max: 1 }, applicationName: '@conn/cockroachdb killable' });
    await db.query('SELECT 1');
    const [pid] = await backendPids(admin);
    expect(pid).toBeTypeOf('number');
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    // The server's goodbye (57P01) arrives on the idle socket; the pool must not lend that session again.
    await expect.poll(() => db.query('SELECT 2 AS two'), { timeout: 5_000 }).toEqual([{ two: 2 }]);
    expect(await backendPids(admin)).not.toContain(pid);
  });

  it('a session killed under a statement fails that statement with a connection error; the next one works', async () => {
    await using db = openDatabase({ pool: { max: 1 }, applicationName: '@conn/cockroachdb killable' });
    await db.query('SELECT 1');
    const pending = db.query('SELECT pg_sleep(30)').catch((caught: unknown) => caught);
    await expect.poll(async () => (await backendPids(admin)).length).toBe(1);
    const [pid] = await backendPids(admin);
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    expect(await pending).toBeInstanceOf(CockroachDBConnectionError);
    expect(await db.query('SELECT 3 AS three')).toEqual([{ three: 3 }]);
  });

  describe('a connection lost at COMMIT', () => {
    const table = uniqueTable('ambiguous');
    const sequence = `${table}_kills`;
    beforeAll(async () => {
      await admin.createTable(table, { id: 'INT8 PRIMARY KEY' });
      // A deferred constraint trigger runs during COMMIT; it kills its own backend while the
      // sequence (which no rollback undoes) is below the number of kills wanted.
      await admin.execute(`CREATE SEQUENCE "${sequence}"`);
      await admin.execute(`
        CREATE FUNCTION "${table}_kill"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF nextval('"${sequence}"') <= TG_ARGV[0]::int THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
          RETURN NULL;
        END $$`);
      await admin.execute(
        `CREATE CONSTRAINT TRIGGER "${table}_at_commit" AFTER INSERT ON "${table}" DEFERRABLE INITIALLY DEFERRED ` +
          `FOR EACH ROW EXECUTE FUNCTION "${table}_kill"(1)`,
      );
    });
    afterAll(async () => {
      await admin.dropTable(table);
      await admin.execute(`DROP FUNCTION IF EXISTS "${table}_kill"()`);
      await admin.execute(`DROP SEQUENCE IF EXISTS "${sequence}"`);
    });

    it('raises AmbiguousCommitError and does not retry', async () => {
      await admin.execute(`SELECT setval('"${sequence}"', 1, false)`);
      await using db = openDatabase();
      let attempts = 0;
      const error = await db
        .runInTransaction(async (tx) => {
          attempts++;
          await tx.insert(table, { id: 1 });
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AmbiguousCommitError);
      expect((error as AmbiguousCommitError).code).toBe('CONN_COCKROACHDB_AMBIGUOUS_COMMIT');
      expect(attempts).toBe(1);
      expect(db.stats().leased).toBe(0);
    });

    it('is retried on a new session when the caller declares the work idempotent', async () => {
      await admin.execute(`SELECT setval('"${sequence}"', 1, false)`);
      await using db = openDatabase();
      let attempts = 0;
      await db.runInTransaction(
        async (tx) => {
          attempts++;
          await tx.upsert(table, { id: 2 });
        },
        { idempotent: true, backoff: { baseMs: 1, maxMs: 2 } },
      );
      expect(attempts).toBe(2);
      expect(await admin.select(table, { where: { id: 2 } })).toEqual([{ id: '2' }]);
    });

    it('a plain transaction commit reports the same AmbiguousCommitError', async () => {
      await admin.execute(`SELECT setval('"${sequence}"', 1, false)`);
      await using db = openDatabase();
      const tx = await db.transaction();
      await tx.insert(table, { id: 3 });
      await expect(tx.commit()).rejects.toBeInstanceOf(AmbiguousCommitError);
      expect(db.stats().leased).toBe(0);
    });
  });

  it('a connection lost before the commit is retried only when asked to', async () => {
    const table = uniqueTable('lost');
    await admin.createTable(table, { id: 'INT8 PRIMARY KEY' });
    try {
      await using db = openDatabase();
      let attempts = 0;
      const body = async (tx: import('../../src/index.js').Transaction) => {
        attempts++;
        await tx.insert(table, { id: attempts });
        if (attempts === 1 || attempts === 3)
          await tx.execute('SELECT pg_terminate_backend(pg_backend_pid())');
      };
      await expect(db.runInTransaction(body)).rejects.toBeInstanceOf(CockroachDBConnectionError);
      expect(attempts).toBe(1);
      attempts = 2;
      await expect(
        db.runInTransaction(body, { retryConnectionLoss: true, backoff: { baseMs: 1, maxMs: 2 } }),
      ).resolves.toBeUndefined();
      expect(attempts).toBe(4);
      // Nothing of the killed attempts was committed.
      expect(await admin.select(table, { orderBy: [{ column: 'id' }] })).toEqual([{ id: '4' }]);
    } finally {
      await admin.dropTable(table);
    }
  });
});
