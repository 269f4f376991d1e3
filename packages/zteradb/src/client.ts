import {
  type CallContext,
  type CallOptions,
  CallRunner,
  createEventPublisher,
  type EventPublisher,
  type Lease,
  type Pool,
  type Secret,
} from '@conn/core';
import { createConnectionPool } from './client-pool.js';
import type { ZTeraDBConnection, ZTeraDBQueryInput } from './connection.js';
import {
  type FromEnvOptions,
  optionsFromEnv,
  optionsFromUrl,
  type ResolvedZTeraDBOptions,
  resolveOptions,
  type ZTeraDBClientOptions,
} from './options.js';
import { ZTeraDBRows } from './rows.js';
import type { ZTeraDBResultOf } from './stream/answer-reader.js';
import type { ZqlQuery } from './zql/query.js';

/** The row type a query builder was made for (`ZTeraDBQuery<User>('user')` → `User`). */
export type ZTeraDBRowOf<Q> = Q extends ZqlQuery<infer Row, infer _Kind> ? Row : Record<string, unknown>;

type SingleKind = keyof ZTeraDBResultOf;

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
   * Runs a select and returns its rows as they arrive (one frame each, read with backpressure):
   * `for await (const row of client.run(q))`, or `toArray()` / `first()`. Nothing is sent before
   * the rows are read. The deadline covers the wait for a connection and the whole answer; leaving
   * the loop early cancels the answer on the server and replaces the connection.
   * @throws (while iterating) `ZTeraDBQueryError` for a server error frame, core's timeout, abort,
   * pool and connection errors, `ClientClosedError` after `close()`.
   */
  run<Q extends ZTeraDBQueryInput>(query: Q, options: CallOptions = {}): ZTeraDBRows<ZTeraDBRowOf<Q>> {
    return new ZTeraDBRows(() => this.#stream<ZTeraDBRowOf<Q>>(query, options));
  }

  /** The number of rows the count query matches. */
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
   * then destroys them. Later calls fail with `ClientClosedError`. Idempotent.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#closed = true;
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

  async #single<K extends SingleKind>(
    kind: K,
    query: ZTeraDBQueryInput,
    options: CallOptions,
  ): Promise<ZTeraDBResultOf[K]> {
    return this.#calls.run({ operation: kind, write: kind !== 'count' }, options, async (call) => {
      const lease = await this.#acquire(call);
      try {
        call.markSent();
        for await (const event of lease.resource.query(query, { cancel: call, timeoutMs: finite(call) })) {
          if (event.type === 'result') return event.result as ZTeraDBResultOf[K];
        }
        throw new TypeError(`ZTeraDB ${kind}: the answer ended without a result`);
      } finally {
        lease.release();
      }
    });
  }

  async *#stream<Row>(query: ZTeraDBQueryInput, options: CallOptions): AsyncGenerator<Row, void, undefined> {
    let deadline = 0;
    const lease = await this.#calls.run({ operation: 'run' }, options, async (call) => {
      const acquired = await this.#acquire(call);
      deadline = call.remainingMs();
      return acquired;
    });
    try {
      // The rest of the call's one deadline bounds the answer.
      const timeoutMs = Number.isFinite(deadline) ? Math.max(1, deadline) : undefined;
      for await (const event of lease.resource.query(query, { signal: options.signal, timeoutMs })) {
        if (event.type === 'row') yield event.row as Row;
      }
    } finally {
      lease.release();
    }
  }
}

/** What is left of the call's deadline for the request; `undefined` for none. */
function finite(call: CallContext): number | undefined {
  const remaining = call.remainingMs();
  return Number.isFinite(remaining) ? Math.max(1, remaining) : undefined;
}
