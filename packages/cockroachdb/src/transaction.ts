import {
  type CallOptions,
  type CallRunner,
  ConfigError,
  ConnError,
  type EventPublisher,
  type Lease,
  QueryError,
} from '@conn/core';
import type pg from 'pg';
import type { Catalog } from './catalog.js';
import { commitFailure } from './commit-failure.js';
import { CANCEL_GRACE_MS, type CockroachConnection, type ServerKind } from './connection.js';
import { SESSION_BUSY_CODE } from './copy/copy-options.js';
import type { CopySession } from './copy/session-idle.js';
import { CommitRolledBackError } from './errors.js';
import {
  type InCall,
  type InCallSpec,
  optionsOf,
  type QueryOptions,
  type StreamOptions,
} from './query-options.js';
import { RowStream } from './result-stream.js';
import type { Statement } from './sql/statement.js';
import { SqlExecutor } from './sql-executor.js';

/** What a transaction needs from its client. @internal */
export interface TransactionHost {
  readonly catalog: Catalog;
  readonly events: EventPublisher;
  readonly streamBatchSize: number;
  /** The client's call path: a transaction's calls share its closed check and tracing. */
  readonly calls: CallRunner;
}

type State = 'open' | 'committed' | 'rolled back' | 'failed';

/**
 * A transaction pinned to one session: every statement and CRUD helper on it runs on that session.
 * `await using tx = await db.transaction()` rolls back at the end of the block unless `commit()` ran.
 */
export class Transaction extends SqlExecutor implements AsyncDisposable {
  private state: State = 'open';
  /** Statements still running, so commit/rollback never overtakes one. */
  private running = 0;
  /** The statement error that left the transaction aborted, named when COMMIT rolls back. */
  private abortedBy: unknown;
  /**
   * What has the session to itself: a stream (its portal, from its first read until it ends) or a
   * COPY. Nothing else can run on the session meanwhile, so other statements are refused at once
   * instead of waiting behind a loop or a row source that may be waiting for them.
   */
  private holder: RowStream<unknown> | 'COPY' | undefined;

  /** @internal */
  constructor(
    private readonly host: TransactionHost,
    private readonly connection: CockroachConnection,
    private readonly lease: Lease<CockroachConnection> | undefined,
    /** Set for the transactions `runInTransaction` hands to its callback: it commits, not the callback. */
    private readonly managed: boolean,
    /** The whole transaction's signal (runInTransaction's deadline): it also cancels each statement. */
    private readonly outerSignal: AbortSignal | undefined = undefined,
  ) {
    super();
  }

  /** Whether statements can still run on it. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** The server this transaction runs on. */
  get server(): ServerKind {
    return this.connection.serverKind;
  }

  protected override get catalog(): Catalog {
    return this.host.catalog;
  }

  protected override async serverKind(): Promise<ServerKind> {
    return this.connection.serverKind;
  }

  protected override atomically<T>(fn: (executor: SqlExecutor) => Promise<T>): Promise<T> {
    return fn(this);
  }

  protected override inCall<O extends CallOptions, T>(
    operation: string,
    spec: InCallSpec,
    options: O,
    work: (options: O & InCall) => Promise<T>,
  ): Promise<T> {
    options = optionsOf(options);
    if ((options as InCall).call !== undefined) {
      try {
        return work(options as O & InCall);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    // Inside a transaction nothing is committed until COMMIT, so no statement "may have executed":
    // the commit is where that question lives (AmbiguousCommitError).
    return this.host.calls.run({ operation, statement: spec.statement, write: false }, options, (call) =>
      work({ ...options, call, ownDeadline: true }),
    );
  }

  protected override async runStatement(
    statement: Statement,
    options: QueryOptions & InCall & { singleStatement?: boolean | undefined },
  ): Promise<pg.QueryResult> {
    this.checkOpen();
    this.checkSessionFree();
    this.running++;
    try {
      if (options.call !== undefined) options.call.target = this.connection.address;
      // The session is this transaction's alone, so a deadline may cancel the statement on it.
      return await this.connection.query(statement, {
        signal: combineSignals(options.call?.signal ?? options.signal, this.outerSignal),
        rowMode: options.rowMode === 'array' ? 'array' : undefined,
        singleStatement: options.singleStatement,
      });
    } catch (error) {
      this.noteFailure(error);
      throw error;
    } finally {
      this.running--;
    }
  }

  protected override streamStatement<T>(statement: Statement, options: StreamOptions): AsyncIterable<T> {
    this.checkOpen();
    // Leaving a portal-less stream early cancels its statement, which would abort the transaction.
    if (options.portal === false) {
      throw new ConfigError('portal: false streams only outside a transaction', { field: 'portal' });
    }
    const signal = combineSignals(options.signal, this.outerSignal);
    const stream: RowStream<T> = new RowStream<T>(
      async () => {
        this.checkOpen();
        this.checkSessionFree();
        this.running++;
        this.holder = stream;
        return {
          connection: this.connection,
          finish: () => {
            this.running--;
            if (this.holder === stream) this.holder = undefined;
          },
        };
      },
      statement,
      { ...options, signal },
      {
        initial: options.batchSize ?? this.host.streamBatchSize,
        adaptive: options.batchSize === undefined,
      },
    );
    return stream;
  }

  protected override async openCopySession(signal: AbortSignal | undefined): Promise<CopySession> {
    this.checkOpen();
    this.checkSessionFree();
    this.running++;
    this.holder = 'COPY';
    let finished = false;
    return {
      connection: this.connection,
      signal: combineSignals(signal, this.outerSignal),
      finish: () => {
        if (finished) return;
        finished = true;
        this.running--;
        if (this.holder === 'COPY') this.holder = undefined;
      },
    };
  }

  /**
   * Commits. A 40003 or a connection lost during COMMIT raises `AmbiguousCommitError` (the commit
   * may have happened); a 40001 here means it did not.
   */
  commit(options: CallOptions = {}): Promise<void> {
    // The grace lets a cancelled COMMIT report what happened (AmbiguousCommitError) instead of a bare timeout.
    const spec = { operation: 'commit', statement: 'COMMIT', graceMs: CANCEL_GRACE_MS + 500 };
    return this.host.calls.run(spec, options, async (call) => {
      this.checkManual('commit');
      this.checkOpen();
      await this.releaseForCommit();
      let answer: pg.QueryResult;
      try {
        call.target = this.connection.address;
        answer = await this.connection.query({ text: 'COMMIT', values: [] }, { signal: call.signal });
      } catch (error) {
        this.finish('failed');
        throw commitFailure(call.reason ?? error, 'COMMIT');
      }
      if (answer.command === 'ROLLBACK') {
        this.finish('rolled back');
        throw this.rolledBackAtCommit();
      }
      this.finish('committed');
    });
  }

  /** Rolls back. Safe to call on a failed transaction; a no-op once ended. */
  async rollback(): Promise<void> {
    this.checkManual('rollback');
    if (this.state !== 'open') return;
    await this.rollbackQuietly();
  }

  /** Rolls back unless committed; the session returns to the pool (or is closed if it broke). */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.state === 'open' && !this.managed) await this.rollbackQuietly();
  }

