import {
  type CallContext,
  type CallOptions,
  CallRunner,
  type ConnError,
  ConnectionError,
  createEventPublisher,
  type EventPublisher,
  isConnError,
  type Lease,
  type Pool,
  type PoolStats,
  retry,
  type Secret,
  sleep,
} from '@conn/core';
import { createConnectionPool } from './client-pool.js';
import type { ApertureDBConnection } from './connection.js';
import { ApertureDBErrorCode, errorFromResponse } from './errors.js';
import { exchange, parseAnswer } from './exchange.js';
import type { ApertureDBKey } from './key.js';
import {
  type ApertureDBClientOptions,
  type ApertureDBRetryMode,
  callRetryMode,
  type FromEnvOptions,
  optionsFromEnv,
  optionsFromKey,
  optionsFromUrl,
  type ResolvedApertureDBOptions,
  resolveOptions,
} from './options.js';
import {
  type ParallelItem,
  type ParallelOptions,
  type ParallelResult,
  runParallel,
} from './parallel/index.js';
import type { QueryMessage } from './protocol/query-message.js';
import {
  type ApertureDBQueryInput,
  checkQueryArguments,
  type PreparedQuery,
  prepareQuery,
} from './query-input.js';
import type { ApertureDBResponse } from './response.js';
import { type SessionCounts, SessionManager, type SessionSend } from './session/session-manager.js';

/** Options of one {@link ApertureDBClient.query}. */
export interface ApertureDBQueryOptions extends CallOptions {
  /**
   * When a query that failed on the way may be sent again: `'safe'` (default: when it provably was
   * not written, or when every command only reads), `'always'` (you know it is idempotent),
   * `'never'`. Overrides the client's `retry`.
   */
  readonly retry?: ApertureDBRetryMode | undefined;
}

/** What a query returns: the parsed response and the blobs, in transaction order. */
export interface ApertureDBQueryResult {
  readonly response: ApertureDBResponse;
  readonly blobs: Uint8Array[];
}

/** The pool's counters and the session's exchanges. */
export interface ApertureDBClientStats extends PoolStats {
  readonly sessions: SessionCounts;
}

/**
 * An ApertureDB database: a pool of connections (core's `Pool`) sharing one session (Authenticate
 * once, refreshed before it expires, re-authenticated when the server forgot it), every call on
 * core's `CallRunner` (one deadline, `signal`, typed errors, tracing channels
 * `conn:aperturedb:<operation>`).
 *
 * @example
 * await using db = ApertureDBClient.fromUrl('aperturedb://admin:admin@localhost:55555');
 * const { response } = await db.query([{ FindEntity: { with_class: 'Person', results: { all_properties: true } } }]);
 */
export class ApertureDBClient implements AsyncDisposable {
  readonly #options: ResolvedApertureDBOptions;
  readonly #pool: Pool<ApertureDBConnection>;
  readonly #calls: CallRunner;
  readonly #sessions: SessionManager;
  /** The credentials an error message must never quote. */
  readonly #redaction: { readonly secrets: readonly (Secret | undefined)[] };
  /** Where every call goes, for its trace (one object for all calls). */
  readonly #target: { readonly host: string; readonly port: number };
  #closed = false;

