import {
  type CallOptions,
  ConfigError,
  ConnError,
  createDeadline,
  type Deadline,
  exponentialBackoff,
  integerOption,
  type Lease,
  type RandomSource,
  type RetryDecision,
  retry,
} from '@conn/core';
import { commitFailure, isAmbiguousAtCommit } from './commit-failure.js';
import { type CockroachConnection, isStalePreparedStatement } from './connection.js';
import { isRetryableSqlstate } from './error-mapping.js';
import { MaxRetriesExceededError } from './errors.js';
import { Transaction, type TransactionHost } from './transaction.js';
import { beginStatement, type TransactionOptions } from './transaction-options.js';

/** Options of `runInTransaction`. */
export interface RunInTransactionOptions extends TransactionOptions, CallOptions {
  /** Retries after the first attempt. Default 10. */
  readonly maxRetries?: number | undefined;
  /**
   * The work may safely run twice (e.g. pure UPSERTs): an ambiguous commit is then retried instead of
   * raising `AmbiguousCommitError`. Default false.
   */
  readonly idempotent?: boolean | undefined;
  /**
   * Retry on a new connection when the connection is lost before the commit was sent (nothing was
   * committed then). Default false: the connection error is raised.
   */
  readonly retryConnectionLoss?: boolean | undefined;
  /** Back-off between attempts: full jitter up to `min(maxMs, baseMs * 2^n)`. Default 20 ms .. 2 s. */
  readonly backoff?:
    | { readonly baseMs?: number; readonly maxMs?: number; readonly random?: RandomSource }
    | undefined;
  /** Called before each retry with the error that caused it and the attempt number that failed. */
  readonly onRetry?: ((error: ConnError, attempt: number) => void) | undefined;
}

/** What `runInTransaction` needs from its client. @internal */
export interface RetryHost extends TransactionHost {
  acquire(options: CallOptions): Promise<Lease<CockroachConnection>>;
}

type Phase = 'begin' | 'body' | 'release' | 'commit';

const RESTART_SAVEPOINT = 'cockroach_restart';

/**
 * Runs `fn` in a transaction and retries it when the server asks for a retry.
 *
 * On CockroachDB: `BEGIN; SAVEPOINT cockroach_restart; …; RELEASE SAVEPOINT cockroach_restart; COMMIT`,
 * with `ROLLBACK TO SAVEPOINT cockroach_restart` before each retry (the transaction keeps its place).
 * On PostgreSQL: `BEGIN; …; COMMIT`, restarted from `BEGIN`. Retried: 40001, CR000 (and 40P01 on
 * PostgreSQL). Never retried silently: 40003 or a lost connection at the commit point
 * (`AmbiguousCommitError`), unless `idempotent`.
 */
export async function runInTransaction<T>(
  host: RetryHost,
  fn: (tx: Transaction) => Promise<T>,
  options: RunInTransactionOptions = {},
): Promise<T> {
  if (typeof fn !== 'function') throw new ConfigError('runInTransaction needs a function', { field: 'fn' });
  const maxRetries = integerOption(options.maxRetries, 'maxRetries', 10, 0);
  const backoff = exponentialBackoff({
    baseMs: options.backoff?.baseMs ?? 20,
    maxMs: options.backoff?.maxMs ?? 2_000,
    ...(options.backoff?.random === undefined ? {} : { random: options.backoff.random }),
  });
  const deadline = createDeadline(options, { what: 'transaction' });
  const session: { lease: Lease<CockroachConnection> | undefined; begun: boolean } = {
    lease: undefined,
    begun: false,
  };
  /** Set by each failed attempt: may the error it threw be retried? */
  let retryable = false;
  const decide = (error: unknown, attempt: number): RetryDecision => {
    if (!retryable || !(error instanceof ConnError)) return 'fail';
    if (deadline.signal.aborted) throw deadline.signal.reason;
    if (attempt >= maxRetries) {
      throw new MaxRetriesExceededError(
        `transaction failed after ${attempt + 1} attempts: ${error.message}`,
        {
          attempts: attempt + 1,
          cause: error,
        },
      );
    }
    return 'retry';
  };
  try {
    session.lease = await host.acquire({ signal: deadline.signal });
    return await retry(
      async () => {
        retryable = false;
        const lease = await usableLease(host, session, deadline);
        const attempt = await runAttempt(host, lease.resource, fn, options, session.begun, deadline);
        session.begun = attempt.begun;
        if (attempt.failure === undefined) return attempt.result as T;
        retryable = attempt.failure.retryable;
        throw attempt.failure.error;
      },
      {
        attempts: Number.POSITIVE_INFINITY,
        signal: deadline.signal,
        backoff,
        decide,
        onRetry: (error, attempt) => {
          const failed = error as ConnError;
          host.events.publish('transaction:retry', () => ({
            attempt: attempt + 1,
            code: failed.code,
            sqlstate: (failed as { sqlstate?: string }).sqlstate,
            retryReason: (failed as { retryReason?: string }).retryReason,
          }));
          options.onRetry?.(failed, attempt + 1);
        },
      },
    );
  } finally {
    if (session.lease !== undefined) await endLease(session.lease);
    deadline.dispose();
  }
}

/** The session for the next attempt: the same one, or a new one when it broke (BEGIN again). */
async function usableLease(
  host: RetryHost,
  session: { lease: Lease<CockroachConnection> | undefined; begun: boolean },
  deadline: Deadline,
): Promise<Lease<CockroachConnection>> {
  const current = session.lease;
  if (current?.resource.usable) return current;
  current?.destroy();
  session.lease = undefined;
  session.begun = false;
  session.lease = await host.acquire({ signal: deadline.signal });
  return session.lease;
}

