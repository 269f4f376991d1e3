import {
  type CallContext,
  type CallOptions,
  CallRunner,
  type ConnError,
  createEventPublisher,
  type EventPublisher,
  isConnError,
  type Lease,
  type Pool,
  type PoolStats,
  type Secret,
} from '@conn/core';
import { createConnectionPool } from './client-pool.js';
import { ZTeraDBConnection } from './connection.js';
import {
  type FromEnvOptions,
  optionsFromEnv,
  optionsFromUrl,
  type ResolvedZTeraDBOptions,
  resolveOptions,
  type ZTeraDBClientOptions,
} from './options.js';
import { planQuery, type QueryPlan, type ZTeraDBQueryInput } from './query-plan.js';
import { ZTeraDBRows } from './rows.js';
import type { ZTeraDBResultOf } from './stream/answer-reader.js';
import { RowFeed } from './stream/row-feed.js';
import type { ZqlQuery } from './zql/query.js';

/** The row type a query builder was made for (`ZTeraDBQuery<User>('user')` → `User`). */
export type ZTeraDBRowOf<Q> = Q extends ZqlQuery<infer Row, infer _Kind> ? Row : Record<string, unknown>;

type SingleKind = keyof ZTeraDBResultOf;

/** Rows read ahead of a slow `for await` before the socket is paused. */
const ROW_FEED_HIGH_WATER_MARK = 512;

/** A session the server ended (token expired or dropped): a read is tried once more on a fresh connection. */
const isSessionEnded = (error: unknown): error is ConnError =>
  isConnError(error) && error.details['sessionEnded'] === true;

/**
 * A ZTeraDB database: a pool of authenticated connections (core's `Pool`: `min` kept open, at most
 * `max`, callers waiting at most `acquireTimeoutMs`), every call on core's `CallRunner` (one
 * deadline, `signal`, typed errors, tracing channels `conn:zteradb:<operation>`).
 *
 * @example
 * await using db = ZTeraDBClient.fromUrl(process.env.ZTERADB_URL!);
 * for await (const user of db.run(ZTeraDBQuery<User>('user').select().limit(0, 10))) console.log(user.email);
 * const { lastInsertId } = await db.insert(ZTeraDBQuery('user').insert().fields({ email: 'a@x.io' }));
 */
export class ZTeraDBClient implements AsyncDisposable {
  readonly #options: ResolvedZTeraDBOptions;
  readonly #pool: Pool<ZTeraDBConnection>;
  readonly #calls: CallRunner;
  /** Aborts handshakes that are not the pool's (`ping()`) when the client closes. */
  readonly #closing = new AbortController();
  #closed = false;