  /** @throws ConfigError naming the bad option, before any I/O. */
  constructor(options: ApertureDBClientOptions = {}) {
    this.#options = resolveOptions(options);
    const events: EventPublisher = this.#options.events ?? createEventPublisher('aperturedb');
    this.#pool = createConnectionPool(this.#options, events);
    this.#target = { host: this.#options.host, port: this.#options.port };
    // As the SDK's TCP connector: RefreshToken carries the about-to-expire session token.
    this.#sessions = new SessionManager(this.#options, { refreshWithSessionToken: true });
    const { auth } = this.#options;
    this.#redaction = {
      secrets: [
        auth.kind === 'password' ? auth.password : undefined,
        auth.kind === 'token' ? auth.token : undefined,
      ],
    };
    this.#calls = new CallRunner({
      packageName: 'aperturedb',
      clientName: 'ApertureDB client',
      isClosed: () => this.#closed,
      defaultTimeoutMs: this.#options.timeoutMs,
    });
  }

  /** A client from `aperturedb://<user>:<password>@<host>[:<port>]?useSsl=…`, with `overrides` on top. */
  static fromUrl(url: string | Secret, overrides: Partial<ApertureDBClientOptions> = {}): ApertureDBClient {
    return new ApertureDBClient({ ...optionsFromUrl(url), ...overrides });
  }

  /** A client from an `APERTUREDB_KEY` string (the SDK's format), with `overrides` on top. */
  static fromKey(
    key: string | Secret | ApertureDBKey,
    overrides: Partial<ApertureDBClientOptions> = {},
  ): ApertureDBClient {
    return new ApertureDBClient({ ...optionsFromKey(key), ...overrides });
  }

  /** A client from `APERTUREDB_KEY` or `APERTUREDB_JSON` (optionally prefixed). @throws ConfigError naming every bad variable. */
  static fromEnv(
    env: Readonly<Record<string, string | undefined>> = process.env,
    options: FromEnvOptions = {},
  ): ApertureDBClient {
    return new ApertureDBClient(optionsFromEnv(env, options));
  }

  /** True after `close()`. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** The pool's counters, and how many Authenticate and RefreshToken exchanges were made. */
  stats(): ApertureDBClientStats {
    return { ...this.#pool.stats(), sessions: this.#sessions.counts };
  }

  /**
   * Opens (or reuses) one connection and the session now, so a refused protocol, a bad
   * certificate or bad credentials fail here rather than at the first query. Optional.
   */
  connect(options: CallOptions = {}): Promise<void> {
    return this.#calls.run({ operation: 'connect' }, options, async (call) => {
      const leased = this.#lease(call);
      const lease = leased instanceof Promise ? await leased : leased;
      try {
        await this.#sessions.token(sendOn(lease.resource), () => call.signal);
      } catch (error) {
        endLease(lease, error);
        throw error;
      }
      lease.release();
    });
  }

  /** One `GetStatus` round trip, for readiness checks. */
  ping(
    options: CallOptions = {},
  ): Promise<{ readonly host: string; readonly port: number; readonly latencyMs: number }> {
    const prepared = prepareQuery([{ GetStatus: {} }]);
    return this.#calls.run({ operation: 'ping', statement: prepared.statement }, options, async (call) => {
      const started = performance.now();
      await this.#attempt(prepared, [], call, { sent: false });
      return { host: this.#options.host, port: this.#options.port, latencyMs: performance.now() - started };
    });
  }

  /**
   * Runs one transaction: `query` is the array of commands (or its JSON text), `blobs` the blobs
   * its commands consume in order. Resolves with the response and the returned blobs.
   * @throws ApertureDBTransactionError when the transaction or a command failed (`commandIndex`,
   * `serverMessage`), ApertureDBAuthenticationError for refused credentials, ConfigError
   * `CONN_APERTUREDB_QUERY_ARGUMENT` for a malformed query (nothing sent), core's connection,
   * timeout and abort errors. A query that may have changed data and failed on the way says so
   * (`details.mayHaveExecuted`); it is sent again only as `retry` allows.
   */
  query(
    query: ApertureDBQueryInput,
    blobs: readonly Uint8Array[] = [],
    options: ApertureDBQueryOptions = {},
  ): Promise<ApertureDBQueryResult> {
    let prepared: PreparedQuery;
    let mode: ApertureDBRetryMode;
    try {
      prepared = prepareQuery(query);
      checkQueryArguments(blobs, options);
      mode = callRetryMode(options.retry, this.#options.retry);
    } catch (error) {
      return Promise.reject(error);
    }
    const spec = { operation: 'query', statement: prepared.statement, write: !prepared.readOnly };
    return this.#calls.run(spec, options, (call) => {
      const progress = { sent: false };
      // The first try runs outside the retry loop: most calls succeed at once and pay for no loop.
      const first = this.#attempt(prepared, blobs, call, progress);
      if (this.#options.retryMaxAttempts < 2) return first;
      return first.catch((error: unknown) => this.#retryAfter(error, prepared, blobs, call, progress, mode));
    });
  }

  /** The tries after a failed first one, as far as `mode` and `retryMaxAttempts` allow. */
  async #retryAfter(
    error: unknown,
    prepared: PreparedQuery,
    blobs: readonly Uint8Array[],
    call: CallContext,
    progress: { sent: boolean },
    mode: ApertureDBRetryMode,
  ): Promise<ApertureDBQueryResult> {
    if (!mayResend(error, progress.sent, prepared.readOnly, mode)) throw error;
    call.noteFailure(error as ConnError);
    await sleep(this.#options.retryIntervalMs, undefined, call);
    return await retry(
      () => {
        progress.sent = false;
        return this.#attempt(prepared, blobs, call, progress);
      },
      {
        attempts: this.#options.retryMaxAttempts - 1,
        cancel: call,
        backoff: () => this.#options.retryIntervalMs,
        isRetryable: (failure) => mayResend(failure, progress.sent, prepared.readOnly, mode),
        onRetry: (failure) => call.noteFailure(failure as ConnError),
      },
    );
  }

  /**
   * Runs many small units of work (`{ commands, blobs? }` each, e.g. an AddEntity and its
   * AddConnection) as batched transactions, `concurrency` at a time, renumbering `_ref`s so items
   * of one batch never collide; reads `source` only as fast as batches finish. Counts what
   * succeeded, already existed (status 2) and failed, like the SDK's `ParallelQuery`.
   */
  parallel(
    source: Iterable<ParallelItem> | AsyncIterable<ParallelItem>,
    options: ParallelOptions = {},
  ): Promise<ParallelResult> {
    return runParallel(this, source, options);
  }

  /**
   * Closes every connection: waits up to `timeoutMs` (default the pool's 30 s) for those in use,
   * then destroys them. Later calls fail with `ClientClosedError`. Idempotent.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#closed = true;
    this.#sessions.clear();
    await this.#pool.close(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Host, port and settings; never a password or token (they are `Secret`s). */
  toJSON(): Record<string, unknown> {
    const { host, port, pool, timeoutMs, retry: retryMode } = this.#options;
    return { host, port, useSsl: this.#options.tls !== undefined, pool, timeoutMs, retry: retryMode };
  }

  /**
   * A lease for this call: an idle connection at once, without a promise (the common case);
   * otherwise a wait bounded by the call's deadline and signal.
   */
  #lease(call: CallContext): Lease<ApertureDBConnection> | Promise<Lease<ApertureDBConnection>> {
    call.target = this.#target;
    return this.#pool.tryAcquire() ?? this.#acquire(call);
  }

  async #acquire(call: CallContext): Promise<Lease<ApertureDBConnection>> {
    const lease = await this.#pool.acquire({ signal: call.signal });
    if (call.reason !== undefined) {
      lease.release();
      throw call.reason;
    }
    return lease;
  }

  /**
   * One try: a connection, the session, the request. A session the server no longer knows
   * ("Not Authenticated!", e.g. after a restart) is replaced and the request sent once more: the
   * server refused it before running it.
   */
  async #attempt(
    prepared: PreparedQuery,
    blobs: readonly Uint8Array[],
    call: CallContext,
    progress: { sent: boolean },
  ): Promise<ApertureDBQueryResult> {
    const leased = this.#lease(call);
    const lease = leased instanceof Promise ? await leased : leased;
    try {
      const connection = lease.resource;
      // A fresh session costs no promise: the common case.
      const now = this.#sessions.tokenNow();
      let token = now === null ? await this.#sessions.token(sendOn(connection), () => call.signal) : now;
      // The send is inline (not a helper): one promise less per query.
      for (let renewed = false; ; renewed = true) {
        progress.sent = true;
        call.markSent();
        let answer: QueryMessage;
        try {
          answer = await connection.request(
            { json: prepared.json, blobs, token: token?.reveal() ?? '' },
            { cancel: call },
          );
        } catch (error) {
          // Provably not written: nothing can have run, whatever the query was.
          if (isConnError(error) && error.details['written'] === false) {
            progress.sent = false;
            call.markNotExecuted();
          }
          throw error;
        }
        const response = parseAnswer(answer.json);
        const failure = errorFromResponse(response, prepared.commands, this.#redaction);
        if (failure === undefined) {
          lease.release();
          return { response: response as ApertureDBResponse, blobs: answer.blobs };
        }
        if (renewed || failure.code !== 'CONN_APERTUREDB_SESSION_INVALID' || this.#sessions.disabled) {
          throw failure;
        }
        // The server refused the session before running anything: a new one, and the query once more.
        this.#sessions.rejected(token);
        token = await this.#sessions.token(sendOn(connection), () => call.signal);
      }
    } catch (error) {
      endLease(lease, error);
      throw error;
    }
  }
}

/**
 * Ends a lease after `error`: a connection that answered something we could not read as a response
 * (not JSON, or not one entry per command) is out of step with us and is destroyed, not lent again.
 */
function endLease(lease: Lease<ApertureDBConnection>, error: unknown): void {
  if (isConnError(error) && error.code === ApertureDBErrorCode.BAD_RESPONSE) lease.destroy(error);
  else lease.release();
}

/** The session's exchanges go out on the connection the caller holds. */
function sendOn(connection: ApertureDBConnection): SessionSend {
  return (json, token, signal) => exchange(connection, json, [], token, { signal });
}

/**
 * Whether a failed try may be sent again. Before the request left: when the failure says a new try
 * may succeed (a refused or dropped connection, a full pool). After it left, only for a lost
 * connection (never a server's answer: it ran, or it refused): a read-only query in `'safe'` mode,
 * any query in `'always'` mode. Nothing in `'never'` mode.
 */
function mayResend(error: unknown, sent: boolean, readOnly: boolean, mode: ApertureDBRetryMode): boolean {
  if (mode === 'never' || !isConnError(error)) return false;
  if (!sent) return error.retryable;
  return error instanceof ConnectionError && (mode === 'always' || readOnly);
}
