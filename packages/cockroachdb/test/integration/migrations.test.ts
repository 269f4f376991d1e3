import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CockroachDB,
  MigrationChecksumError,
  MigrationError,
  MigrationLockError,
  Migrator,
  type MigratorOptions,
} from '../../src/index.js';
import { openDatabase, testDatabase, uniqueTable } from '../support/database.js';

describe.skipIf(testDatabase.skipReason !== undefined)('Migrator against PostgreSQL', () => {
  let db: CockroachDB;
  let dir: string;
  let tableName: string;
  let prefix: string;
  beforeAll(() => {
    db = openDatabase();
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'conn-mig-'));
    tableName = uniqueTable('mig');
    prefix = uniqueTable('t');
    write('0001_people.up.sql', `CREATE TABLE ${prefix}_people (id INT8 PRIMARY KEY, name TEXT);`);
    write('0001_people.down.sql', `DROP TABLE ${prefix}_people;`);
    write(
      '0002_pets.up.sql',
      `CREATE TABLE ${prefix}_pets (id INT8 PRIMARY KEY);\nINSERT INTO ${prefix}_pets VALUES (1), (2);`,
    );
    write('0002_pets.down.sql', `DROP TABLE ${prefix}_pets;`);
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const table of [
      `${prefix}_people`,
      `${prefix}_pets`,
      `${prefix}_bad`,
      tableName,
      `${tableName}_lock`,
    ]) {
      await db.dropTable(table);
    }
  });

  function write(file: string, sql: string): void {
    writeFileSync(join(dir, file), sql);
  }
  function migrator(extra: Partial<MigratorOptions> = {}): Migrator {
    return new Migrator(db, { directory: dir, tableName, ...extra });
  }
  async function tableExists(name: string): Promise<boolean> {
    return (
      (await db.queryOne<{ found: string | null }>('SELECT to_regclass($1) AS found', [name]))?.found != null
    );
  }

  it('applies every migration in order, records checksums, and a second run does nothing', async () => {
    const result = await migrator().migrate();
    expect(result).toEqual({ applied: [1, 2], rolledBack: [], current: 2 });
    expect(await db.query(`SELECT count(*)::int AS n FROM ${prefix}_pets`)).toEqual([{ n: 2 }]);
    const rows = await db.query<{ version: string; checksum: string }>(
      `SELECT version, checksum FROM "${tableName}" ORDER BY version`,
    );
    expect(rows.map((row) => row.version)).toEqual(['1', '2']);
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.checksum))).toBe(true);
    expect(await migrator().migrate()).toEqual({ applied: [], rolledBack: [], current: 2 });
  });

  it('status shows applied and pending migrations', async () => {
    await migrator().migrate({ target: 1 });
    const status = await migrator().status();
    expect(status.current).toBe(1);
    expect(status.migrations.map((entry) => [entry.version, entry.state])).toEqual([
      [1, 'applied'],
      [2, 'pending'],
    ]);
    expect(status.migrations[0]?.appliedAt).toBeInstanceOf(Date);
  });

  it('an applied migration edited afterwards is refused before anything runs', async () => {
    await migrator().migrate({ target: 1 });
    write('0001_people.up.sql', `CREATE TABLE ${prefix}_people (id INT8 PRIMARY KEY, name TEXT, extra INT);`);
    const error = await migrator()
      .migrate()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationChecksumError);
    expect((error as MigrationChecksumError).version).toBe(1);
    expect(await tableExists(`${prefix}_pets`)).toBe(false);
    expect((await migrator().status()).migrations[0]?.state).toBe('changed');
  });

  it('rollback runs down SQL newest first, and migrate to a lower target goes down', async () => {
    await migrator().migrate();
    expect(await migrator().rollback()).toEqual({ applied: [], rolledBack: [2], current: 1 });
    expect(await tableExists(`${prefix}_pets`)).toBe(false);
    await migrator().migrate();
    expect(await migrator().migrate({ target: 0 })).toEqual({
      applied: [],
      rolledBack: [2, 1],
      current: null,
    });
    expect(await tableExists(`${prefix}_people`)).toBe(false);
  });

  it('a failing migration stops the run: earlier ones stay, its partial DDL is rolled back, nothing is recorded', async () => {
    write(
      '0003_bad.up.sql',
      `CREATE TABLE ${prefix}_bad (id INT8);\nSELECT no_such_column FROM ${prefix}_people;`,
    );
    const error = await migrator()
      .migrate()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).version).toBe(3);
    expect((error as MigrationError).cause).toMatchObject({ sqlstate: '42703' });
    expect(await tableExists(`${prefix}_bad`)).toBe(false);
    expect((await migrator().status()).current).toBe(2);
  });

  it('an out-of-order migration is refused unless allowed', async () => {
    const one = { version: 1, name: 'one', up: 'SELECT 1' };
    const two = { version: 2, name: 'two', up: 'SELECT 2' };
    const three = { version: 3, name: 'three', up: 'SELECT 3' };
    expect((await new Migrator(db, { tableName, migrations: [one, three] }).migrate()).applied).toEqual([
      1, 3,
    ]);
    const later = (extra: Partial<MigratorOptions> = {}) =>
      new Migrator(db, { tableName, migrations: [one, two, three], ...extra });
    const error = await later()
      .migrate()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    expect(String(error)).toMatch(/older than the latest applied/);
    expect((await later({ allowOutOfOrder: true }).migrate()).applied).toEqual([2]);
  });

  it('two deployers at once: exactly one migrates, the other gets MigrationLockError', async () => {
    const results = await Promise.allSettled([migrator().migrate(), migrator().migrate()]);
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    const rejected = results.filter((result) => result.status === 'rejected') as PromiseRejectedResult[];
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toBeInstanceOf(MigrationLockError);
    expect((await migrator().status()).current).toBe(2);
  });

  it('with lockWaitMs the second deployer waits, then finds nothing to do', async () => {
    const [first, second] = await Promise.all([
      migrator({ lockWaitMs: 20_000 }).migrate(),
      migrator({ lockWaitMs: 20_000 }).migrate(),
    ]);
    expect([first.applied, second.applied].sort()).toEqual([[], [1, 2]]);
  });

  it('an expired lock left by a crashed deployer is taken over', async () => {
    await migrator().status();
    await db.execute(
      `INSERT INTO "${tableName}_lock" (id, holder, expires_at) VALUES (1, 'crashed:1:dead', now() - INTERVAL '1 minute')`,
    );
    expect((await migrator().migrate()).applied).toEqual([1, 2]);
    expect(await db.query(`SELECT * FROM "${tableName}_lock"`)).toEqual([]);
  });

  it('a live lock of another deployer is reported with its holder', async () => {
    await migrator().status();
    await db.execute(
      `INSERT INTO "${tableName}_lock" (id, holder, expires_at) VALUES (1, 'other:2:beef', now() + INTERVAL '1 hour')`,
    );
    const error = await migrator()
      .migrate()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationLockError);
    expect((error as MigrationLockError).holder).toBe('other:2:beef');
  });

  it('migrations given in code work the same way', async () => {
    const inCode = new Migrator(db, {
      tableName,
      migrations: [
        {
          version: 1,
          name: 'people',
          up: `CREATE TABLE ${prefix}_people (id INT8)`,
          down: `DROP TABLE ${prefix}_people`,
        },
      ],
    });
    expect((await inCode.migrate()).applied).toEqual([1]);
    expect((await inCode.rollback()).rolledBack).toEqual([1]);
  });
});
