import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { retry } from '@conn/core';
import type { CockroachDBClient } from '../client.js';
import { SqlError, UniqueViolationError } from '../errors.js';
import { MigrationLockError } from './migration-errors.js';

/** Poll interval while waiting for another holder, before jitter. */
const POLL_MS = 200;
/** How long releasing the lock may take before it is left to expire. */
const RELEASE_TIMEOUT_MS = 10_000;

/** `host:pid:random`: who holds the lock, unique per acquisition. */
function newHolder(): string {
  return `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
}

function intervalOf(ms: number): string {
  return `${Math.round(ms)} milliseconds`;
}

/** Who holds the migration lock, as {@link Migrator.status} reports it. */
export interface MigrationLockInfo {
  /** `host:pid:random` of the holder. */
  readonly holder: string;
  readonly acquiredAt: Date;
  /** When the lock may be taken over, unless the holder extends it. */
  readonly expiresAt: Date;
  /** True when it is past `expiresAt`: the next migrator takes it over. */
  readonly expired: boolean;
}

/**
 * The migration lock: one row (id 1) in `<table>`. Advisory locks are no-ops on CockroachDB, so the
 * lock is a row that only one migrator can insert, with an expiry so that a crashed migrator's lock
 * can be taken over. The holder extends the expiry while it works.
 */
export class MigrationLock {
  constructor(
    private readonly db: CockroachDBClient,
    private readonly table: string,
    private readonly ttlMs: number,
  ) {}

  /** The lock table's DDL. */
  get createStatement(): string {
    return (
      `CREATE TABLE IF NOT EXISTS ${this.table} (id INT8 PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, ` +
      'acquired_at TIMESTAMPTZ NOT NULL DEFAULT now(), expires_at TIMESTAMPTZ NOT NULL)'
    );
  }

  /** The current holder, `null` when nobody holds the lock or the table does not exist yet. */
  async current(signal: AbortSignal): Promise<MigrationLockInfo | null> {
    let row: { holder: string; acquired_at: Date; expires_at: Date; expired: boolean } | undefined;
    try {
      row = await this.db.queryOne(
        `SELECT holder, acquired_at, expires_at, expires_at < now() AS expired FROM ${this.table} WHERE id = 1`,
        [],
        { signal },
      );
    } catch (error) {
      if (error instanceof SqlError && error.sqlstate === '42P01') return null;
      throw error;
    }
    if (row === undefined) return null;
    return {
      holder: row.holder,
      acquiredAt: row.acquired_at,
      expiresAt: row.expires_at,
      expired: row.expired,
    };
  }

  /**
   * Takes the lock. A lock past its expiry is deleted and taken over. Otherwise fails at once with
   * `MigrationLockError` naming the holder, or, with `waitMs` > 0, tries again (every ~200 ms,
   * jittered) until the lock is free or the wait is over.
   */
  async acquire(waitMs: number, signal: AbortSignal): Promise<HeldMigrationLock> {
    const holder = newHolder();
    const giveUpAt = Date.now() + waitMs;
    try {
      return await retry(() => this.take(holder, signal), {
        attempts: Number.POSITIVE_INFINITY,
        deadline: giveUpAt,
        signal,
        // Only a lock somebody else holds is waited out; any other failure ends the wait.
        decide: (error) => (error instanceof LockHeld ? 'retry' : 'fail'),
        // The last poll comes just before the wait is over, so the whole wait is used.
        backoff: () => Math.max(0, Math.min(POLL_MS * (0.5 + Math.random()), giveUpAt - Date.now() - 1)),
      });
    } catch (error) {
      if (!(error instanceof LockHeld)) throw error;
    }
    const current = await this.db.queryOne<{ holder: string; expires_at: Date }>(
      `SELECT holder, expires_at FROM ${this.table} WHERE id = 1`,
      [],
      { signal },
    );
    // Released in the meantime: try again (without waiting) before reporting anybody.
    if (current === undefined) return this.acquire(0, signal);
    const waited = waitMs > 0 ? ` after waiting ${waitMs} ms` : '';
    throw new MigrationLockError(
      `another migrator holds the migration lock${waited} (${current.holder}, until ${current.expires_at.toISOString()}); ` +
        'try again later, or pass lockWaitMs to wait for it',
      { holder: current.holder },
    );
  }

  /**
   * One try: insert the lock row; if it is there but expired (a crashed migrator's), delete it and
   * insert again. Only one of several takers deletes it. Throws `LockHeld` when somebody holds it.
   */
  private async take(holder: string, signal: AbortSignal): Promise<HeldMigrationLock> {
    if (await this.insert(holder, signal))
      return new HeldMigrationLock(this.db, this.table, this.ttlMs, holder);
    const expired = await this.db.execute(
      `DELETE FROM ${this.table} WHERE id = 1 AND expires_at < now()`,
      [],
      { signal },
    );
    if ((expired.rowCount ?? 0) > 0 && (await this.insert(holder, signal)))
      return new HeldMigrationLock(this.db, this.table, this.ttlMs, holder);
    throw new LockHeld();
  }

  /** Inserts the lock row; false when one is there already. */
  private async insert(holder: string, signal: AbortSignal): Promise<boolean> {
    try {
      await this.db.execute(
        `INSERT INTO ${this.table} (id, holder, acquired_at, expires_at) VALUES (1, $1, now(), now() + $2::interval)`,
        [holder, intervalOf(this.ttlMs)],
        { signal },
      );
      return true;
    } catch (error) {
      if (error instanceof UniqueViolationError) return false;
      throw error;
    }
  }
}

/** Somebody else holds the lock (internal: turned into `MigrationLockError` naming the holder). */
class LockHeld extends Error {}

/**
 * A lock this process holds. Its expiry is extended by `refresh()` after each migration and by a
 * heartbeat every third of the TTL meanwhile, so a long migration does not lose it.
 */
export class HeldMigrationLock {
  private heartbeat: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  /** Set when the lock turned out to be no longer ours, with who holds it now (if anyone). */
  private lost: { readonly holder: string | undefined } | undefined;
  private released = false;
  /** Cancels a heartbeat still running at release. */
  private readonly stopped = new AbortController();

  constructor(
    private readonly db: CockroachDBClient,
    private readonly table: string,
    private readonly ttlMs: number,
    readonly holder: string,
  ) {
    const beatMs = Math.max(50, Math.floor(ttlMs / 3));
    this.heartbeat = setInterval(() => {
      if (this.beating !== undefined) return;
      // A failed heartbeat is tried again at the next beat; a lost lock is reported by check().
      const done = (): void => {
        this.beating = undefined;
      };
      this.beating = this.extend(this.stopped.signal, beatMs).then(done, done);
    }, beatMs);
    this.heartbeat.unref();
  }

  /**
   * Extends the expiry by the TTL from now.
   * @throws MigrationLockError when the lock is no longer ours (it expired and was taken over).
   */
  async refresh(signal: AbortSignal, version?: number): Promise<void> {
    this.check(version);
    await this.extend(signal, this.ttlMs);
    this.check(version);
  }

  /** @throws MigrationLockError when the heartbeat found the lock taken over. */
  check(version?: number): void {
    if (this.lost === undefined) return;
    const after = version === undefined ? '' : ` after migration ${version}`;
    const now = this.lost.holder === undefined ? 'nobody holds it now' : `${this.lost.holder} holds it now`;
    throw new MigrationLockError(
      `this migrator lost the migration lock while migrating (it expired and ${now}); stopped${after}. ` +
        'Is lockTtlMs too short?',
      { holder: this.lost.holder, version },
    );
  }

  /** Stops the heartbeat and deletes the lock row if it is still ours. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.stopped.abort();
    await this.beating;
    await this.db.execute(`DELETE FROM ${this.table} WHERE id = 1 AND holder = $1`, [this.holder], {
      timeoutMs: RELEASE_TIMEOUT_MS,
    });
  }

  /** Moves the expiry to TTL from now; notes when the row is no longer ours. */
  private async extend(signal: AbortSignal, timeoutMs: number): Promise<void> {
    // With a signal the statement gets a session of its own, so it never queues behind a long
    // migration on a shared session.
    const options = { signal, timeoutMs };
    const result = await this.db.execute(
      `UPDATE ${this.table} SET expires_at = now() + $2::interval WHERE id = 1 AND holder = $1`,
      [this.holder, intervalOf(this.ttlMs)],
      options,
    );
    if ((result.rowCount ?? 0) > 0) return;
    const current = await this.db.queryOne<{ holder: string }>(
      `SELECT holder FROM ${this.table} WHERE id = 1`,
      [],
      options,
    );
    this.lost ??= { holder: current?.holder };
  }
}
