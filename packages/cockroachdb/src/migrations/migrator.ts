import { type CallOptions, ConfigError } from '@conn/core';
import type { CockroachDB } from '../client.js';
import { quoteIdentifier } from '../identifiers.js';
import { MigrationChecksumError, MigrationError } from './migration-errors.js';
import {
  createMigrationFiles,
  loadMigrations,
  type MigrationFile,
  type MigrationSource,
  migrationsFromList,
} from './migration-files.js';
import { MigrationLock } from './migration-lock.js';

/** Options of {@link Migrator}: a `directory` of SQL files, or `migrations` given in code. */
export interface MigratorOptions {
  /** Directory of `<version>_<name>.up.sql` / `.down.sql` files. */
  readonly directory?: string | undefined;
  /** Migrations given in code (instead of a directory). */
  readonly migrations?: readonly MigrationSource[] | undefined;
  /** Bookkeeping table. Default `conn_migrations` (the lock lives in `<tableName>_lock`). */
  readonly tableName?: string | undefined;
  /** How long to wait for another deployer's lock, in ms. Default 0: fail at once. */
  readonly lockWaitMs?: number | undefined;
  /** A lock older than this is considered abandoned, in ms. Default 900_000 (15 min). */
  readonly lockTtlMs?: number | undefined;
  /** Apply migrations numbered below the latest applied one. Default false (an error). */
  readonly allowOutOfOrder?: boolean | undefined;
  /** Tolerate applied migrations whose files are gone. Default false (an error). */
  readonly allowMissing?: boolean | undefined;
}

/** One line of {@link Migrator.status}. */
export interface MigrationStatusEntry {
  readonly version: number;
  readonly name: string;
  /** `changed`: applied, but its file differs now; `missing`: applied, file gone. */
  readonly state: 'applied' | 'pending' | 'missing' | 'changed';
  readonly appliedAt: Date | undefined;
  readonly checksum: string;
}

/** What {@link Migrator.status} returns. */
export interface MigrationStatus {
  readonly current: number | null;
  readonly migrations: readonly MigrationStatusEntry[];
}

/** What `migrate` and `rollback` did. */
export interface MigrationResult {
  readonly applied: readonly number[];
  readonly rolledBack: readonly number[];
  readonly current: number | null;
}

interface AppliedRow {
  version: string;
  name: string;
  checksum: string;
  applied_at: Date;
}

/**
 * Versioned SQL migrations with checksums and a lock: an edited applied migration is an error, and
 * two deployers never migrate at once. On CockroachDB each migration's SQL runs outside an explicit
 * transaction (schema changes in multi-statement transactions are unsafe there), followed by its
 * bookkeeping row; on PostgreSQL both run in one transaction.
 */
export class Migrator {
  private readonly table: string;
  private readonly lock: MigrationLock;

  constructor(
    private readonly db: CockroachDB,
    private readonly options: MigratorOptions,
  ) {
    if ((options.directory === undefined) === (options.migrations === undefined)) {
      throw new ConfigError('give the Migrator either a directory or a list of migrations', {
        field: 'directory',
      });
    }
    const tableName = options.tableName ?? 'conn_migrations';
    this.table = quoteIdentifier(tableName, 'tableName');
    this.lock = new MigrationLock(
      db,
      quoteIdentifier(`${tableName}_lock`, 'tableName'),
      options.lockTtlMs ?? 900_000,
    );
  }

  /** Writes the next-numbered empty up/down files into the migrations directory. */
  async create(name: string): Promise<{ up: string; down: string; version: number }> {
    if (this.options.directory === undefined)
      throw new ConfigError('create() needs a directory', { field: 'directory' });
    return createMigrationFiles(this.options.directory, name);
  }

  /** Applied and pending migrations, and changed or missing ones. Takes no lock. */
  async status(options: CallOptions = {}): Promise<MigrationStatus> {
    await this.prepare(options);
    const files = await this.files();
    const applied = await this.applied(options);
    const byVersion = new Map(files.map((file) => [file.version, file]));
    const entries: MigrationStatusEntry[] = [];
    for (const row of applied.values()) {
      const file = byVersion.get(Number(row.version));
      const state = file === undefined ? 'missing' : file.checksum === row.checksum ? 'applied' : 'changed';
      entries.push({
        version: Number(row.version),
        name: row.name,
        state,
        appliedAt: row.applied_at,
        checksum: row.checksum,
      });
    }
    for (const file of files) {
      if (!applied.has(file.version)) {
        entries.push({
          version: file.version,
          name: file.name,
          state: 'pending',
          appliedAt: undefined,
          checksum: file.checksum,
        });
      }
    }
    entries.sort((a, b) => a.version - b.version);
    return { current: maxVersion(applied), migrations: entries };
  }

  /** Migrates up (or down) to `target`, default the latest file. */
  async migrate(options: CallOptions & { target?: number | undefined } = {}): Promise<MigrationResult> {
    return this.locked(options, async (files, applied) => {
      const current = maxVersion(applied);
      const target = options.target ?? files.at(-1)?.version ?? current ?? 0;
      if (!Number.isSafeInteger(target) || target < 0)
        throw new ConfigError('target must be a non-negative integer', { field: 'target' });
      if (current !== null && target < current) {
        const versions = [...applied.keys()].filter((version) => version > target).sort((a, b) => b - a);
        return this.down(versions, files, applied, options);
      }
      const pending = files.filter((file) => file.version <= target && !applied.has(file.version));
      const late = pending.filter((file) => current !== null && file.version < current);
      if (late.length > 0 && this.options.allowOutOfOrder !== true) {
        throw new MigrationError(
          `migration ${late.map((file) => file.version).join(', ')} is older than the latest applied (${current}) but was never applied; pass allowOutOfOrder to apply it`,
          { version: late[0]?.version },
        );
      }
      const done: number[] = [];
      for (const file of pending) {
        await this.step(file, 'up', options);
        done.push(file.version);
        applied.set(file.version, {
          version: String(file.version),
          name: file.name,
          checksum: file.checksum,
          applied_at: new Date(),
        });
      }
      return { applied: done, rolledBack: [], current: maxVersion(applied) };
    });
  }

