// The Migrator against the test PostgreSQL: transactional migrations, checksums, rollback, the lock.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import {
  type CockroachDBClient,
  checksumOf,
  MigrationChecksumError,
  MigrationError,
  MigrationLockError,
  Migrator,
  type MigratorOptions,
  TimeoutError,
  type Transaction,
} from '../../src/index.js';
import { openDatabase, testDatabase, uniqueTable } from '../support/database.js';

describe.skipIf(testDatabase.skipReason !== undefined)('Migrator against PostgreSQL', () => {
  let db: CockroachDBClient;
  let dir: string;
  let tableName: string;
  /** Prefix of the tables the migrations create, unique to the test. */
  let prefix: string;
  /** Sessions holding a gate closed, released after each test whatever happened. */
  let gateHolders: Transaction[];

  beforeEach(() => {
    db = openDatabase();
    dir = mkdtempSync(join(tmpdir(), 'conn-mig-'));
    tableName = uniqueTable('mig');
    prefix = uniqueTable('t');
    gateHolders = [];
    write('0001_people.up.sql', `CREATE TABLE ${prefix}_people (id INT8 PRIMARY KEY, name TEXT);\n`);
    write('0001_people.down.sql', `DROP TABLE ${prefix}_people;\n`);
    write(
      '0002_pets.up.sql',
      `CREATE TABLE ${prefix}_pets (id INT8 PRIMARY KEY);\nINSERT INTO ${prefix}_pets VALUES (1), (2);\n`,
    );
    write('0002_pets.down.sql', `DROP TABLE ${prefix}_pets;\n`);
  });

  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    try {
      for (const holder of gateHolders) await holder.rollback();
      await db.execute(`DROP SEQUENCE IF EXISTS ${prefix}_gate_reached`);
      for (const suffix of ['people', 'pets', 'toys', 'bad', 'slow', 'gate'])
        await db.dropTable(`${prefix}_${suffix}`);
      await db.dropTable(tableName);
      await db.dropTable(`${tableName}_lock`);
    } finally {
      await db.close();
    }
  });

  function write(file: string, sql: string): void {
    writeFileSync(join(dir, file), sql);
  }
  function migrator(extra: Partial<MigratorOptions> = {}, client: CockroachDBClient = db): Migrator {
    return new Migrator(client, { directory: dir, tableName, ...extra });
  }
  async function tableExists(name: string): Promise<boolean> {
    const row = await db.queryOne<{ found: string | null }>('SELECT to_regclass($1) AS found', [name]);
    return row?.found != null;
  }
  async function recorded(): Promise<number[]> {
    const rows = await db.query<{ version: string }>(`SELECT version FROM "${tableName}" ORDER BY version`);
    return rows.map((row) => Number(row.version));
  }
  async function lockRows(): Promise<{ holder: string }[]> {
    return db.query<{ holder: string }>(`SELECT holder FROM "${tableName}_lock"`);
  }
  /** Polls `condition` (through the database, never a fixed sleep) until it holds. */
  async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
    await vi.waitFor(
      async () => {
        if (!(await condition())) throw new Error('not yet');
      },
      { timeout: 15_000, interval: 20 },
    );
  }
  /**
   * A gate for a migration: `sql`, put in a migration file, bumps a sequence (outside any
   * transaction, so `reached()` sees the migration got there) and then waits for a row this test
   * holds locked, until `open()`.
   */
  async function closedGate(): Promise<{ sql: string; reached(): Promise<void>; open(): Promise<void> }> {
    const table = `${prefix}_gate`;
    await db.execute(`CREATE TABLE ${table} (id INT8 PRIMARY KEY, passed INT8 NOT NULL DEFAULT 0)`);
    await db.execute(`INSERT INTO ${table} (id) VALUES (1)`);
    await db.execute(`CREATE SEQUENCE ${table}_reached`);
    const holder = await db.transaction();
    gateHolders.push(holder);
    await holder.query(`SELECT id FROM ${table} WHERE id = 1 FOR UPDATE`);
    return {
      sql: `SELECT nextval('${table}_reached');\nUPDATE ${table} SET passed = passed + 1 WHERE id = 1;\n`,
      reached: () =>
        waitUntil(
          async () =>
            (await db.queryOne<{ is_called: boolean }>(`SELECT is_called FROM ${table}_reached`))
              ?.is_called === true,
        ),
      open: async () => {
        gateHolders.splice(gateHolders.indexOf(holder), 1);
        await holder.commit();
      },
    };
  }
  /** Resolves once a migrator on one of `spies`' clients found the lock held and began to wait. */
  function lockWaitSeen(...spies: MockInstance<CockroachDBClient['execute']>[]): Promise<void> {
    const waited = (spy: MockInstance<CockroachDBClient['execute']>): boolean =>
      spy.mock.calls.some(([sql]) => sql.startsWith('DELETE FROM') && sql.includes('expires_at < now()'));
    return vi.waitFor(
      () => {
        if (!spies.some(waited)) throw new Error('no migrator waits for the lock yet');
      },
      { timeout: 15_000, interval: 10 },
    );
  }
  async function failure(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (caught: unknown) => caught,
    );
  }

  it('applies every migration in order and records name, checksum and duration; a second run does nothing', async () => {
    expect(await migrator().migrate()).toEqual({ applied: [1, 2], rolledBack: [], current: 2 });
    expect(await db.query(`SELECT count(*)::int AS n FROM ${prefix}_pets`)).toEqual([{ n: 2 }]);
    const rows = await db.query<{ version: string; name: string; checksum: string; duration_ms: string }>(
      `SELECT version, name, checksum, duration_ms FROM "${tableName}" ORDER BY version`,
    );
    expect(rows.map((row) => [row.version, row.name, row.checksum])).toEqual([
      ['1', 'people', checksumOf(readFileSync(join(dir, '0001_people.up.sql'), 'utf8'))],
      ['2', 'pets', checksumOf(readFileSync(join(dir, '0002_pets.up.sql'), 'utf8'))],
    ]);
    expect(rows.every((row) => Number(row.duration_ms) >= 0)).toBe(true);
    expect(await lockRows()).toEqual([]);

    expect(await migrator().migrate()).toEqual({ applied: [], rolledBack: [], current: 2 });
    expect(await recorded()).toEqual([1, 2]);
  });

  it('status shows applied and pending migrations, and creates nothing before the first migrate', async () => {
    expect(await migrator().status()).toEqual({
      current: null,
      migrations: [
        { version: 1, name: 'people', state: 'pending', checksum: expect.stringMatching(/^[0-9a-f]{64}$/) },
        { version: 2, name: 'pets', state: 'pending', checksum: expect.stringMatching(/^[0-9a-f]{64}$/) },
      ],
      lock: null,
    });
    expect(await tableExists(tableName)).toBe(false);

    await migrator().migrate({ target: 1 });
    const status = await migrator().status();
    expect(status.current).toBe(1);
    expect(status.migrations.map((entry) => [entry.version, entry.name, entry.state])).toEqual([
      [1, 'people', 'applied'],
      [2, 'pets', 'pending'],
    ]);
    expect(status.migrations[0]?.appliedAt).toBeInstanceOf(Date);
    expect(status.migrations[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(status.migrations[1]?.appliedAt).toBeUndefined();
  });

  it('an applied migration edited afterwards stops the run before anything runs', async () => {
    await migrator().migrate({ target: 1 });
    write(
      '0001_people.up.sql',
      `CREATE TABLE ${prefix}_people (id INT8 PRIMARY KEY, name TEXT, extra INT);\n`,
    );
    const error = await failure(migrator().migrate());
    expect(error).toBeInstanceOf(MigrationChecksumError);
    expect(error).toMatchObject({ version: 1, code: 'CONN_COCKROACHDB_MIGRATION_CHECKSUM' });
    expect(String(error)).toMatch(/migration 1 \(people\) was edited after it was applied/);
    expect(await tableExists(`${prefix}_pets`)).toBe(false);
    expect(await recorded()).toEqual([1]);
    expect(await lockRows()).toEqual([]);
    expect((await migrator().status()).migrations.map((entry) => entry.state)).toEqual([
      'changed',
      'pending',
    ]);
    // Rolling back is refused too: the down SQL may not match what was applied.
    await expect(migrator().rollback()).rejects.toBeInstanceOf(MigrationChecksumError);
  });

  it('line endings changed to CRLF (a Windows checkout) do not count as an edit', async () => {
    await migrator().migrate();
    const up = join(dir, '0002_pets.up.sql');
    writeFileSync(up, readFileSync(up, 'utf8').replaceAll('\n', '\r\n'));
    expect(await migrator().migrate()).toEqual({ applied: [], rolledBack: [], current: 2 });
  });

  it('rollback(1) and rollback(2) run the down SQL newest first and delete the records', async () => {
    write('0003_toys.up.sql', `CREATE TABLE ${prefix}_toys (id INT8);`);
    write('0003_toys.down.sql', `DROP TABLE ${prefix}_toys;`);
    await migrator().migrate();
    expect(await migrator().rollback(1)).toEqual({ applied: [], rolledBack: [3], current: 2 });
    expect(await tableExists(`${prefix}_toys`)).toBe(false);
    expect(await tableExists(`${prefix}_pets`)).toBe(true);
    expect(await migrator().rollback(2)).toEqual({ applied: [], rolledBack: [2, 1], current: null });
    expect(await tableExists(`${prefix}_pets`)).toBe(false);
    expect(await tableExists(`${prefix}_people`)).toBe(false);
    expect(await recorded()).toEqual([]);
    expect(await migrator().rollback()).toEqual({ applied: [], rolledBack: [], current: null });
    // Everything can be applied again.
    expect((await migrator().migrate()).applied).toEqual([1, 2, 3]);
  });

  it('migrate to a lower target goes down; to a higher one goes up to it', async () => {
    write('0003_toys.up.sql', `CREATE TABLE ${prefix}_toys (id INT8);`);
    write('0003_toys.down.sql', `DROP TABLE ${prefix}_toys;`);
    expect(await migrator().migrate({ target: 2 })).toEqual({ applied: [1, 2], rolledBack: [], current: 2 });
    expect(await tableExists(`${prefix}_toys`)).toBe(false);
    await migrator().migrate();
    expect(await migrator().migrate({ target: 1 })).toEqual({ applied: [], rolledBack: [3, 2], current: 1 });
    expect(await tableExists(`${prefix}_pets`)).toBe(false);
    expect(await tableExists(`${prefix}_people`)).toBe(true);
    expect(await migrator().migrate({ target: 0 })).toEqual({ applied: [], rolledBack: [1], current: null });
    expect(await tableExists(`${prefix}_people`)).toBe(false);
  });

  it('a failing migration stops the run: earlier ones stay, its partial DDL is rolled back, nothing is recorded', async () => {
    write(
      '0002_pets.up.sql',
      `CREATE TABLE ${prefix}_pets (id INT8 PRIMARY KEY);\nSELECT no_such_column FROM ${prefix}_people;\n`,
    );
    write('0003_toys.up.sql', `CREATE TABLE ${prefix}_toys (id INT8);`);
    const error = await failure(migrator().migrate());
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ version: 2, code: 'CONN_COCKROACHDB_MIGRATION' });
    expect((error as MigrationError).cause).toMatchObject({ sqlstate: '42703' });
    expect(String(error)).toMatch(/migration 2 \(pets\) failed: .*no_such_column/);
    expect(await tableExists(`${prefix}_people`)).toBe(true);
    expect(await tableExists(`${prefix}_pets`)).toBe(false);
    expect(await tableExists(`${prefix}_toys`)).toBe(false);
    expect(await recorded()).toEqual([1]);
    expect(await lockRows()).toEqual([]);

    // Fixed, the run continues where it stopped.
    write('0002_pets.up.sql', `CREATE TABLE ${prefix}_pets (id INT8 PRIMARY KEY);\n`);
    expect((await migrator().migrate()).applied).toEqual([2, 3]);
  });

  it('a failing down migration keeps its record and the ones before it', async () => {
    await migrator().migrate();
    write('0001_people.down.sql', 'DROP TABLE no_such_table_here;');
    const error = await failure(migrator().rollback(2));
    expect(error).toMatchObject({ version: 1 });
    expect(String(error)).toMatch(/migration 1 \(people\) failed to roll back/);
    expect(await recorded()).toEqual([1]);
    expect(await tableExists(`${prefix}_people`)).toBe(true);
  });

  it('an applied migration missing from the directory is an error unless allowMissing', async () => {
    await migrator().migrate();
    rmSync(join(dir, '0002_pets.up.sql'));
    rmSync(join(dir, '0002_pets.down.sql'));
    write('0003_toys.up.sql', `CREATE TABLE ${prefix}_toys (id INT8);`);
    write('0003_toys.down.sql', `DROP TABLE ${prefix}_toys;`);
    const error = await failure(migrator().migrate());
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ version: 2 });
    expect(String(error)).toMatch(/applied migration 2 \(pets\) is missing from the directory/);
    expect(await tableExists(`${prefix}_toys`)).toBe(false);

    expect((await migrator().status()).migrations.map((entry) => [entry.version, entry.state])).toEqual([
      [1, 'applied'],
      [2, 'missing'],
      [3, 'pending'],
    ]);
    expect(await migrator({ allowMissing: true }).migrate()).toEqual({
      applied: [3],
      rolledBack: [],
      current: 3,
    });
    // Rolling back across the missing one is impossible: nothing is rolled back.
    const rollback = await failure(migrator({ allowMissing: true }).rollback(2));
    expect(rollback).toMatchObject({ version: 2 });
    expect(String(rollback)).toMatch(/missing .*cannot be rolled back/);
    expect(await recorded()).toEqual([1, 2, 3]);
    expect(await tableExists(`${prefix}_toys`)).toBe(true);
  });

  it('rolling back a migration without down SQL is refused before anything runs', async () => {
    rmSync(join(dir, '0001_people.down.sql'));
    await migrator().migrate();
    const error = await failure(migrator().rollback(2));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ version: 1 });
    expect(String(error)).toMatch(/no down SQL \(no 0001_people\.down\.sql file\)/);
    expect(await tableExists(`${prefix}_pets`)).toBe(true);
    expect(await recorded()).toEqual([1, 2]);
    expect(await migrator().rollback(1)).toMatchObject({ rolledBack: [2] });
  });

  it('a created migration that is still empty is not applied', async () => {
    await migrator().migrate();
    const created = await Migrator.create('todo', { directory: dir });
    const error = await failure(migrator().migrate());
    expect(error).toMatchObject({ version: created.version });
    expect(String(error)).toMatch(/has no SQL yet/);
    writeFileSync(created.up, `CREATE TABLE ${prefix}_toys (id INT8);`);
    expect((await migrator().migrate()).applied).toEqual([3]);
  });

  it('an out-of-order migration is refused unless allowOutOfOrder', async () => {
    const one = { version: 1, name: 'one', up: 'SELECT 1' };
    const two = { version: 2, name: 'two', up: `CREATE TABLE ${prefix}_toys (id INT8)` };
    const three = { version: 3, name: 'three', up: 'SELECT 3' };
    const inCode = (migrations: MigratorOptions['migrations'], extra: Partial<MigratorOptions> = {}) =>
      new Migrator(db, { tableName, migrations, ...extra });
    expect((await inCode([one, three]).migrate()).applied).toEqual([1, 3]);
    const error = await failure(inCode([one, two, three]).migrate());
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ version: 2 });
    expect(String(error)).toMatch(/older than the latest applied migration \(3\)/);
    expect(await tableExists(`${prefix}_toys`)).toBe(false);
    expect((await inCode([one, two, three], { allowOutOfOrder: true }).migrate()).applied).toEqual([2]);
    expect(await recorded()).toEqual([1, 2, 3]);
  });

  it('migrations given in code work like files', async () => {
    const inCode = new Migrator(db, {
      tableName,
      migrations: [
        {
          version: 1,
          name: 'people',
          up: `CREATE TABLE ${prefix}_people (id INT8);\nINSERT INTO ${prefix}_people VALUES (1);`,
          down: `DROP TABLE ${prefix}_people`,
        },
      ],
    });
    expect(await inCode.migrate()).toEqual({ applied: [1], rolledBack: [], current: 1 });
    expect(await db.query(`SELECT id::int AS id FROM ${prefix}_people`)).toEqual([{ id: 1 }]);
    expect(await inCode.rollback()).toEqual({ applied: [], rolledBack: [1], current: null });
    expect(await tableExists(`${prefix}_people`)).toBe(false);
  });

  it('-- conn:no-transaction runs a migration outside a transaction (CREATE INDEX CONCURRENTLY)', async () => {
    write(
      '0003_toys.up.sql',
      `-- conn:no-transaction\nCREATE INDEX CONCURRENTLY ${prefix}_toys ON ${prefix}_people (name);\n`,
    );
    write('0003_toys.down.sql', `-- conn:no-transaction\nDROP INDEX CONCURRENTLY ${prefix}_toys;\n`);
    expect((await migrator().migrate()).applied).toEqual([1, 2, 3]);
    expect(await tableExists(`${prefix}_toys`)).toBe(true);
    expect((await migrator().rollback()).rolledBack).toEqual([3]);
    expect(await tableExists(`${prefix}_toys`)).toBe(false);
  });

  it('two migrators at once: exactly one migrates, the other gets MigrationLockError', async () => {
    // The winner waits at the gate inside its first migration, so the loser surely finds the lock taken.
    const gate = await closedGate();
    write('0001_people.up.sql', `${gate.sql}CREATE TABLE ${prefix}_people (id INT8);\n`);
    await using other = openDatabase();
    const runs = [migrator().migrate(), migrator({}, other).migrate()];
    const firstSettled = await Promise.race(
      runs.map((run) =>
        run.then(
          () => 'fulfilled',
          () => 'rejected',
        ),
      ),
    );
    expect(firstSettled).toBe('rejected');
    await gate.open();
    const results = await Promise.allSettled(runs);
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    const rejected = results.filter((result) => result.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(fulfilled[0]?.value).toEqual({ applied: [1, 2], rolledBack: [], current: 2 });
    expect(rejected).toHaveLength(1);
    const error = rejected[0]?.reason as MigrationLockError;
    expect(error).toBeInstanceOf(MigrationLockError);
    expect(error.holder).toMatch(/^.+:\d+:[0-9a-f]+$/);
    expect(error.retryable).toBe(true);
    expect(await recorded()).toEqual([1, 2]);
    expect(await lockRows()).toEqual([]);
  });

  it('with lockWaitMs the second migrator waits for the first, then finds nothing to do', async () => {
    const gate = await closedGate();
    write('0001_people.up.sql', `${gate.sql}CREATE TABLE ${prefix}_people (id INT8);\n`);
    await using other = openDatabase();
    const spies = [vi.spyOn(db, 'execute'), vi.spyOn(other, 'execute')];
    const runs = Promise.all([
      migrator({ lockWaitMs: 20_000 }).migrate(),
      migrator({ lockWaitMs: 20_000 }, other).migrate(),
    ]);
    // One holds the lock and sits in its first migration; the other is seen waiting for the lock.
    await gate.reached();
    await lockWaitSeen(...spies);
    await gate.open();
    const [first, second] = await runs;
    expect([first.applied, second.applied].sort()).toEqual([[], [1, 2]]);
    expect(first.current).toBe(2);
    expect(second.current).toBe(2);
  });

  it('an expired lock left by a crashed migrator is taken over', async () => {
    await migrator().migrate({ target: 0 }); // creates the tables
    await db.execute(
      `INSERT INTO "${tableName}_lock" (id, holder, expires_at) VALUES (1, 'crashed:1:dead', now() - INTERVAL '1 minute')`,
    );
    expect((await migrator().status()).lock).toMatchObject({ holder: 'crashed:1:dead', expired: true });
    expect((await migrator().migrate()).applied).toEqual([1, 2]);
    expect(await lockRows()).toEqual([]);
  });

  it('a live lock is reported with its holder, at once or after lockWaitMs, and never removed', async () => {
    await migrator().migrate({ target: 0 });
    await db.execute(
      `INSERT INTO "${tableName}_lock" (id, holder, expires_at) VALUES (1, 'other:2:beef', now() + INTERVAL '1 hour')`,
    );
    const error = await failure(migrator().migrate());
    expect(error).toBeInstanceOf(MigrationLockError);
    expect(error).toMatchObject({ holder: 'other:2:beef', code: 'CONN_COCKROACHDB_MIGRATION_LOCKED' });
    expect((await migrator().status()).lock).toEqual({
      holder: 'other:2:beef',
      acquiredAt: expect.any(Date),
      expiresAt: expect.any(Date),
      expired: false,
    });
    expect(String(error)).toMatch(/another migrator holds the migration lock \(other:2:beef, until /);

    const started = performance.now();
    const waited = await failure(migrator({ lockWaitMs: 500 }).rollback());
    expect(waited).toBeInstanceOf(MigrationLockError);
    expect(String(waited)).toMatch(/after waiting 500 ms/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    expect(await lockRows()).toEqual([{ holder: 'other:2:beef' }]);
    expect(await recorded()).toEqual([]);
  });

  it('waiting for the lock respects the signal and timeoutMs', async () => {
    await migrator().migrate({ target: 0 });
    await db.execute(
      `INSERT INTO "${tableName}_lock" (id, holder, expires_at) VALUES (1, 'other:2:beef', now() + INTERVAL '1 hour')`,
    );
    const timedOut = await failure(migrator({ lockWaitMs: 60_000 }).migrate({ timeoutMs: 300 }));
    expect(timedOut).toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const spy = vi.spyOn(db, 'execute');
    const aborting = failure(migrator({ lockWaitMs: 60_000 }).migrate({ signal: controller.signal }));
    await lockWaitSeen(spy);
    controller.abort(new Error('deploy cancelled'));
    expect(await aborting).toMatchObject({ code: 'CONN_ABORTED' });
    expect(await lockRows()).toEqual([{ holder: 'other:2:beef' }]);
  });

  it('a long migration keeps its lock alive past lockTtlMs', async () => {
    const gate = await closedGate();
    write('0001_people.up.sql', `${gate.sql}CREATE TABLE ${prefix}_people (id INT8);\n`);
    const running = migrator({ lockTtlMs: 300 }).migrate();
    await gate.reached();
    // On the server's clock, twice the TTL since the lock was taken: without the heartbeat it would have expired.
    await waitUntil(
      async () =>
        (
          await db.queryOne<{ past: boolean }>(
            `SELECT now() > acquired_at + INTERVAL '600 milliseconds' AS past FROM "${tableName}_lock"`,
          )
        )?.past === true,
    );
    expect((await migrator().status()).lock).toMatchObject({ expired: false });
    const error = await failure(migrator({ lockTtlMs: 300 }).migrate());
    expect(error).toBeInstanceOf(MigrationLockError);
    await gate.open();
    expect((await running).applied).toEqual([1, 2]);
    expect(await lockRows()).toEqual([]);
  });

  it('a migrator whose lock was taken over stops after the current migration', async () => {
    await migrator().migrate({ target: 0 });
    const gate = await closedGate();
    write('0001_people.up.sql', `${gate.sql}CREATE TABLE ${prefix}_people (id INT8);\n`);
    const running = failure(migrator().migrate());
    await gate.reached(); // migration 1 is under way
    // Someone removed the lock by hand and another migrator took it.
    await db.execute(`DELETE FROM "${tableName}_lock"`);
    await db.execute(
      `INSERT INTO "${tableName}_lock" (id, holder, expires_at) VALUES (1, 'thief:3:cafe', now() + INTERVAL '1 hour')`,
    );
    await gate.open();
    const error = await running;
    expect(error).toBeInstanceOf(MigrationLockError);
    expect(error).toMatchObject({ holder: 'thief:3:cafe', version: 1 });
    expect(String(error)).toMatch(/lost the migration lock/);
    expect(await recorded()).toEqual([1]);
    expect(await lockRows()).toEqual([{ holder: 'thief:3:cafe' }]);
  });

  it('timeoutMs cancels a slow migration: it is rolled back, not recorded, and the lock is released', async () => {
    // The gate stays closed: the migration would wait for it forever.
    const gate = await closedGate();
    write('0002_pets.up.sql', `CREATE TABLE ${prefix}_pets (id INT8);\n${gate.sql}`);
    const started = performance.now();
    const error = await failure(migrator().migrate({ timeoutMs: 500 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await recorded()).toEqual([1]);
    expect(await tableExists(`${prefix}_pets`)).toBe(false);
    expect(await lockRows()).toEqual([]);
  });
});
