// Migration SQL that begins or ends a transaction itself, and a permanent startup
// failure (unknown database or setting) on a client with several nodes.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CockroachDBClient as Client,
  type CockroachDBClient,
  MigrationError,
  type MigrationSource,
  Migrator,
  SqlError,
} from '../../src/index.js';
import { type CockroachDBTestServer, startCockroachDBTestServer } from '../../src/testing/index.js';
import { databaseUrl, openDatabase, testDatabase, uniqueTable } from '../support/database.js';

describe.skipIf(testDatabase.skipReason !== undefined)(
  'migration SQL that controls its own transaction',
  () => {
    let db: CockroachDBClient;
    let tableName: string;
    let prefix: string;

    beforeEach(() => {
      db = openDatabase();
      tableName = uniqueTable('audmig');
      prefix = uniqueTable('audt');
    });
    afterEach(async () => {
      try {
        for (const suffix of ['a', 'b', 'c']) await db.dropTable(`${prefix}_${suffix}`);
        await db.dropTable(tableName);
        await db.dropTable(`${tableName}_lock`);
      } finally {
        await db.close();
      }
    });

    function migrator(migrations: MigrationSource[]): Migrator {
      return new Migrator(db, { tableName, migrations });
    }
    async function tableExists(name: string): Promise<boolean> {
      const row = await db.queryOne<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [
        name,
      ]);
      return row?.found != null;
    }
    async function recorded(): Promise<number[]> {
      const rows = await db.query<{ version: string }>(`SELECT version FROM ${tableName} ORDER BY version`);
      return rows.map((row) => Number(row.version));
    }

    it('a COMMIT in the middle is refused before anything runs, not half kept and reported as rolled back', async () => {
      const error = await migrator([
        { version: 1, name: 'first', up: `CREATE TABLE ${prefix}_a (id INT8)` },
        { version: 2, name: 'half', up: `CREATE TABLE ${prefix}_b (id INT8); COMMIT; SELECT 1/0;` },
      ])
        .migrate()
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MigrationError);
      expect(error).toMatchObject({ version: 2, code: 'CONN_COCKROACHDB_MIGRATION' });
      expect(String(error)).toMatch(/begins or ends a transaction.*Nothing was run/);
      expect(await tableExists(`${prefix}_a`)).toBe(false);
      expect(await tableExists(`${prefix}_b`)).toBe(false);
      expect(await recorded()).toEqual([]);
    });

    it('a ROLLBACK is refused, not recorded as applied while its DDL was undone', async () => {
      const error = await migrator([
        { version: 1, name: 'undone', up: `CREATE TABLE ${prefix}_c (id INT8); ROLLBACK;` },
      ])
        .migrate()
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MigrationError);
      expect(error).toMatchObject({ version: 1 });
      expect(await recorded()).toEqual([]);
    });

    it('with -- conn:no-transaction a BEGIN … COMMIT migration runs as written and is recorded', async () => {
      const result = await migrator([
        {
          version: 1,
          name: 'own',
          up: `-- conn:no-transaction\nBEGIN; CREATE TABLE ${prefix}_a (id INT8); COMMIT;`,
        },
      ]).migrate();
      expect(result.applied).toEqual([1]);
      expect(await tableExists(`${prefix}_a`)).toBe(true);
      expect(await recorded()).toEqual([1]);
    });
  },
);

describe.skipIf(testDatabase.skipReason !== undefined)('several nodes, permanent startup failure', () => {
  let nodes: CockroachDBTestServer[] = [];

  beforeAll(async () => {
    nodes = await Promise.all([0, 1].map(() => startCockroachDBTestServer({ upstream: databaseUrl() })));
  });
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
  });

  /** Both nodes in one URL, with the path (database) and parameters given. */
  function clusterUrl(database: string): string {
    const url = new URL((nodes[0] as CockroachDBTestServer).url);
    const hosts = nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
    return `postgresql://${url.username}:${url.password}@${hosts}/${database}${url.search}`;
  }

  it('an unknown database fails calls and connect() at once with its SqlError, not at the deadline', async () => {
    await using db = Client.fromUrl(clusterUrl('audit_no_such_database'), { timeoutMs: 600_000 });
    const error = await db.query('SELECT 1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SqlError);
    expect(error).toMatchObject({ sqlstate: '3D000' });
    const refused = await db.connect().catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(SqlError);
    expect(refused).toMatchObject({ sqlstate: '3D000', retryable: false });
  });

  it('an unknown session setting fails a call at once', async () => {
    const url = new URL((nodes[0] as CockroachDBTestServer).url);
    await using db = Client.fromUrl(clusterUrl(url.pathname.slice(1)), {
      timeoutMs: 600_000,
      sessionSettings: { audit_no_such_setting: 'on' },
    });
    const error = await db.execute('SELECT 1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SqlError);
  });
});
