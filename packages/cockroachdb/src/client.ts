import {
  booleanOption,
  type CallContext,
  type CallOptions,
  CallRunner,
  ConfigError,
  ConnError,
  ConnectionError,
  type EventPublisher,
  integerOption,
  type Secret,
  type TryAcquireOptions,
} from '@conn/core';
import type pg from 'pg';
import { Catalog } from './catalog.js';
import { CANCEL_GRACE_MS, type CockroachConnection, type ServerKind } from './connection.js';
import type { CopySession } from './copy/session-idle.js';
import { QueryCanceledError } from './errors.js';
import { defaultEvents, eventSql } from './events.js';
import { giveBack, runOnLease } from './lease-use.js';
import { type CockroachDBOptions, type ResolvedOptions, resolveOptions } from './options.js';
import {
  type InCall,
  type InCallSpec,
  optionsOf,
  type QueryOptions,
  type StreamOptions,
} from './query-options.js';
import { RowStream, type StreamSession } from './result-stream.js';
import { type RunInTransactionOptions, runInTransaction } from './run-in-transaction.js';
import {
  type CockroachPoolStats,
  createSessionPool,
  type SessionLeaseOptions,
  type SessionPool,
} from './session-pool.js';
import {
  type CreateDatabaseOptions,
  createDatabaseStatement,
  dropDatabaseStatement,
} from './sql/ddl-statements.js';
import type { Statement } from './sql/statement.js';
import { checkNoOpenTransaction, controlsTransaction } from './sql/transaction-control.js';
import { SqlExecutor } from './sql-executor.js';
import { SocketRowStream } from './stream/socket-row-stream.js';
import { Transaction, type TransactionHost } from './transaction.js';
import { beginStatement, type TransactionOptions } from './transaction-options.js';
import { parseCockroachUrl } from './url.js';

/**
 * A CockroachDB (or PostgreSQL) database: a pool of `pg` sessions managed by `@conn/core`, safe
 * CRUD helpers, transactions with CockroachDB's retry protocol, streaming, and typed errors.
 *
 * @example
 * await using db = CockroachDBClient.fromUrl(process.env.DATABASE_URL!);
 * const user = await db.insert('users', { name: 'Ada' });
 */
export class CockroachDBClient extends SqlExecutor implements AsyncDisposable {
  private readonly options: ResolvedOptions;
  private readonly pool: SessionPool;
  private readonly tableCatalog = new Catalog();
  private readonly events: EventPublisher;
  private readonly calls: CallRunner;
  private closed = false;
  private detectedServer: { kind: ServerKind; version: string } | undefined;

  constructor(options: CockroachDBOptions = {}) {
    super();
    this.options = resolveOptions(options);
    this.events = this.options.events ?? defaultEvents;
    this.pool = createSessionPool(this.options, this.events, (connection) => {
      this.detectedServer ??= { kind: connection.serverKind, version: connection.serverVersion };
    });
    this.calls = new CallRunner({
      packageName: 'cockroachdb',
      clientName: 'CockroachDB client',
      isClosed: () => this.closed,
      defaultTimeoutMs: this.options.timeoutMs,
      maskStatement: eventSql,
    });
  }

  /**
   * Options from a connection URL (`postgresql://user:pass@host:26257/db?sslmode=verify-full&…`,
   * several nodes as `postgresql://h1:26257,h2,h3/db`), with `overrides` applied on top (e.g.
   * `{ pool: { max: 20 } }`). A `host` or `hosts` override replaces the URL's nodes.
   */
  static fromUrl(url: string | Secret, overrides: CockroachDBOptions = {}): CockroachDBClient {
    const { host, hosts, ...parsed } = parseCockroachUrl(url);
    const nodes = overrides.host === undefined && overrides.hosts === undefined ? { host, hosts } : {};
    return new CockroachDBClient({
      ...parsed,
      ...nodes,
      ...overrides,
      tls: { ...parsed.tls, ...overrides.tls },
    });
  }

  /**
   * Opens a session to every node now (each tried once), so bad credentials or unreachable nodes
   * fail here rather than at the first query. Resolves once one node answered; rejects with the
   * refusal, or a `ConnectionError` naming each node's failure. Optional: every method connects
   * on demand.
   */
  connect(options: CallOptions = {}): Promise<void> {
    return this.calls.run({ operation: 'connect' }, options, async (call) => {
      call.target = await this.pool.connect(call.signal);
    });
  }

