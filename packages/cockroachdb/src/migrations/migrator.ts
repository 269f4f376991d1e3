import {
  abortReason,
  type CallOptions,
  ConfigError,
  createDeadline,
  durationOption,
  integerOption,
} from '@conn/core';
import type { CockroachDBClient } from '../client.js';
import type { ServerKind } from '../connection.js';
import { SqlError } from '../errors.js';
import { quoteIdentifier } from '../identifiers.js';
import { controlsTransaction } from '../sql/transaction-control.js';
import type { SqlExecutor } from '../sql-executor.js';
import { MigrationChecksumError, MigrationError } from './migration-errors.js';
import {
  type CreatedMigration,
  checkMigrations,
  createMigrationFiles,
  isBlankSql,
  loadMigrations,
  type MigrationFile,
  type MigrationSource,
  wantsNoTransaction,
} from './migration-files.js';
import { type HeldMigrationLock, MigrationLock, type MigrationLockInfo } from './migration-lock.js';

/** Options of {@link Migrator}: a `directory` of SQL files, or `migrations` given in code. */
export interface MigratorOptions {
  /** Directory of `<version>_<name>.up.sql` / `<version>_<name>.down.sql` files, read at each call. */
  readonly directory?: string | undefined;
  /** Migrations given in code, instead of a directory. */
  readonly migrations?: readonly MigrationSource[] | undefined;
  /** Bookkeeping table. Default `conn_migrations`; the lock lives in `<tableName>_lock`. */
  readonly tableName?: string | undefined;
  /**
   * How long to wait for another migrator's lock, in ms. Default 0: fail at once with
   * `MigrationLockError`.
   */
  readonly lockWaitMs?: number | undefined;
  /**
   * How long the lock stays valid without being extended, in ms. The holder extends it after every
   * migration and every third of this time; a crashed holder's lock is taken over once it expired.
   * Default 900,000 (15 min).
   */
  readonly lockTtlMs?: number | undefined;
  /** Apply a migration numbered below the latest applied one that was never applied. Default false: `MigrationError`. */
  readonly allowOutOfOrder?: boolean | undefined;
  /** Tolerate applied migrations that no longer exist in the directory/list. Default false: `MigrationError`. */
  readonly allowMissing?: boolean | undefined;
}

/** Options of {@link Migrator.migrate}. */
export interface MigrateOptions extends CallOptions {
  /**
   * The version to end at. Default: the latest. Lower than the current version rolls back every
   * applied migration above it (newest first); 0 rolls back everything.
   */
  readonly target?: number | undefined;
}

/** One migration as {@link Migrator.status} sees it. */
export interface MigrationStatusEntry {
  readonly version: number;
  readonly name: string;
  /**
   * `applied`; `pending` (not applied yet); `changed` (applied, but its up SQL differs now);
   * `missing` (applied, but no longer among the migrations).
   */
  readonly state: 'applied' | 'pending' | 'missing' | 'changed';
  /** When it was applied (not for `pending`). */
  readonly appliedAt?: Date;
  /** How long applying it took, in ms (not for `pending`). */
  readonly durationMs?: number;
  /** The checksum recorded when it was applied; for `pending`, the checksum of its up SQL. */
  readonly checksum: string;
}

/** What {@link Migrator.status} returns. */
export interface MigrationStatus {
  /** The highest applied version, `null` when none is. */
  readonly current: number | null;
  /** Every applied and every known migration, sorted by version. */
  readonly migrations: readonly MigrationStatusEntry[];
  /** Who holds the migration lock right now, `null` when nobody does. */
  readonly lock: MigrationLockInfo | null;
}

/** What `migrate` and `rollback` did. */
export interface MigrationResult {
  /** Versions applied, in the order they ran. */
  readonly applied: readonly number[];
  /** Versions rolled back, in the order they ran (newest first). */
  readonly rolledBack: readonly number[];
  /** The highest applied version afterwards, `null` when none is. */
  readonly current: number | null;
}

interface AppliedRow {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
  readonly appliedAt: Date;
  readonly durationMs: number;
}

interface LockedRun {
  readonly files: readonly MigrationFile[];
  readonly applied: Map<number, AppliedRow>;
  readonly lock: HeldMigrationLock;
  readonly signal: AbortSignal;
}

/** How long the bookkeeping after a non-transactional migration may take (it ignores the caller's signal). */
const BOOKKEEPING_TIMEOUT_MS = 30_000;
const DEFAULT_TABLE = 'conn_migrations';
const DEFAULT_LOCK_TTL_MS = 15 * 60_000;