  /** Marks the transaction ended without touching the session (runInTransaction's own bookkeeping). @internal */
  end(state: 'committed' | 'rolled back' | 'failed'): void {
    this.state = state;
  }

  /**
   * Gets the session ready for COMMIT. A stream left open is closed (COMMIT would wait behind its
   * portal forever), and its next read fails with `CONN_COCKROACHDB_TX_ENDED` instead of ending as
   * if complete. A COPY still running refuses the commit with `CONN_COCKROACHDB_SESSION_BUSY`: it
   * cannot be stopped without aborting the transaction. @internal
   */
  async releaseForCommit(): Promise<void> {
    if (this.holder === 'COPY') {
      throw new QueryError(
        'a COPY of this transaction is still running: finish it (read copyTo to its end or leave its loop) before committing',
        { code: SESSION_BUSY_CODE },
      );
    }
    await this.holder?.abandon(this.endedUnderStream());
  }

  /**
   * Gets the session ready for ROLLBACK; never throws. A stream left open is closed as for a
   * commit. Under a COPY still running the session is closed instead: the server rolls the
   * transaction back as the connection drops. @internal
   */
  async releaseForRollback(): Promise<void> {
    if (this.holder === 'COPY') this.connection.destroy();
    else await this.holder?.abandon(this.endedUnderStream());
  }

  private endedUnderStream(): QueryError {
    return new QueryError(
      'the transaction ended while this stream was open; the rows after the last one read were not read',
      { code: 'CONN_COCKROACHDB_TX_ENDED' },
    );
  }

  /** The latest statement error the server answered in this transaction, if any. @internal */
  get failureThatAborted(): unknown {
    return this.abortedBy;
  }

  /**
   * Remembers the latest statement error from the server: any of them aborts the transaction
   * (until a `ROLLBACK TO SAVEPOINT`). 25P02 ("transaction is aborted") only repeats an earlier one.
   */
  private noteFailure(error: unknown): void {
    const sqlstate = (error as { sqlstate?: unknown }).sqlstate;
    if (typeof sqlstate === 'string' && sqlstate !== '25P02') this.abortedBy = error;
  }

  /**
   * The error for a COMMIT the server answered with a rollback (the transaction was aborted by an
   * earlier failure). @internal
   */
  rolledBackAtCommit(): CommitRolledBackError {
    const cause = this.abortedBy;
    const code = cause instanceof ConnError ? ` (${cause.code})` : '';
    return new CommitRolledBackError(
      `COMMIT rolled the transaction back: a statement in it failed earlier${code} and aborted it, so nothing of it was stored`,
      cause === undefined ? {} : { cause },
    );
  }

  private async rollbackQuietly(): Promise<void> {
    await this.releaseForRollback();
    try {
      if (this.connection.usable) await this.connection.query({ text: 'ROLLBACK', values: [] });
      this.finish('rolled back');
    } catch {
      this.finish('failed');
    }
  }

  private finish(state: State): void {
    this.state = state;
    if (this.lease === undefined) return;
    if (this.connection.usable && this.connection.transactionStatus === 'I' && this.running === 0)
      this.lease.release();
    else this.lease.destroy();
  }

  private checkOpen(): void {
    if (this.state !== 'open') {
      throw new QueryError(`the transaction is ${this.state}; start a new one`, {
        code: 'CONN_COCKROACHDB_TX_ENDED',
      });
    }
  }

  private checkSessionFree(): void {
    if (this.holder === undefined) return;
    const what =
      this.holder === 'COPY'
        ? 'a COPY of this transaction is still running and holds its session: let it finish'
        : 'a stream of this transaction is still open and holds its session: read it to the end or leave its loop';
    throw new QueryError(`${what} before running anything else on the transaction`, {
      code: SESSION_BUSY_CODE,
    });
  }

  private checkManual(what: string): void {
    if (this.managed) {
      throw new ConfigError(
        `runInTransaction commits and rolls back by itself; do not call ${what}() in its callback`,
        {
          field: what,
        },
      );
    }
  }
}

function combineSignals(
  first: AbortSignal | undefined,
  second: AbortSignal | undefined,
): AbortSignal | undefined {
  if (first === undefined) return second;
  if (second === undefined) return first;
  return AbortSignal.any([first, second]);
}
