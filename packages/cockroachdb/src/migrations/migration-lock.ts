import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type CallOptions, createDeadline, sleep } from '@conn/core';
import { UniqueViolationError } from '../errors.js';
import type { SqlExecutor } from '../sql-executor.js';
import { MigrationLockError } from './migration-errors.js';

/**
 * The migration lock: one row in `<table>`. Advisory locks are no-ops on CockroachDB, so the lock
 * is a row with a primary key that only one deployer can insert, and an expiry so a crashed
 * deployer's lock can be taken over.
 */
export class MigrationLock {
  readonly holder: string = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly db: SqlExecutor,
    private readonly quotedTable: string,
    private readonly ttlMs: number,
  ) {}

  /** Creates the lock table if needed. */
  async prepare(options: CallOptions): Promise<void> {
    await this.db.execute(
      `CREATE TABLE IF NOT EXISTS ${this.quotedTable} (id INT8 PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, ` +
        'acquired_at TIMESTAMPTZ NOT NULL DEFAULT now(), expires_at TIMESTAMPTZ NOT NULL)',
      [],
      options,
    );
  }

  /** Takes the lock, waiting up to `waitMs` (polling) for another holder to finish. */
  async acquire(waitMs: number, options: CallOptions): Promise<void> {
    const deadline = createDeadline({ signal: options.signal }, { what: 'migration lock' });
    const giveUpAt = performance.now() + waitMs;
    try {
      for (;;) {
        try {
          await this.db.execute(
            `INSERT INTO ${this.quotedTable} (id, holder, expires_at) VALUES (1, $1, now() + $2 * INTERVAL '1 millisecond')`,
            [this.holder, this.ttlMs],
            options,
          );
          return;
        } catch (error) {
          if (!(error instanceof UniqueViolationError)) throw error;
        }
        // A crashed deployer's lock expires; take it over.
        const expired = await this.db.execute(
          `DELETE FROM ${this.quotedTable} WHERE id = 1 AND expires_at < now()`,
          [],
          options,
        );
        if ((expired.rowCount ?? 0) > 0) continue;
        if (performance.now() >= giveUpAt) {
          const current = await this.db.queryOne<{ holder: string }>(
            `SELECT holder FROM ${this.quotedTable} WHERE id = 1`,
            [],
            options,
          );
          throw new MigrationLockError(
            `another deployer holds the migration lock (${current?.holder ?? 'just released'}); try again later or pass lockWaitMs`,
            { holder: current?.holder },
          );
        }
        await sleep(150 + Math.random() * 100, deadline.signal);
      }
    } finally {
      deadline.dispose();
    }
  }

  /** Extends the expiry while a long migration run goes on. */
  async refresh(options: CallOptions): Promise<void> {
    await this.db.execute(
      `UPDATE ${this.quotedTable} SET expires_at = now() + $2 * INTERVAL '1 millisecond' WHERE id = 1 AND holder = $1`,
      [this.holder, this.ttlMs],
      options,
    );
  }

  /** Gives the lock back (only ours). */
  async release(): Promise<void> {
    await this.db.execute(`DELETE FROM ${this.quotedTable} WHERE id = 1 AND holder = $1`, [this.holder]);
  }
}