/**
 * Versioned SQL migrations with checksums and a lock.
 *
 * - Migrations come from a directory (`0001_create_users.up.sql`, optional `0001_create_users.down.sql`)
 *   or from code. Each applied one is recorded in `conn_migrations` with the SHA-256 of its up SQL;
 *   a migration edited after it was applied stops every run with `MigrationChecksumError`.
 * - A lock row in `conn_migrations_lock` (advisory locks are no-ops on CockroachDB) makes sure only
 *   one migrator runs at a time; the other fails with `MigrationLockError` or waits (`lockWaitMs`).
 * - On PostgreSQL each migration runs in a transaction together with its bookkeeping, so a failing
 *   one leaves nothing behind. On CockroachDB, where schema changes inside explicit transactions are
 *   not safe, each migration's SQL is sent as one implicit transaction, then recorded.
 *
 * @example
 * const migrator = new Migrator(db, { directory: 'migrations' });
 * const { applied } = await migrator.migrate();
 */
export class Migrator {
  private readonly table: string;
  private readonly lock: MigrationLock;
  private readonly lockWaitMs: number;
  private readonly inCode: readonly MigrationFile[] | undefined;

  constructor(
    private readonly db: CockroachDBClient,
    private readonly options: MigratorOptions,
  ) {
    if (typeof db?.execute !== 'function' || typeof db.runInTransaction !== 'function') {
      throw new ConfigError('Migrator needs a CockroachDB client', { field: 'db' });
    }
    if (typeof options !== 'object' || options === null) {
      throw new ConfigError('Migrator needs options: { directory } or { migrations }', { field: 'options' });
    }
    if ((options.directory === undefined) === (options.migrations === undefined)) {
      throw new ConfigError('give the Migrator either a directory or a list of migrations (not both)', {
        field: 'directory',
      });
    }
    if (
      options.directory !== undefined &&
      (typeof options.directory !== 'string' || options.directory === '')
    ) {
      throw new ConfigError('directory must be a non-empty path', { field: 'directory' });
    }
    this.inCode = options.migrations === undefined ? undefined : checkMigrations(options.migrations);
    const tableName = options.tableName ?? DEFAULT_TABLE;
    this.table = quoteIdentifier(tableName, 'tableName');
    const lockTable = quoteIdentifier(`${tableName}_lock`, 'tableName');
    this.lockWaitMs = durationOption(options.lockWaitMs, 'lockWaitMs', 0);
    const lockTtlMs = integerOption(options.lockTtlMs, 'lockTtlMs', DEFAULT_LOCK_TTL_MS, 1);
    this.lock = new MigrationLock(db, lockTable, lockTtlMs);
  }

  /**
   * Writes the next-numbered pair of empty migration files into `directory` (created if needed):
   * `<NNNN>_<name>.up.sql` and `.down.sql`, version = highest existing + 1, zero-padded to 4 digits.
   * The name is lower-cased with spaces turned into `_`; other characters outside `[a-z0-9_-]` are
   * refused with `ConfigError`. Returns the version and both paths.
   */
  static create(
    name: string,
    options: { readonly directory: string } & CallOptions,
  ): Promise<CreatedMigration> {
    if (typeof options?.directory !== 'string' || options.directory === '') {
      return Promise.reject(new ConfigError('create() needs a directory', { field: 'directory' }));
    }
    return createMigrationFiles(options.directory, name, options);
  }

  /**
   * Every applied and every known migration with its state, and the current version. Takes no lock
   * and creates nothing: an edited (`changed`) or `missing` migration is reported, not thrown.
   */
  async status(options: CallOptions = {}): Promise<MigrationStatus> {
    const files = await this.files();
    return this.withDeadline(options, async (signal) => {
      const applied = await this.readApplied(signal, true);
      const byVersion = new Map(files.map((file) => [file.version, file]));
      const entries: MigrationStatusEntry[] = [];
      for (const row of applied.values()) {
        const file = byVersion.get(row.version);
        let state: MigrationStatusEntry['state'] = 'applied';
        if (file === undefined) state = 'missing';
        else if (file.checksum !== row.checksum) state = 'changed';
        entries.push({
          version: row.version,
          name: row.name,
          state,
          appliedAt: row.appliedAt,
          durationMs: row.durationMs,
          checksum: row.checksum,
        });
      }
      for (const file of files) {
        if (!applied.has(file.version)) {
          entries.push({ version: file.version, name: file.name, state: 'pending', checksum: file.checksum });
        }
      }
      entries.sort((a, b) => a.version - b.version);
      return { current: maxVersion(applied), migrations: entries, lock: await this.lock.current(signal) };
    });
  }

