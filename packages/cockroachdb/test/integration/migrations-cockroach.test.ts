// The Migrator on CockroachDB, through the behaviour server in front of the test PostgreSQL: each
// migration's SQL goes out as one simple query outside any explicit transaction, then its record.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CockroachDBClient,
  MigrationError,
  type MigrationSource,
  Migrator,
  SchemaChangeFailureError,
} from '../../src/index.js';
import { type CockroachDBTestServer, startCockroachDBTestServer } from '../../src/testing/index.js';
import { databaseUrl, testDatabase, uniqueTable } from '../support/database.js';

const TRANSACTION_CONTROL = /^(BEGIN|START|SAVEPOINT|RELEASE|COMMIT|ROLLBACK)\b/i;

describe.skipIf(testDatabase.skipReason !== undefined)('Migrator on CockroachDB (behaviour server)', () => {
  let server: CockroachDBTestServer;
  let db: CockroachDBClient;
  let tableName: string;
  let prefix: string;
  let migrations: MigrationSource[];

  beforeEach(async () => {
    server = await startCockroachDBTestServer({ upstream: databaseUrl() });
    db = CockroachDBClient.fromUrl(server.url, { pool: { max: 3 } });
    tableName = uniqueTable('mig');
    prefix = uniqueTable('t');
    migrations = [
      {
        version: 1,
        name: 'people',
        up: `CREATE TABLE ${prefix}_people (id INT8 PRIMARY KEY);\nINSERT INTO ${prefix}_people VALUES (1);\n`,
        down: `DROP TABLE ${prefix}_people;\n`,
      },
      {
        version: 2,
        name: 'pets',
        up: `CREATE TABLE ${prefix}_pets (id INT8 PRIMARY KEY);\n`,
        down: `DROP TABLE ${prefix}_pets;\n`,
      },
    ];
  });

  afterEach(async () => {
    server.clearFaults();
    try {
      for (const table of [`${prefix}_people`, `${prefix}_pets`, tableName, `${tableName}_lock`]) {
        await db.dropTable(table);
      }
    } finally {
      await db.close();
      await server.close();
    }
  });

  function migrator(): Migrator {
    return new Migrator(db, { tableName, migrations });
  }
  async function recorded(): Promise<number[]> {
    const rows = await db.query<{ version: string }>(`SELECT version FROM "${tableName}" ORDER BY version`);
    return rows.map((row) => Number(row.version));
  }
  async function tableExists(name: string): Promise<boolean> {
    const row = await db.queryOne<{ found: string | null }>('SELECT to_regclass($1) AS found', [name]);
    return row?.found != null;
  }

  it('sends each migration as one statement text outside any explicit transaction, then records it', async () => {
    expect(await migrator().migrate()).toEqual({ applied: [1, 2], rolledBack: [], current: 2 });
    expect(db.server?.kind).toBe('cockroachdb');
    const log = server.statements();
    expect(log.filter((text) => TRANSACTION_CONTROL.test(text.trim()))).toEqual([]);
    const first = log.indexOf(migrations[0]?.up as string);
    const second = log.indexOf(migrations[1]?.up as string);
    expect(first).toBeGreaterThan(-1);
    expect(second).toBeGreaterThan(first);
    const records = log
      .map((text, index) => ({ text, index }))
      .filter(({ text }) => text.startsWith(`INSERT INTO "${tableName}" `));
    expect(records.map(({ index }) => index)).toEqual([
      expect.toSatisfy((index: number) => index > first && index < second),
      expect.toSatisfy((index: number) => index > second),
    ]);
    expect(await recorded()).toEqual([1, 2]);
    expect(await db.query(`SELECT id::int AS id FROM ${prefix}_people`)).toEqual([{ id: 1 }]);
  });

  it('rolls back outside explicit transactions too', async () => {
    await migrator().migrate();
    const before = server.statements().length;
    expect(await migrator().rollback(2)).toEqual({ applied: [], rolledBack: [2, 1], current: null });
    const log = server.statements().slice(before);
    expect(log.filter((text) => TRANSACTION_CONTROL.test(text.trim()))).toEqual([]);
    expect(log.indexOf(migrations[1]?.down as string)).toBeLessThan(
      log.indexOf(migrations[0]?.down as string),
    );
    expect(await tableExists(`${prefix}_people`)).toBe(false);
    expect(await recorded()).toEqual([]);
  });

  it('a failing migration is reported with its version and stays unrecorded; the ones before stay applied', async () => {
    server.fault({
      kind: 'error',
      match: /^CREATE TABLE \S+_pets/,
      sqlstate: 'XXA00',
      message: 'schema change failed: injected',
    });
    const error = await migrator()
      .migrate()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ version: 2 });
    expect((error as MigrationError).cause).toBeInstanceOf(SchemaChangeFailureError);
    expect(String(error)).toMatch(/outside an explicit transaction/);
    expect(await recorded()).toEqual([1]);
    expect(await db.query(`SELECT holder FROM "${tableName}_lock"`)).toEqual([]);
    expect((await migrator().migrate()).applied).toEqual([2]);
  });

  it('when recording fails after the SQL ran, the error says so and how to repair it', async () => {
    server.fault({ kind: 'error', match: new RegExp(`^INSERT INTO "${tableName}" `), sqlstate: 'XX000' });
    const error = await migrator()
      .migrate()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ version: 1 });
    expect(String(error)).toMatch(/migration 1 \(people\) was applied, but recording that failed: .*by hand/);
    expect(await tableExists(`${prefix}_people`)).toBe(true);
    expect(await recorded()).toEqual([]);
    expect(await db.query(`SELECT holder FROM "${tableName}_lock"`)).toEqual([]);
  });
});