/** How one attempt ended. */
interface Attempt<T> {
  readonly result?: T;
  /** The error to raise or retry, and whether retrying it is safe. */
  readonly failure?: { readonly error: unknown; readonly retryable: boolean };
  /** The transaction is open at the retry savepoint (CockroachDB): the next attempt skips BEGIN. */
  readonly begun: boolean;
}

/**
 * One run of `fn` in the transaction, through the commit. On a retryable failure the session is
 * made ready for the next attempt before this returns (rolled back to the savepoint, or rolled
 * back as a whole), so locks are not held through the back-off.
 */
async function runAttempt<T>(
  host: RetryHost,
  connection: CockroachConnection,
  fn: (tx: Transaction) => Promise<T>,
  options: RunInTransactionOptions,
  alreadyBegun: boolean,
  deadline: Deadline,
): Promise<Attempt<T>> {
  let begun = alreadyBegun;
  const onCockroach = connection.serverKind === 'cockroachdb';
  // The transaction's deadline also cancels the statement running inside (its session is its own).
  const tx = new Transaction(host, connection, undefined, true, deadline.signal);
  let phase: Phase = 'begin';
  const run = (text: string): Promise<unknown> =>
    connection.query({ text, values: [] }, { signal: deadline.signal });
  try {
    if (!begun) {
      await run(beginStatement(options, connection.serverKind));
      if (onCockroach) await run(`SAVEPOINT ${RESTART_SAVEPOINT}`);
      begun = true;
    }
    phase = 'body';
    const result = await fn(tx);
    await tx.releaseForCommit();
    // The callback caught an error that aborted the transaction: nothing may be committed.
    if (connection.transactionStatus === 'E') throw abortedInCallback(tx, onCockroach);
    if (onCockroach) {
      phase = 'release';
      await run(`RELEASE SAVEPOINT ${RESTART_SAVEPOINT}`).catch((error: unknown) => {
        // The same, told by the server: its ReadyForQuery had not arrived when the callback returned.
        throw (error as { sqlstate?: string }).sqlstate === '25P02'
          ? abortedInCallback(tx, onCockroach)
          : error;
      });
      tx.end('committed');
      // RELEASE was the commit point; COMMIT only resets the session, so its failure loses nothing.
      await run('COMMIT').catch(() => connection.destroy());
    } else {
      phase = 'commit';
      const answer = (await run('COMMIT')) as { command?: string };
      if (answer.command === 'ROLLBACK') throw abortedInCallback(tx, onCockroach);
    }
    tx.end('committed');
    return { result, begun: false };
  } catch (raw) {
    await tx.releaseForRollback();
    tx.end('failed');
    const committing = phase === 'release' || phase === 'commit';
    const error = committing ? commitFailure(raw, phase === 'release' ? 'RELEASE SAVEPOINT' : 'COMMIT') : raw;
    // The callback's own error goes to the caller unchanged, never retried.
    if (!(error instanceof ConnError)) return { failure: { error, retryable: false }, begun };
    const ambiguous = committing && isAmbiguousAtCommit(toCause(error));
    const lost = !connection.usable;
    // A prepared statement a schema change made stale failed before running: a new attempt parses
    // it afresh (it was renamed), so nothing is lost by trying again.
    const stale = !committing && isStalePreparedStatement(error.cause);
    const retryable =
      stale ||
      isRetryableSqlstate((error as { sqlstate?: string }).sqlstate, !onCockroach) ||
      (ambiguous && options.idempotent === true) ||
      (!committing && lost && (options.retryConnectionLoss === true || options.idempotent === true));
    if (!retryable) return { failure: { error, retryable }, begun };
    begun = await restart(connection, onCockroach && begun && !lost, deadline);
    return { failure: { error, retryable }, begun };
  }
}

/**
 * The error for a transaction an error caught inside the callback left aborted: a retryable one
 * is retried as if the callback had rethrown it, any other is `CommitRolledBackError`.
 */
function abortedInCallback(tx: Transaction, onCockroach: boolean): unknown {
  const cause = tx.failureThatAborted;
  const sqlstate = (cause as { sqlstate?: string } | undefined)?.sqlstate;
  return isRetryableSqlstate(sqlstate, !onCockroach) ? cause : tx.rolledBackAtCommit();
}

/** The mapped error behind an `AmbiguousCommitError`, to tell why the commit failed. */
function toCause(error: ConnError): ConnError {
  return error.cause instanceof ConnError ? error.cause : error;
}

/**
 * Gets the session ready for the next attempt. Returns true when the transaction is still open at
 * the retry savepoint (CockroachDB), false when the next attempt must `BEGIN` again.
 */
async function restart(
  connection: CockroachConnection,
  viaSavepoint: boolean,
  deadline: Deadline,
): Promise<boolean> {
  if (!connection.usable) return false;
  const run = (text: string): Promise<unknown> =>
    connection.query({ text, values: [] }, { signal: deadline.signal });
  if (viaSavepoint && connection.transactionStatus !== 'I') {
    try {
      await run(`ROLLBACK TO SAVEPOINT ${RESTART_SAVEPOINT}`);
      return true;
    } catch {
      // The savepoint is gone (e.g. the transaction was aborted as a whole): start over.
    }
  }
  try {
    if (connection.transactionStatus !== 'I') await run('ROLLBACK');
  } catch {
    connection.destroy();
  }
  return false;
}

/** Rolls back whatever is still open and gives the session back (or closes it when it broke). */
async function endLease(lease: Lease<CockroachConnection>): Promise<void> {
  const connection = lease.resource;
  if (connection.usable && connection.transactionStatus !== 'I') {
    try {
      await connection.query({ text: 'ROLLBACK', values: [] });
    } catch {
      connection.destroy();
    }
  }
  if (connection.usable && connection.transactionStatus === 'I') lease.release();
  else lease.destroy();
}