  /**
   * Applies the pending migrations up to `target` (default: all), in version order; or, when
   * `target` is below the current version, rolls back the applied ones above it, newest first.
   * Checks every applied migration's checksum first: nothing runs when one was edited.
   * @throws MigrationChecksumError when an applied migration's up SQL changed.
   * @throws MigrationError when a migration fails (`version`, `cause`), an applied one is missing, one
   * is out of order, or a rollback lacks down SQL.
   * @throws MigrationLockError when another migrator holds the lock (after `lockWaitMs`).
   */
  async migrate(options: MigrateOptions = {}): Promise<MigrationResult> {
    const { target } = options;
    if (target !== undefined) integerOption(target, 'target', 0, 0);
    return this.locked(options, async (run) => {
      const current = maxVersion(run.applied);
      const to = target ?? run.files.at(-1)?.version ?? current ?? 0;
      if (current !== null && to < current) {
        const versions = [...run.applied.keys()].filter((version) => version > to).sort((a, b) => b - a);
        return this.down(run, versions);
      }
      return this.up(run, to, current);
    });
  }

  /**
   * Rolls back the last `count` applied migrations (default 1), newest first: runs each one's down
   * SQL and deletes its record. Every one of them must have down SQL, or nothing runs.
   */
  async rollback(count = 1, options: CallOptions = {}): Promise<MigrationResult> {
    integerOption(count, 'count', 1, 1);
    return this.locked(options, (run) => {
      const versions = [...run.applied.keys()].sort((a, b) => b - a).slice(0, count);
      return this.down(run, versions);
    });
  }

  private async up(run: LockedRun, target: number, current: number | null): Promise<MigrationResult> {
    const pending = run.files.filter((file) => file.version <= target && !run.applied.has(file.version));
    const late = pending.filter((file) => current !== null && file.version < current);
    if (late.length > 0 && this.options.allowOutOfOrder !== true) {
      const versions = late.map((file) => file.version).join(', ');
      throw new MigrationError(
        `migration ${versions} is older than the latest applied migration (${current}) but was never applied; ` +
          'renumber it, or pass allowOutOfOrder: true to apply it anyway. Nothing was run',
        { version: late[0]?.version },
      );
    }
    for (const file of pending) {
      if (isBlankSql(file.up)) {
        throw new MigrationError(
          `migration ${file.version} (${file.name}) has no SQL yet (only comments); nothing was run`,
          { version: file.version },
        );
      }
    }
    await this.refuseTransactionControl(pending, 'up', run.signal);
    const applied: number[] = [];
    for (const file of pending) {
      run.lock.check(applied.at(-1));
      const durationMs = await this.step(file, 'up', run.signal);
      applied.push(file.version);
      run.applied.set(file.version, {
        version: file.version,
        name: file.name,
        checksum: file.checksum,
        appliedAt: new Date(),
        durationMs,
      });
      await run.lock.refresh(run.signal, file.version);
    }
    return { applied, rolledBack: [], current: maxVersion(run.applied) };
  }

  private async down(run: LockedRun, versions: readonly number[]): Promise<MigrationResult> {
    const byVersion = new Map(run.files.map((file) => [file.version, file]));
    const steps: MigrationFile[] = [];
    for (const version of versions) {
      const file = byVersion.get(version);
      const name = run.applied.get(version)?.name ?? file?.name;
      if (file === undefined) {
        throw new MigrationError(
          `applied migration ${version} (${name}) is missing from ${this.source()}, so it cannot be rolled back; nothing was rolled back`,
          { version },
        );
      }
      if (file.down === undefined) {
        throw new MigrationError(
          `migration ${version} (${name}) has no down SQL${this.options.directory === undefined ? '' : ` (no ${String(version).padStart(4, '0')}_${file.name}.down.sql file)`}, ` +
            'so it cannot be rolled back; nothing was rolled back',
          { version },
        );
      }
      if (isBlankSql(file.down)) {
        throw new MigrationError(
          `migration ${version} (${name}) has empty down SQL (only comments); write it (SELECT 1 for a no-op). ` +
            'Nothing was rolled back',
          { version },
        );
      }
      steps.push(file);
    }
    await this.refuseTransactionControl(steps, 'down', run.signal);
    const rolledBack: number[] = [];
    for (const file of steps) {
      run.lock.check(rolledBack.at(-1));
      await this.step(file, 'down', run.signal);
      run.applied.delete(file.version);
      rolledBack.push(file.version);
      await run.lock.refresh(run.signal, file.version);
    }
    return { applied: [], rolledBack, current: maxVersion(run.applied) };
  }