  /** Rolls back the last `count` applied migrations (default 1), newest first. */
  async rollback(count = 1, options: CallOptions = {}): Promise<MigrationResult> {
    if (!Number.isSafeInteger(count) || count < 1)
      throw new ConfigError('count must be a positive integer', { field: 'count' });
    return this.locked(options, async (files, applied) => {
      const versions = [...applied.keys()].sort((a, b) => b - a).slice(0, count);
      return this.down(versions, files, applied, options);
    });
  }

  private async down(
    versions: readonly number[],
    files: readonly MigrationFile[],
    applied: Map<number, AppliedRow>,
    options: CallOptions,
  ): Promise<MigrationResult> {
    const byVersion = new Map(files.map((file) => [file.version, file]));
    for (const version of versions) {
      if (byVersion.get(version)?.down === undefined) {
        throw new MigrationError(`migration ${version} has no down SQL; nothing was rolled back`, {
          version,
        });
      }
    }
    const done: number[] = [];
    for (const version of versions) {
      await this.step(byVersion.get(version) as MigrationFile, 'down', options);
      applied.delete(version);
      done.push(version);
    }
    return { applied: [], rolledBack: done, current: maxVersion(applied) };
  }

  /** Runs one migration's SQL and its bookkeeping, as one transaction where the server allows. */
  private async step(file: MigrationFile, direction: 'up' | 'down', options: CallOptions): Promise<void> {
    const sql = direction === 'up' ? file.up : (file.down as string);
    const started = performance.now();
    const bookkeeping = (): { text: string; values: unknown[] } =>
      direction === 'up'
        ? {
            text: `INSERT INTO ${this.table} (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)`,
            values: [file.version, file.name, file.checksum, Math.round(performance.now() - started)],
          }
        : { text: `DELETE FROM ${this.table} WHERE version = $1`, values: [file.version] };
    try {
      await this.db.connect(options);
      if (this.db.server?.kind === 'cockroachdb') {
        await this.db.execute(sql, [], options);
        const { text, values } = bookkeeping();
        await this.db.execute(text, values, options);
      } else {
        await this.db.runInTransaction(async (tx) => {
          await tx.execute(sql);
          const { text, values } = bookkeeping();
          await tx.execute(text, values);
        }, options);
      }
    } catch (error) {
      throw new MigrationError(
        `migration ${file.version} (${file.name}) failed ${direction === 'up' ? 'to apply' : 'to roll back'}: ${(error as Error).message}`,
        { version: file.version, cause: error },
      );
    }
    await this.lock.refresh(options);
  }

  private async locked(
    options: CallOptions,
    work: (files: MigrationFile[], applied: Map<number, AppliedRow>) => Promise<MigrationResult>,
  ): Promise<MigrationResult> {
    await this.prepare(options);
    const files = await this.files();
    await this.lock.acquire(this.options.lockWaitMs ?? 0, options);
    try {
      const applied = await this.applied(options);
      this.verify(files, applied);
      return await work(files, applied);
    } finally {
      await this.lock.release();
    }
  }

  /** Refuses to run anything when an applied migration was edited or (unless allowed) removed. */
  private verify(files: readonly MigrationFile[], applied: ReadonlyMap<number, AppliedRow>): void {
    const byVersion = new Map(files.map((file) => [file.version, file]));
    for (const [version, row] of applied) {
      const file = byVersion.get(version);
      if (file === undefined) {
        if (this.options.allowMissing === true) continue;
        throw new MigrationError(
          `applied migration ${version} (${row.name}) is missing from the migrations`,
          { version },
        );
      }
      if (file.checksum !== row.checksum) {
        throw new MigrationChecksumError(
          `migration ${version} (${row.name}) was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… is now ${file.checksum.slice(0, 12)}…); add a new migration instead`,
          { version },
        );
      }
    }
  }

  private async prepare(options: CallOptions): Promise<void> {
    await createTableRacing(() =>
      this.db.execute(
        `CREATE TABLE IF NOT EXISTS ${this.table} (version INT8 PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, ` +
          'applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), duration_ms INT8 NOT NULL)',
        [],
        options,
      ),
    );
    await createTableRacing(() => this.lock.prepare(options));
  }

  private files(): Promise<MigrationFile[]> {
    if (this.options.migrations !== undefined)
      return Promise.resolve(migrationsFromList(this.options.migrations));
    return loadMigrations(this.options.directory as string);
  }

  private async applied(options: CallOptions): Promise<Map<number, AppliedRow>> {
    const rows = await this.db.query<AppliedRow>(
      `SELECT version, name, checksum, applied_at FROM ${this.table} ORDER BY version`,
      [],
      options,
    );
    return new Map(rows.map((row) => [Number(row.version), row]));
  }
}

/**
 * PostgreSQL's `CREATE TABLE IF NOT EXISTS` is not safe against a concurrent twin: the loser may
 * get 23505 (pg_type), 42710 (type exists) or 42P07. Either way the table now exists.
 */
async function createTableRacing(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    const sqlstate = (error as { sqlstate?: string }).sqlstate;
    if (sqlstate !== '23505' && sqlstate !== '42710' && sqlstate !== '42P07') throw error;
  }
}

function maxVersion(applied: ReadonlyMap<number, unknown>): number | null {
  let max: number | null = null;
  for (const version of applied.keys()) if (max === null || version > max) max = version;
  return max;
}
