import {
  type CallOptions,
  ConfigError,
  ConnectionError,
  type EventPublisher,
  type Lease,
  Pool,
  type PoolStats,
  type Secret,
} from '@conn/core';
import type pg from 'pg';
import { Catalog } from './catalog.js';
import type { CockroachConnection, ServerKind } from './connection.js';
import { connectionFactory } from './connection-factory.js';
import { defaultEvents, instrumented } from './events.js';
import { type CockroachDBOptions, type ResolvedOptions, resolveOptions } from './options.js';
import type { QueryOptions, StreamOptions } from './query-options.js';
import { RowStream } from './result-stream.js';
import { type RunInTransactionOptions, runInTransaction } from './run-in-transaction.js';
import { SharedConnections } from './shared-connections.js';
import {
  type CreateDatabaseOptions,
  createDatabaseStatement,
  dropDatabaseStatement,
} from './sql/ddl-statements.js';
import type { Statement } from './sql/statement.js';
import { SqlExecutor } from './sql-executor.js';
import { Transaction } from './transaction.js';
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
  private readonly pool: Pool<CockroachConnection>;
  private readonly shared: SharedConnections;
  private readonly tableCatalog = new Catalog();
  private readonly events: EventPublisher;
  private detectedServer: { kind: ServerKind; version: string } | undefined;

  constructor(options: CockroachDBOptions = {}) {
    super();
    this.options = resolveOptions(options);
    this.events = this.options.events ?? defaultEvents;
    const { pool } = this.options;
    this.pool = new Pool(
      connectionFactory(this.options, (connection) => {
        this.detectedServer ??= { kind: connection.serverKind, version: connection.serverVersion };
      }),
      {
        name: 'cockroachdb',
        min: pool.min,
        max: pool.max,
        idleTimeoutMs: pool.idleTimeoutMs,
        maxLifetimeMs: pool.maxLifetimeMs,
        lifetimeJitterMs: pool.lifetimeJitterMs,
        acquireTimeoutMs: pool.acquireTimeoutMs,
        validateAfterIdleMs: pool.validateAfterIdleMs,
        createTimeoutMs: this.options.connectTimeoutMs,
        events: this.events,
      },
    );
    this.shared = new SharedConnections(this.pool, this.options.pipelineDepth, pool.max);
  }

  /**
   * Options from a connection URL (`postgresql://user:pass@host:26257/db?sslmode=verify-full&…`),
   * with `overrides` applied on top (e.g. `{ pool: { max: 20 } }`).
   */
  static fromUrl(url: string | Secret, overrides: CockroachDBOptions = {}): CockroachDBClient {
    const parsed = parseCockroachUrl(url);
    return new CockroachDBClient({ ...parsed, ...overrides, tls: { ...parsed.tls, ...overrides.tls } });
  }

  /**
   * Opens the pool's first session now, so bad credentials or an unreachable server fail here
   * rather than at the first query. Optional: every method connects on demand.
   */
  async connect(options: CallOptions = {}): Promise<void> {
    const lease = await this.pool.acquire(options);
    lease.release();
  }

  /** `cockroachdb` or `postgresql`, once a session was opened (`connect()` or any query). */
  get server(): { readonly kind: ServerKind; readonly version: string } | undefined {
    return this.detectedServer;
  }

  /** Pool counters: size, idle, leased, pending creates, waiting callers. */
  stats(): PoolStats {
    return this.pool.stats();
  }

  /** Closes every session; waits up to `timeoutMs` (default 10 s) for leased ones to come back. */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.pool.close(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Starts a transaction pinned to one session. Statements and CRUD helpers on the returned object
   * run inside it; `commit()` ends it; leaving an `await using` block without commit rolls it back.
   * No automatic retry: use {@link runInTransaction} for that.
   */
  async transaction(options: TransactionOptions & CallOptions = {}): Promise<Transaction> {
    const lease = await this.pool.acquire(options);
    try {
      const begin = beginStatement(options, lease.resource.serverKind);
      await lease.resource.query(
        { text: begin, values: [] },
        { signal: options.signal, timeoutMs: options.timeoutMs },
      );
    } catch (error) {
      if (lease.resource.usable && lease.resource.transactionStatus === 'I') lease.release();
      else lease.destroy();
      throw error;
    }
    return new Transaction(this.transactionHost(), lease.resource, lease, false);
  }

  /**
   * Runs `fn` in a transaction, retrying it when the server asks (40001), with CockroachDB's
   * `SAVEPOINT cockroach_restart` protocol. Returns what `fn` returns.
   * @throws AmbiguousCommitError when the commit may or may not have happened (never retried unless `idempotent`).
   * @throws MaxRetriesExceededError after `maxRetries` retries (default 10); `cause` is the last error.
   */
  runInTransaction<T>(
    fn: (tx: Transaction) => Promise<T>,
    options: RunInTransactionOptions = {},
  ): Promise<T> {
    return runInTransaction(
      { ...this.transactionHost(), acquire: (callOptions) => this.pool.acquire(callOptions) },
      fn,
      options,
    );
  }

  /** `CREATE DATABASE` (default `IF NOT EXISTS`; checked in the catalog first on PostgreSQL, which lacks it). */
  async createDatabase(name: string, options: CreateDatabaseOptions & CallOptions = {}): Promise<void> {
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
  }

  /** `DROP DATABASE` (default `IF EXISTS`). */
  async dropDatabase(name: string, options: { ifExists?: boolean } & CallOptions = {}): Promise<void> {
    await this.runStatement(
      { text: dropDatabaseStatement(name, options), values: [] },
      { ...options, singleStatement: true },
    );
  }

  protected override get catalog(): Catalog {
    return this.tableCatalog;
  }

  protected override async serverKind(options: CallOptions): Promise<ServerKind> {
    if (this.detectedServer === undefined) await this.connect(options);
    if (this.detectedServer === undefined)
      throw new ConnectionError('no session could be opened to detect the server');
    return this.detectedServer.kind;
  }

  protected override atomically<T>(
    fn: (executor: SqlExecutor) => Promise<T>,
    options: CallOptions,
  ): Promise<T> {
    return this.runInTransaction((tx) => fn(tx), { signal: options.signal, timeoutMs: options.timeoutMs });
  }

  protected override runStatement(
    statement: Statement,
    options: QueryOptions & { singleStatement?: boolean | undefined },
  ): Promise<pg.QueryResult> {
    const statementOptions = {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      rowMode: options.rowMode === 'array' ? ('array' as const) : undefined,
      singleStatement: options.singleStatement,
    };
    const run = (connection: CockroachConnection): Promise<pg.QueryResult> =>
      instrumented(this.events, statement, () => connection.query(statement, statementOptions));
    // A cancel would hit whatever runs on the session, so a cancellable statement gets one to itself.
    if (options.signal !== undefined || options.timeoutMs !== undefined) return this.exclusive(run, options);
    return this.shared.run(run, options);
  }

  protected override streamStatement<T>(statement: Statement, options: StreamOptions): AsyncIterable<T> {
    const batchSize = options.batchSize ?? this.options.streamBatchSize;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new ConfigError('batchSize must be a positive integer', { field: 'batchSize' });
    }
    return new RowStream<T>(
      async () => {
        const lease = await this.pool.acquire(options);
        return { connection: lease.resource, finish: () => giveBack(lease) };
      },
      statement,
      options,
      batchSize,
    );
  }

  private async exclusive<R>(
    fn: (connection: CockroachConnection) => Promise<R>,
    options: CallOptions,
  ): Promise<R> {
    const lease = await this.pool.acquire(options);
    try {
      return await fn(lease.resource);
    } finally {
      giveBack(lease);
    }
  }

  private transactionHost(): { catalog: Catalog; events: EventPublisher; streamBatchSize: number } {
    return { catalog: this.tableCatalog, events: this.events, streamBatchSize: this.options.streamBatchSize };
  }

  toJSON(): object {
    const { host, port, database, user } = this.options;
    return { host, port, database, user, tls: this.options.tls.mode, pool: this.pool.stats() };
  }
}

// util.inspect shows this instead of the fields (isolatedDeclarations rejects a computed method).
Object.defineProperty(CockroachDBClient.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value(this: CockroachDBClient): string {
    return `CockroachDBClient ${JSON.stringify(this.toJSON())}`;
  },
});

function giveBack(lease: Lease<CockroachConnection>): void {
  const connection = lease.resource;
  if (connection.usable && connection.transactionStatus === 'I') lease.release();
  else lease.destroy();
}