  /**
   * Runs one migration's up or down SQL and its bookkeeping: in one transaction on PostgreSQL, or as
   * one implicit transaction followed by the bookkeeping on CockroachDB (and for migrations that opt
   * out of transactions). Returns how long the SQL took.
   */
  private async step(file: MigrationFile, direction: 'up' | 'down', signal: AbortSignal): Promise<number> {
    const sql = direction === 'up' ? file.up : (file.down as string);
    const transactional = this.runsInTransaction(file, sql, await this.serverKind(signal));
    const started = performance.now();
    const record = async (executor: SqlExecutor, options: CallOptions): Promise<number> => {
      const durationMs = Math.round(performance.now() - started);
      if (direction === 'up') {
        await executor.execute(
          `INSERT INTO ${this.table} (version, name, checksum, applied_at, duration_ms) VALUES ($1, $2, $3, now(), $4)`,
          [file.version, file.name, file.checksum, durationMs],
          options,
        );
      } else {
        await executor.execute(`DELETE FROM ${this.table} WHERE version = $1`, [file.version], options);
      }
      return durationMs;
    };
    if (transactional) {
      try {
        return await this.db.runInTransaction(
          async (tx) => {
            await tx.execute(sql);
            return record(tx, {});
          },
          { signal },
        );
      } catch (error) {
        throw this.failure(
          file,
          direction,
          error,
          signal,
          'its transaction was rolled back, nothing of it was kept',
        );
      }
    }
    try {
      // No parameters: pg sends it with the simple protocol, so the file may hold several
      // statements; CockroachDB runs them as one implicit transaction.
      await this.db.execute(sql, [], { signal });
    } catch (error) {
      throw this.failure(
        file,
        direction,
        error,
        signal,
        'it ran outside an explicit transaction: check whether any of it took effect',
      );
    }
    try {
      // The SQL ran: record it even if the caller gives up now, or the record would be wrong.
      return await record(this.db, { timeoutMs: BOOKKEEPING_TIMEOUT_MS });
    } catch (error) {
      const what = direction === 'up' ? 'applied' : 'rolled back';
      const fix =
        direction === 'up'
          ? `insert its row into ${this.table} by hand (checksum ${file.checksum})`
          : `delete its row from ${this.table} by hand`;
      throw new MigrationError(
        `migration ${file.version} (${file.name}) was ${what}, but recording that failed: ${(error as Error).message}; ${fix}`,
        { version: file.version, cause: error },
      );
    }
  }

  /** Whether the migrator wraps this SQL in a transaction of its own (PostgreSQL, not opted out). */
  private runsInTransaction(file: MigrationFile, sql: string, kind: ServerKind): boolean {
    return kind === 'postgresql' && file.transaction && !wantsNoTransaction(sql);
  }

  /**
   * Refuses, before any of them runs, SQL that would run inside the migrator's transaction but
   * begins or ends one itself: its COMMIT would keep half a migration that is then reported as
   * rolled back, its ROLLBACK would undo a migration that is then recorded as applied.
   */
  private async refuseTransactionControl(
    files: readonly MigrationFile[],
    direction: 'up' | 'down',
    signal: AbortSignal,
  ): Promise<void> {
    if (files.length === 0) return;
    const kind = await this.serverKind(signal);
    for (const file of files) {
      const sql = direction === 'up' ? file.up : (file.down as string);
      if (!this.runsInTransaction(file, sql, kind) || !controlsTransaction(sql)) continue;
      throw new MigrationError(
        `migration ${file.version} (${file.name}) ${direction} SQL begins or ends a transaction ` +
          '(BEGIN, COMMIT, ROLLBACK, …), but the migrator already runs it in a transaction of its own; remove those ' +
          'statements, or start the file with -- conn:no-transaction to run it as written. Nothing was run',
        { version: file.version },
      );
    }
  }

  /** The error for a failed step: the abort reason when the caller gave up, else a `MigrationError`. */
  private failure(
    file: MigrationFile,
    direction: 'up' | 'down',
    error: unknown,
    signal: AbortSignal,
    aftermath: string,
  ): Error {
    if (signal.aborted) return abortReason(signal, 'migration');
    const what = direction === 'up' ? 'failed' : 'failed to roll back';
    return new MigrationError(
      `migration ${file.version} (${file.name}) ${what}: ${(error as Error).message} (${aftermath})`,
      { version: file.version, cause: error },
    );
  }