  /**
   * The cheapest authenticated round trip, for readiness checks: `SELECT 1` on a pooled session.
   * Resolves with the server's address and the round-trip time.
   */
  ping(options: CallOptions = {}): Promise<{ host: string; port: number; latencyMs: number }> {
    return this.calls.run({ operation: 'ping', statement: 'SELECT 1' }, options, async (call) => {
      const lease = await this.pool.acquire(exclusiveFor(call));
      try {
        call.target = lease.resource.address;
        const started = performance.now();
        await lease.resource.query({ text: 'SELECT 1', values: [] }, { signal: call.signal });
        return { ...lease.resource.address, latencyMs: performance.now() - started };
      } finally {
        giveBack(lease);
      }
    });
  }

  /** `cockroachdb` or `postgresql`, once a session was opened (`connect()` or any query). */
  get server(): { readonly kind: ServerKind; readonly version: string } | undefined {
    return this.detectedServer;
  }

  /**
   * Pool counters: size, idle, leased, pending creates, waiting callers; summed over the nodes
   * when there are several, each node's own in `hosts` (with its back-off and last failure).
   */
  stats(): CockroachPoolStats {
    return this.pool.stats();
  }

  /**
   * Closes every session; waits up to `timeoutMs` (default 10 s) for leased ones to come back.
   * Later calls fail with `ClientClosedError` (`CONN_CLIENT_CLOSED`).
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.closed = true;
    await this.pool.close(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  }

  /** True after `close()`. */
  get isClosed(): boolean {
    return this.closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Starts a transaction pinned to one session. Statements and CRUD helpers on the returned object
   * run inside it; `commit()` ends it; leaving an `await using` block without commit rolls it back.
   * No automatic retry: use {@link runInTransaction} for that.
   */
  transaction(given: TransactionOptions & CallOptions = {}): Promise<Transaction> {
    const options = optionsOf(given);
    return this.calls.run({ operation: 'transaction' }, options, async (call) => {
      const lease = await this.pool.acquire(exclusiveFor(call));
      try {
        const begin = beginStatement(options, lease.resource.serverKind);
        await lease.resource.query({ text: begin, values: [] }, { signal: call.signal });
      } catch (error) {
        if (lease.resource.usable && lease.resource.transactionStatus === 'I') lease.release();
        else lease.destroy();
        throw error;
      }
      return new Transaction(this.transactionHost(), lease.resource, lease, false);
    });
  }

  /**
   * Runs `fn` in a transaction, retrying it when the server asks (40001), with CockroachDB's
   * `SAVEPOINT cockroach_restart` protocol. Returns what `fn` returns.
   * @throws AmbiguousCommitError when the commit may or may not have happened (never retried unless `idempotent`).
   * @throws MaxRetriesExceededError after `maxRetries` retries (default 10); `cause` is the last error.
   */
  runInTransaction<T>(fn: (tx: Transaction) => Promise<T>, given: RunInTransactionOptions = {}): Promise<T> {
    const options = optionsOf(given);
    return this.inCall('runInTransaction', { write: true, runsCallerCode: true }, options, (inner) => {
      const call = inner.call as CallContext;
      return runInTransaction(
        {
          ...this.transactionHost(),
          acquire: (callOptions) => this.pool.acquire({ signal: callOptions.signal, call }),
        },
        fn,
        // The call's deadline is the transaction's: its signal cancels statements inside too.
        { ...options, signal: call.signal, timeoutMs: undefined, backoff: this.retryBackoff(options) },
      );
    });
  }

  /** `CREATE DATABASE` (default `IF NOT EXISTS`; checked in the catalog first on PostgreSQL, which lacks it). */
  createDatabase(name: string, options: CreateDatabaseOptions & CallOptions = {}): Promise<void> {
    return this.inCall('createDatabase', { write: true }, options, async (options) => {
      const ifNotExists = options.ifNotExists !== false;
      const kind = await this.serverKind(options);
      if (ifNotExists && kind === 'postgresql') {
        const found = await this.query(
          'SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1',
          [name],
          options,
        );
        if (found.length > 0) return;
        await this.runStatement(
          { text: createDatabaseStatement(name, false), values: [] },
          { ...options, singleStatement: true },
        );
        return;
      }
      await this.runStatement(
        { text: createDatabaseStatement(name, ifNotExists), values: [] },
        { ...options, singleStatement: true },
      );
    });
  }

  /** `DROP DATABASE` (default `IF EXISTS`). */
  dropDatabase(name: string, options: { ifExists?: boolean } & CallOptions = {}): Promise<void> {
    return this.inCall('dropDatabase', { write: true }, options, async (options) => {
      await this.runStatement(
        { text: dropDatabaseStatement(name, options), values: [] },
        { ...options, singleStatement: true },
      );
    });
  }

  protected override get catalog(): Catalog {
    return this.tableCatalog;
  }

  protected override inCall<O extends CallOptions, T>(
    operation: string,
    spec: InCallSpec,
    options: O,
    work: (options: O & InCall) => Promise<T>,
  ): Promise<T> {
    options = optionsOf(options);
    const outer = (options as InCall).call;
    if (outer !== undefined) {
      // Called from inside another public method: one call, one deadline.
      try {
        return work(options as O & InCall);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const ownDeadline = options.signal !== undefined || options.timeoutMs !== undefined;
    return this.calls.run(
      {
        operation,
        statement: spec.statement,
        write: spec.write,
        runsCallerCode: spec.runsCallerCode,
        // A deadline of the caller's cancels statements on the server; the answer to the cancel
        // (cancelled, or completed anyway) is what the caller gets.
        graceMs: ownDeadline ? CANCEL_GRACE_MS + 500 : 0,
      },
      options,
      (call) => work({ ...options, call, ownDeadline }),
    );
  }

  protected override async serverKind(options: CallOptions & InCall): Promise<ServerKind> {
    if (this.detectedServer === undefined) {
      const lease = await this.pool.acquire(exclusiveFor(options.call));
      lease.release();
    }
    if (this.detectedServer === undefined)
      throw new ConnectionError('no session could be opened to detect the server');
    return this.detectedServer.kind;
  }

  protected override atomically<T>(
    fn: (executor: SqlExecutor) => Promise<T>,
    options: CallOptions & InCall,
  ): Promise<T> {
    return this.runInTransaction((tx) => fn(tx), options);
  }

  protected override runStatement(
    statement: Statement,
    options: QueryOptions & InCall & { singleStatement?: boolean | undefined },
  ): Promise<pg.QueryResult> {
    try {
      checkNoOpenTransaction(statement.text);
    } catch (error) {
      return Promise.reject(error);
    }
    const call = options.call;
    // A cancel would hit whatever runs on the session, so only a statement with a deadline of the
    // caller's own is cancelled, on a session to itself. The default deadline ends the call without
    // a cancel, so statements keep sharing pipelined sessions.
    const cancellable = options.ownDeadline === true;
    const statementOptions = {
      signal: cancellable ? call?.signal : undefined,
      rowMode: options.rowMode === 'array' ? ('array' as const) : undefined,
      singleStatement: options.singleStatement,
    };
    const run = (connection: CockroachConnection): Promise<pg.QueryResult> => {
      const pending = connection.query(statement, statementOptions);
      if (call === undefined) return pending.catch((error: unknown) => failed(connection, error));
      call.target = connection.address;
      call.markSent();
      return pending.catch((error: unknown) => {
        // Cancelled before it finished: outside a transaction the statement was rolled back.
        if (error instanceof QueryCanceledError || isNotSent(error)) call.markNotExecuted();
        return failed(connection, error);
      });
    };
    const failed = (connection: CockroachConnection, error: unknown): never => {
      // Text such as `BEGIN; …; COMMIT` that failed half-way leaves its session in an aborted
      // transaction block. A ROLLBACK right behind it (the session may be shared) ends that block,
      // so the next statement there is not refused (25P02) for this error.
      if (controlsTransaction(statement.text)) rollBackBehind(connection);
      throw error;
    };
    if (cancellable) return this.exclusive(run, call);
    const lease = this.pool.tryAcquire(SHARED);
    if (lease !== undefined) return runOnLease(lease, run);
    return this.pool.acquire(sharedFor(call)).then((leased) => runOnLease(leased, run));
  }

  protected override streamStatement<T>(statement: Statement, options: StreamOptions): AsyncIterable<T> {
    const openSession = async (): Promise<StreamSession> => {
      if (this.closed) throw this.calls.closedError();
      const lease = await this.pool.acquire({ signal: options.signal, timeoutMs: options.timeoutMs });
      return { connection: lease.resource, finish: () => giveBack(lease) };
    };
    if (!booleanOption(options.portal, 'portal', true)) {
      if (options.batchSize !== undefined) {
        throw new ConfigError('batchSize applies to portal reads; it cannot be set with portal: false', {
          field: 'batchSize',
        });
      }
      return new SocketRowStream<T>(openSession, statement, options);
    }
    const batchSize = integerOption(options.batchSize, 'batchSize', this.options.streamBatchSize, 1);
    return new RowStream<T>(openSession, statement, options, {
      initial: batchSize,
      adaptive: options.batchSize === undefined,
    });
  }

  protected override async openCopySession(
    signal: AbortSignal | undefined,
    call: CallContext | undefined,
  ): Promise<CopySession> {
    if (this.closed) throw this.calls.closedError();
    // A COPY owns the session's wire until it ends: never a session shared with other statements.
    const lease = await this.pool.acquire(call === undefined ? { signal } : exclusiveFor(call));
    return { connection: lease.resource, signal, finish: () => giveBack(lease) };
  }

  private async exclusive<R>(
    fn: (connection: CockroachConnection) => Promise<R>,
    call: CallContext | undefined,
  ): Promise<R> {
    const lease = await this.pool.acquire(exclusiveFor(call));
    try {
      return await fn(lease.resource);
    } finally {
      giveBack(lease);
    }
  }

  /** The retry back-off of `runInTransaction`, jittered by the client's `random` unless it names its own. */
  private retryBackoff(options: RunInTransactionOptions): RunInTransactionOptions['backoff'] {
    const random = options.backoff?.random ?? this.options.random;
    return random === undefined ? options.backoff : { ...options.backoff, random };
  }

  private transactionHost(): TransactionHost {
    return {
      catalog: this.tableCatalog,
      events: this.events,
      streamBatchSize: this.options.streamBatchSize,
      calls: this.calls,
    };
  }

  toJSON(): object {
    const { host, port, hosts, database, user, targetSessionAttrs } = this.options;
    const { hosts: _perNode, ...pool } = this.pool.stats();
    const nodes =
      hosts.length > 1 ? { hosts: hosts.map((node) => `${node.host}:${node.port}`) } : { host, port };
    return { ...nodes, database, user, tls: this.options.tls.mode, targetSessionAttrs, pool };
  }
}

// util.inspect shows this instead of the fields (isolatedDeclarations rejects a computed method).
Object.defineProperty(CockroachDBClient.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value(this: CockroachDBClient): string {
    return `CockroachDBClient ${JSON.stringify(this.toJSON())}`;
  },
});

const SHARED: TryAcquireOptions = Object.freeze({ shared: true });

/**
 * How a call waits for a pooled session: until the call's deadline or abort (a `TimeoutError`), or
 * the pool's own `acquireTimeoutMs` when that comes first (you set that limit). A node failure it
 * waits out is noted on the call, so its timeout names it.
 */
function exclusiveFor(call: CallContext | undefined): SessionLeaseOptions {
  return call === undefined ? {} : { signal: call.signal, call };
}

function sharedFor(call: CallContext | undefined): SessionLeaseOptions {
  return call === undefined ? SHARED : { shared: true, signal: call.signal, call };
}

/** A connection error raised before the statement reached the server. */
function isNotSent(error: unknown): boolean {
  return error instanceof ConnError && error.retryable && error.details['written'] !== true;
}

/** Sends ROLLBACK on `connection` behind what it is running; a session that fails it is closed. */
function rollBackBehind(connection: CockroachConnection): void {
  if (!connection.usable) return;
  connection.query({ text: 'ROLLBACK', values: [] }).catch(() => connection.destroy());
}