  /** @throws ConfigError naming the bad option, before any I/O. */
  constructor(options: ZTeraDBClientOptions) {
    this.#options = resolveOptions(options);
    const events: EventPublisher = this.#options.events ?? createEventPublisher('zteradb');
    this.#pool = createConnectionPool(this.#options, events);
    this.#calls = new CallRunner({
      packageName: 'zteradb',
      clientName: 'ZTeraDB client',
      isClosed: () => this.#closed,
      defaultTimeoutMs: this.#options.timeoutMs,
    });
  }

  /**
   * A client from `zteradb://<accessKey>:<secretKey>@<host>[:<port>]/<databaseId>?clientKey=…&env=…`
   * (the test server's `url` as it is), with `overrides` on top.
   */
  static fromUrl(url: string | Secret, overrides: Partial<ZTeraDBClientOptions> = {}): ZTeraDBClient {
    return new ZTeraDBClient(optionsFromUrl(url, overrides));
  }

  /**
   * A client from the service's `.env` names (`CLIENT_KEY`, `ACCESS_KEY`, `SECRET_KEY`,
   * `DATABASE_ID`, `ZTERADB_ENV`, `ZTERADB_HOST`, …, each optionally prefixed). Reads `env` only
   * when called. @throws ConfigError naming every missing or malformed variable.
   */
  static fromEnv(
    env: Readonly<Record<string, string | undefined>> = process.env,
    options: FromEnvOptions = {},
  ): ZTeraDBClient {
    return new ZTeraDBClient(optionsFromEnv(env, options));
  }

  /** The pool's counters now: open, idle and leased connections, callers waiting, `min`, `max`. */
  stats(): PoolStats {
    return this.#pool.stats();
  }

  /** True after `close()`. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /**
   * Opens (or reuses) one authenticated connection now, so bad keys or an unreachable server fail
   * here rather than at the first query. Optional: every call connects on demand.
   */
  connect(options: CallOptions = {}): Promise<void> {
    return this.#calls.run({ operation: 'connect' }, options, async (call) => {
      (await this.#acquire(call)).release();
    });
  }

  /**
   * Checks the server end to end: opens a new connection, authenticates (CONNECT, CONNECTED, the
   * server's proof) and closes it; resolves with the time that took. ZTeraDB defines a PING
   * request but no client sends it and its answer is undocumented, so a full handshake is the
   * cheapest round trip known to prove the server is up and the keys are good. Pooled
   * connections are not touched.
   */
  ping(
    options: CallOptions = {},
  ): Promise<{ readonly host: string; readonly port: number; readonly latencyMs: number }> {
    return this.#calls.run({ operation: 'ping' }, options, async (call) => {
      const { host, port } = this.#options;
      call.target = { host, port };
      const started = performance.now();
      const signals = [this.#closing.signal, call.signal].filter((signal) => signal !== undefined);
      const connection = await ZTeraDBConnection.open(this.#options, AbortSignal.any(signals));
      const latencyMs = performance.now() - started;
      connection.destroy();
      return { host, port, latencyMs };
    });
  }

  /**
   * Runs a select and returns its rows as they arrive (one frame each, read with backpressure):
   * `for await (const row of client.run(q))`, or `toArray()` / `first()`. Nothing is sent before
   * the rows are read. One call covers the wait for a connection and the whole answer (its
   * deadline, `signal` and trace). Leaving the loop early reads the rest for a short grace to
   * keep the connection, or cancels the answer on the server and replaces the connection; it is
   * never lent again half-read. A select that fails because the server ended the session, before
   * any row arrived, is tried once more on a fresh connection.
   * @throws ConfigError `CONN_ZTERADB_QUERY` at once for a query that is not a select.
   * @throws (while iterating) `ZTeraDBQueryError` for a server error frame, core's timeout, abort,
   * pool and connection errors, `ClientClosedError` after `close()`.
   */
  run<Q extends ZTeraDBQueryInput>(query: Q, options: CallOptions = {}): ZTeraDBRows<ZTeraDBRowOf<Q>> {
    const plan = planQuery(query, ['select']);
    return new ZTeraDBRows(() => this.#stream<ZTeraDBRowOf<Q>>(plan, options));
  }

  /** The number of rows the count query (`ZTeraDBQuery('t').count()`) matches. */
  async count(query: ZTeraDBQueryInput, options: CallOptions = {}): Promise<number> {
    return (await this.#single('count', query, options)).count;
  }

  /** Inserts one row; resolves with the server's id for it. */
  insert(query: ZTeraDBQueryInput, options: CallOptions = {}): Promise<ZTeraDBResultOf['insert']> {
    return this.#single('insert', query, options);
  }

  /** Runs an update; `isUpdated` is the server's answer. */
  update(query: ZTeraDBQueryInput, options: CallOptions = {}): Promise<ZTeraDBResultOf['update']> {
    return this.#single('update', query, options);
  }

  /** Runs a delete; `isDeleted` is the server's answer. */
  delete(query: ZTeraDBQueryInput, options: CallOptions = {}): Promise<ZTeraDBResultOf['delete']> {
    return this.#single('delete', query, options);
  }

  /**
   * Closes every connection: waits up to `timeoutMs` (default the pool's 30 s) for those in use,
   * then destroys them; handshakes under way are abandoned. Later calls fail with
   * `ClientClosedError`. Idempotent.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#closed = true;
    this.#closing.abort(this.#calls.closedError());
    await this.#pool.close(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Host, port, database and settings; never a key (they are `Secret`s). */
  toJSON(): Record<string, unknown> {
    const { host, port, databaseId, env, pool, timeoutMs } = this.#options;
    return { host, port, databaseId, env, tls: this.#options.tls !== undefined, pool, timeoutMs };
  }

  /** A lease for this call; its deadline and signal bound the wait (`PoolTimeoutError` after `acquireTimeoutMs`). */
  async #acquire(call: CallContext): Promise<Lease<ZTeraDBConnection>> {
    // The call's signal aborts the pool wait at the call's end, so no lease arrives for nobody.
    const lease = await this.#pool.acquire({ signal: call.signal });
    // The call may have ended while the grant was on its way: give the lease straight back.
    if (call.reason !== undefined) {
      lease.release();
      throw call.reason;
    }
    call.target = { host: this.#options.host, port: this.#options.port };
    return lease;
  }

  #single<K extends SingleKind>(
    kind: K,
    query: ZTeraDBQueryInput,
    options: CallOptions,
  ): Promise<ZTeraDBResultOf[K]> {
    let plan: QueryPlan;
    try {
      plan = planQuery(query, [kind]);
    } catch (error) {
      return Promise.reject(error);
    }
    const spec = { operation: kind, statement: plan.statement, write: kind !== 'count' };
    return this.#calls.run(spec, options, async (call) => {
      try {
        return await this.#singleAttempt<K>(plan, call);
      } catch (error) {
        // A count is a read: a session the server ended is worth one fresh connection.
        if (kind !== 'count' || !isSessionEnded(error)) throw error;
        call.noteFailure(error);
        return await this.#singleAttempt<K>(plan, call);
      }
    });
  }

  async #singleAttempt<K extends SingleKind>(
    plan: QueryPlan,
    call: CallContext,
  ): Promise<ZTeraDBResultOf[K]> {
    const lease = await this.#acquire(call);
    try {
      call.markSent();
      for await (const event of lease.resource.query(plan, { cancel: call })) {
        if (event.type === 'result') return event.result as ZTeraDBResultOf[K];
      }
      // The reader yields a result or throws; an answer without one never gets here.
      throw new TypeError(`ZTeraDB ${plan.kind}: the answer ended without a result`);
    } finally {
      lease.release();
    }
  }

  /**
   * The rows of one select: a producer task (one call: pool wait, request and whole answer) hands
   * rows to the caller's loop through a {@link RowFeed}, which pauses it when the loop is behind.
   */
  #stream<Row>(plan: QueryPlan, options: CallOptions): RowFeed<Row> {
    const feed = new RowFeed<Row>(ROW_FEED_HIGH_WATER_MARK);
    this.#calls
      .run({ operation: 'run', statement: plan.statement }, options, async (call) => {
        try {
          await this.#streamAttempt(plan, call, feed);
        } catch (error) {
          if (feed.pushed > 0 || feed.consumerLeft || !isSessionEnded(error)) throw error;
          call.noteFailure(error);
          await this.#streamAttempt(plan, call, feed);
        }
      })
      .then(
        () => feed.end(),
        (error: unknown) => feed.fail(error),
      );
    return feed;
  }

  async #streamAttempt<Row>(plan: QueryPlan, call: CallContext, feed: RowFeed<Row>): Promise<void> {
    const lease = await this.#acquire(call);
    try {
      for await (const event of lease.resource.query(plan, { cancel: call })) {
        if (feed.consumerLeft) break;
        if (event.type === 'rows' && !feed.pushAll(event.rows as Row[])) {
          await feed.room();
          if (feed.consumerLeft) break;
        }
      }
    } finally {
      lease.release();
    }
  }
}