  /** Creates the tables, takes the lock, reads and checks what was applied, runs `work`, releases the lock. */
  private async locked(
    options: CallOptions,
    work: (run: LockedRun) => Promise<MigrationResult>,
  ): Promise<MigrationResult> {
    const files = await this.files();
    return this.withDeadline(options, async (signal) => {
      await this.prepare(signal);
      const lock = await this.lock.acquire(this.lockWaitMs, signal);
      let result: MigrationResult;
      try {
        const applied = await this.readApplied(signal, false);
        this.verify(files, applied);
        result = await work({ files, applied, lock, signal });
      } catch (error) {
        // The first error is the one to report; a lock left behind expires by itself.
        await lock.release().catch(() => {});
        throw error;
      }
      await lock.release();
      return result;
    });
  }

  /** Refuses to run anything when an applied migration was edited or (unless allowed) is missing. */
  private verify(files: readonly MigrationFile[], applied: ReadonlyMap<number, AppliedRow>): void {
    const byVersion = new Map(files.map((file) => [file.version, file]));
    for (const row of applied.values()) {
      const file = byVersion.get(row.version);
      if (file === undefined) {
        if (this.options.allowMissing === true) continue;
        throw new MigrationError(
          `applied migration ${row.version} (${row.name}) is missing from ${this.source()}; ` +
            'restore it, or pass allowMissing: true. Nothing was run',
          { version: row.version },
        );
      }
      if (file.checksum !== row.checksum) {
        throw new MigrationChecksumError(
          `migration ${row.version} (${row.name}) was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… ` +
            `is now ${file.checksum.slice(0, 12)}…); undo the edit and add a new migration instead. Nothing was run`,
          { version: row.version, appliedChecksum: row.checksum, currentChecksum: file.checksum },
        );
      }
    }
  }

  private source(): string {
    return this.options.directory === undefined
      ? 'the migrations list'
      : `the directory ${this.options.directory}`;
  }

  private async prepare(signal: AbortSignal): Promise<void> {
    await createTableRacing(() =>
      this.db.execute(
        `CREATE TABLE IF NOT EXISTS ${this.table} (version INT8 PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, ` +
          'applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), duration_ms INT8 NOT NULL)',
        [],
        { signal },
      ),
    );
    await createTableRacing(() => this.db.execute(this.lock.createStatement, [], { signal }));
  }

  private files(): Promise<MigrationFile[]> {
    if (this.inCode !== undefined) return Promise.resolve([...this.inCode]);
    return loadMigrations(this.options.directory as string);
  }

  private async serverKind(signal: AbortSignal): Promise<ServerKind> {
    if (this.db.server === undefined) await this.db.connect({ signal });
    return this.db.server?.kind ?? 'postgresql';
  }

  /** The applied migrations by version; with `tolerateNoTable`, none when the table does not exist. */
  private async readApplied(signal: AbortSignal, tolerateNoTable: boolean): Promise<Map<number, AppliedRow>> {
    let rows: { version: unknown; name: string; checksum: string; applied_at: Date; duration_ms: unknown }[];
    try {
      rows = await this.db.query(
        `SELECT version, name, checksum, applied_at, duration_ms FROM ${this.table} ORDER BY version`,
        [],
        { signal },
      );
    } catch (error) {
      if (tolerateNoTable && error instanceof SqlError && error.sqlstate === '42P01') return new Map();
      throw error;
    }
    return new Map(
      rows.map((row) => {
        const version = Number(row.version);
        return [
          version,
          {
            version,
            name: row.name,
            checksum: row.checksum,
            appliedAt: row.applied_at,
            durationMs: Number(row.duration_ms),
          },
        ];
      }),
    );
  }

  private async withDeadline<T>(options: CallOptions, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const deadline = createDeadline(options, { what: 'migration' });
    try {
      deadline.throwIfAborted();
      return await fn(deadline.signal);
    } finally {
      deadline.dispose();
    }
  }
}

/**
 * PostgreSQL's `CREATE TABLE IF NOT EXISTS` is not safe against a concurrent twin: the loser may get
 * 23505 (pg_type), 42710 (type exists) or 42P07 (relation exists). Either way the table now exists.
 */
async function createTableRacing(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    const sqlstate = error instanceof SqlError ? error.sqlstate : undefined;
    if (sqlstate !== '23505' && sqlstate !== '42710' && sqlstate !== '42P07') throw error;
  }
}

function maxVersion(applied: ReadonlyMap<number, unknown>): number | null {
  let max: number | null = null;
  for (const version of applied.keys()) if (max === null || version > max) max = version;
  return max;
}
