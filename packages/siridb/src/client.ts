import {
  asConnError,
  type CallContext,
  type CallOptions,
  CallRunner,
  ConfigError,
  ConnectionError,
  createEventPublisher,
  type EventPublisher,
  type HostLease,
  isConnError,
  PoolClosedError,
  type RequestOptions,
  raceWithSignal,
  retry,
  type Secret,
  sleep,
} from '@conn/core';
import type { SiriDBConnection } from './connection.js';
import { createHostPool, noHostError, type SiriDBHostPool } from './host-pool.js';
import { type HostStatus, hostStatuses } from './host-status.js';
import { encodeInsert, type SiriDBInsertData } from './insert-data.js';
import {
  INSERT_MANY_CALL,
  type InsertManyData,
  type InsertManyOptions,
  type InsertManyResult,
  runInsertMany,
} from './insert-many.js';
import { maskSiriDBSecrets } from './mask-secrets.js';
import {
  optionsFromUrl,
  type PrecisionOption,
  type ResolvedClientOptions,
  resolveClientOptions,
  type SiriDBClientOptions,
  type SiriDBHost,
} from './options.js';
import { checkInsertPayload, checkQueryText } from './package-size.js';
import { giveAnsweredBuffer } from './protocol/payload-reuse.js';
import { failureVerdict, type RequestKind, retryDecision } from './request-failure.js';
import { unsafeTextError } from './safe-text.js';
import { convertResult, parsePrecision, precisionNumber, type TimePrecision } from './time-precision.js';

export type { HostStatus } from './host-status.js';

/** Options of {@link SiriDBClient.query}. */
export interface QueryOptions extends CallOptions, PrecisionOption {
  /**
   * `client` (default): ask the server for the database's own precision and convert exactly on
   * the client. `server`: pass `timePrecision` to the server and let it convert, as the Python
   * connector does. SiriDB 2.0.55 converts through a C float: an ms database queried in seconds
   * returns 1700000080 for 1700000000123. Use `server` only for parity with existing code.
   */
  precisionMode?: 'client' | 'server' | undefined;
}

/** What an insert reports. */
export interface InsertResult {
  /** The server's `success_msg`, e.g. "Successfully inserted 10 point(s)." */
  readonly message: string;
  readonly seriesCount: number;
  readonly pointCount: number;
}

/**
 * A SiriDB client over a list of hosts: one multiplexed, authenticated connection per host;
 * requests go to a weighted random primary, to backups only when no primary is available;
 * hosts that fail sit out for `inactiveTimeMs`; lost connections reconnect in the background.
 * Every method follows the driver contract (`docs/driver-contract.md`): one deadline per call,
 * `signal`, typed errors, tracing on `conn:siridb:<operation>`.
 *
 * @example
 * await using client = new SiriDBClient({ username: 'iris', password: 'siri', dbname: 'dbtest',
 *   hostlist: [{ host: 'db1' }, { host: 'db2', backup: true }] });
 * await client.insert({ 'cpu.load': [[Date.now(), 0.42]] });
 * const result = await client.query('select mean(1h) from "cpu.load"');
 */
export class SiriDBClient implements AsyncDisposable {
  readonly #options: ResolvedClientOptions;
  readonly #events: EventPublisher;
  readonly #calls: CallRunner;
  /** Created on first use (`connect()` or a request), so a client nobody uses opens nothing. */
  #hostPool: SiriDBHostPool | undefined;
  #precisionLookup: PrecisionLookup | undefined;
  #closed = false;

  constructor(options: SiriDBClientOptions) {
    this.#options = resolveClientOptions(options);
    this.#events = options.events ?? createEventPublisher('siridb');
    this.#calls = new CallRunner({
      packageName: 'siridb',
      clientName: 'SiriDB client',
      isClosed: () => this.#closed,
      defaultTimeoutMs: this.#options.timeoutMs,
      maskStatement: maskSiriDBSecrets,
    });
  }

  /**
   * A client from `siridb://user:password@host1:9000,host2:9001/dbname?timeoutMs=5000`.
   * Percent-encode special characters of the password. `weights=3,1` and `backups=host2:9001`
   * describe the host list; other parameters are numeric options by name, `keepalive` and `int64`.
   */
  static fromUrl(url: string | Secret, overrides: Partial<SiriDBClientOptions> = {}): SiriDBClient {
    return new SiriDBClient(optionsFromUrl(url, overrides));
  }

  /** True after `close()`. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** Each host's state. */
  get hosts(): HostStatus[] {
    return hostStatuses(this.#options.hostlist, this.#hostPool?.stats());
  }

  /**
   * Connects and authenticates every host, once each. Resolves when every host's attempt has
   * ended and at least one host is ready (the failed ones keep reconnecting in the background);
   * rejects when none is: with the authentication error when credentials or the database were
   * refused, else a `ConnectionError` naming every host's failure. Optional: requests connect on
   * first use.
   */
  connect(options: CallOptions = {}): Promise<void> {
    return this.#calls.run({ operation: 'connect' }, options, async (call) => {
      const attempts = await this.#hosts()
        .connectAll({ signal: call.signal })
        .catch((error: unknown) => {
          throw this.#closedOr(error);
        });
      if (attempts.some((attempt) => attempt.error === undefined)) return;
      throw noHostError(attempts);
    });
  }

  /**
   * Runs a query and returns the server's result map. Timestamps come back in `timePrecision`
   * (default: the database's), converted exactly on the client.
   */
  query(query: string, options: QueryOptions = {}): Promise<Record<string, unknown>> {
    if (typeof query !== 'string' || query.length === 0) {
      return Promise.reject(new ConfigError('query must be a non-empty string', { field: 'query' }));
    }
    // SiriDB runs a query only up to a NUL; a lone surrogate would be sent as U+FFFD
    const unsafe = unsafeTextError(query, 'the query', 'query');
    if (unsafe !== undefined) return Promise.reject(unsafe);
    const write = !READ_ONLY_QUERY.test(query);
    const spec = {
      operation: 'query',
      statement: query,
      write,
      defaultTimeoutMs: this.#options.queryTimeoutMs,
    };
    // Not an async function: the usual query (no precision conversion) keeps no frame of its own
    // alive while it waits, which counts with thousands in flight.
    return this.#calls.run(spec, options, (call) => {
      checkQueryText(query); // over 40 MiB the server would drop the connection (and all on it)
      const wanted = options.timePrecision;
      if (wanted !== undefined) precisionNumber(wanted);
      const serverSide = options.precisionMode === 'server';
      const sentPrecision = serverSide && wanted !== undefined ? precisionNumber(wanted) : null;
      const request: RequestOptions = { cancel: call };
      // a query that may change data is never sent again once it may have reached a server
      const raw = this.#attempt(write ? 'write-query' : 'query', call, (connection) =>
        connection.query(query, sentPrecision, request),
      );
      if (serverSide || wanted === undefined) return raw;
      return raw.then(async (result) => {
        const databasePrecision = await this.#getDatabasePrecision(call);
        return convertResult(result, databasePrecision, wanted, this.#options.int64);
      });
    });
  }

  /**
   * Inserts points: `{ 'series': [[ts, value], ...] }` or `[{ name, points }]`. Every point is
   * validated before anything is sent. Retried on another host after a server error and every
   * `poolErrorRetryMs` after a pool error, until the deadline; never sent again once it may have
   * reached a server: a timeout, abort or lost connection after that says
   * `details.mayHaveExecuted: true` (`retryable: false`).
   */
  insert(data: SiriDBInsertData, options: CallOptions = {}): Promise<InsertResult> {
    const spec = { operation: 'insert', write: true, defaultTimeoutMs: this.#options.insertTimeoutMs };
    return this.#calls.run(spec, options, async (call) => {
      const encoded = encodeInsert(data);
      checkInsertPayload(encoded.payload.length);
      const answer = await this.#attempt('insert', call, (connection) =>
        connection.insert(encoded.payload, { cancel: call }),
      );
      // Answered: the socket wrote every byte and the insert is never sent again.
      if (encoded.ownsBuffer) giveAnsweredBuffer(encoded.payload);
      const message = typeof answer['success_msg'] === 'string' ? answer['success_msg'] : '';
      return { message, seriesCount: encoded.seriesCount, pointCount: encoded.pointCount };
    });
  }

  /**
   * Inserts a lot of points in several requests: `data` in any form `insert()` takes, or an
   * iterable or async iterable of such batches. Cut into requests of at most `maxPointsPerRequest`
   * points (default 10_000) and `maxBytesPerRequest` bytes (default 1 MiB), sent one after
   * another (`concurrency`, default 1), each retried as `insert()` is. A batch is validated whole
   * before any of it is sent.
   * One deadline (`insertTimeoutMs`, else `timeoutMs`) for the whole call. On failure the error
   * (the class of what failed) says which requests were applied, refused, perhaps applied, or not
   * sent (`details`, `details.mayHaveExecuted`), and `insertManyReport(error)` lists their points.
   */
  insertMany(data: InsertManyData, options: InsertManyOptions = {}): Promise<InsertManyResult> {
    const spec = { ...INSERT_MANY_CALL, defaultTimeoutMs: this.#options.insertTimeoutMs };
    return this.#calls.run(spec, options, (call) =>
      runInsertMany(data, options, call, (payload, track) =>
        this.#attempt('insert', call, (connection) => track(connection.insert(payload, { cancel: call }))),
      ),
    );
  }

  /**
   * The cheapest authenticated round trip, for readiness checks: pings one available host and
   * resolves with its address and the round-trip time.
   */
  ping(options: CallOptions = {}): Promise<{ host: string; port: number; latencyMs: number }> {
    return this.#calls.run(
      { operation: 'ping', defaultTimeoutMs: this.#options.pingTimeoutMs },
      options,
      async (call) => {
        const lease = await this.#lease(call, true, NO_HOSTS);
        call.target = lease.host;
        try {
          const started = performance.now();
          await lease.resource.ping({ signal: call.signal });
          return { host: lease.host.host, port: lease.host.port, latencyMs: performance.now() - started };
        } finally {
          lease.release();
        }
      },
    );
  }

  /**
   * Stops reconnecting, stops any handshake in progress at once, and closes every connection
   * after its requests in flight (at most `timeoutMs`). Later calls fail with `ClientClosedError`.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#hostPool?.close(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The host pool, created (and every host's connection started) on first use. */
  #hosts(): SiriDBHostPool {
    if (this.#closed) throw this.#calls.closedError();
    this.#hostPool ??= createHostPool(this.#options, this.#events);
    return this.#hostPool;
  }

  /** The host pool closes only with the client: its `PoolClosedError` is the client's closed error. */
  #closedOr(error: unknown): unknown {
    return error instanceof PoolClosedError ? this.#calls.closedError() : error;
  }

  /**
   * A shared lease on a host's connection, waiting (within the call's deadline) for one to
   * (re)connect when none can serve; hosts in `avoid` only when no other can. Fails at once when
   * every host refused the credentials or the database: waiting would not help.
   */
  #lease(
    call: CallContext,
    allowInactive: boolean,
    avoid: ReadonlySet<SiriDBHost>,
  ): HostLease<SiriDBHost, SiriDBConnection> | Promise<HostLease<SiriDBHost, SiriDBConnection>> {
    const hosts = this.#hosts();
    const wanted =
      avoid.size > 0
        ? { shared: true, allowInactive, avoid }
        : allowInactive
          ? SHARED_ALLOW_INACTIVE
          : SHARED_ACTIVE_ONLY;
    const now = hosts.tryAcquire(wanted);
    if (now !== undefined) return now;
    return hosts
      .acquire({ ...wanted, signal: call.signal, onFailure: (error) => call.noteFailure(error) })
      .catch((error: unknown) => {
        throw this.#closedOr(error);
      });
  }

  /**
   * Sends a query or an insert, retried through core's `retry()` with a decision per failure
   * (see `failureVerdict`) until the call's deadline. A query may go first to a connected host
   * that sits out (as the Python connector allows); inserts only go to active hosts. Most
   * requests find their connection at once and succeed: that first attempt runs without the
   * retry loop (no closures, no async frames), which is measurable per request.
   */
  #attempt<T>(
    operation: RequestKind,
    call: CallContext,
    send: (connection: SiriDBConnection) => Promise<T>,
  ): Promise<T> {
    const leased = this.#lease(call, operation !== 'insert', NO_HOSTS);
    if (leased instanceof Promise) return this.#retrying(operation, call, send, 0, new Set(), leased);
    call.target = leased.host;
    const sent = send(leased.resource);
    call.markSent();
    return sent.then(
      (answer) => {
        leased.release();
        return answer;
      },
      async (error: unknown) => {
        const failedHosts = new Set<SiriDBHost>();
        const failure = this.#attemptFailed(operation, call, leased, failedHosts, error);
        const decision = this.#retryDecision(operation, call, failure);
        if (decision === 'fail') throw failure;
        call.noteFailure(asConnError(failure));
        await sleep(decision, undefined, call);
        return this.#retrying(operation, call, send, 1, failedHosts);
      },
    );
  }

  /** Attempts from `firstAttempt` on, through core's `retry()`; the first may take a lease already asked for. */
  #retrying<T>(
    operation: RequestKind,
    call: CallContext,
    send: (connection: SiriDBConnection) => Promise<T>,
    firstAttempt: number,
    failedHosts: Set<SiriDBHost>,
    pendingLease?: Promise<HostLease<SiriDBHost, SiriDBConnection>>,
  ): Promise<T> {
    return retry(
      async (retryIndex) => {
        const attempt = firstAttempt + retryIndex;
        const lease = await (retryIndex === 0 && pendingLease !== undefined
          ? pendingLease
          : this.#lease(call, operation !== 'insert' && attempt === 0, failedHosts));
        call.target = lease.host;
        let answer: T;
        try {
          const sent = send(lease.resource);
          call.markSent();
          answer = await sent;
        } catch (error) {
          throw this.#attemptFailed(operation, call, lease, failedHosts, error);
        }
        lease.release();
        return answer;
      },
      {
        attempts: Number.POSITIVE_INFINITY,
        cancel: call,
        decide: (error) => this.#retryDecision(operation, call, error),
        onRetry: (error) => call.noteFailure(asConnError(error)),
      },
    );
  }

  /** Whether and when a failed attempt is tried again: never once the call ended. */
  #retryDecision(operation: RequestKind, call: CallContext, error: unknown): number | 'fail' {
    return call.reason !== undefined || !isConnError(error)
      ? 'fail'
      : retryDecision(failureVerdict(operation, error), this.#options.poolErrorRetryMs);
  }

  /** Gives the lease back after a failed attempt and does what the failure calls for; returns it. */
  #attemptFailed(
    operation: RequestKind,
    call: CallContext,
    lease: HostLease<SiriDBHost, SiriDBConnection>,
    failedHosts: Set<SiriDBHost>,
    error: unknown,
  ): unknown {
    const failure = asConnError(error);
    if (call.reason !== undefined) {
      lease.release();
      return call.reason;
    }
    // A server that answered with an error did not apply the request.
    if (!(failure instanceof ConnectionError) || failure.retryable) call.markNotExecuted();
    const verdict = failureVerdict(operation, failure);
    // 71: the connection lost its login. Dropping it tells the pool, which opens a new one.
    if (verdict === 'reconnect') lease.resource.destroy(failure);
    lease.release();
    if (verdict === 'other-host') {
      this.#hostPool?.markInactive(lease.host);
      failedHosts.add(lease.host);
    }
    return failure;
  }

  /**
   * The database's precision, looked up once and shared by the calls that need it meanwhile. The
   * lookup runs within the call that started it: when that call ended (its deadline or signal)
   * and so the lookup failed, the others ask again within their own deadline instead of failing
   * with that call's error.
   */
  async #getDatabasePrecision(call: CallContext): Promise<TimePrecision> {
    for (;;) {
      this.#precisionLookup ??= this.#lookupPrecision(call);
      const lookup = this.#precisionLookup;
      try {
        return await raceWithSignal(lookup.result, call.signal, 'time precision lookup');
      } catch (error) {
        // a failed lookup is already forgotten (see `#lookupPrecision`); the next turn starts anew
        if (lookup.owner === call || lookup.owner.reason === undefined || call.reason !== undefined) {
          throw error;
        }
      }
    }
  }

  #lookupPrecision(call: CallContext): PrecisionLookup {
    const result = this.#attempt('query', call, (connection) =>
      connection.query('show time_precision', null, { cancel: call }),
    ).then((answer) => {
      const data = answer['data'] as { name: string; value: unknown }[] | undefined;
      return parsePrecision(data?.find((entry) => entry.name === 'time_precision')?.value);
    });
    const lookup = { owner: call, result };
    result.catch(() => {
      if (this.#precisionLookup === lookup) this.#precisionLookup = undefined;
    });
    return lookup;
  }
}

/** A lookup of the database's precision and the call it runs within. */
interface PrecisionLookup {
  readonly owner: CallContext;
  readonly result: Promise<TimePrecision>;
}

const NO_HOSTS: ReadonlySet<SiriDBHost> = new Set();
// The lease wishes of nearly every request, built once instead of per request.
const SHARED_ALLOW_INACTIVE = { shared: true, allowInactive: true } as const;
const SHARED_ACTIVE_ONLY = { shared: true, allowInactive: false } as const;

/** Queries that only read: a timeout or lost connection during them cannot have changed data. */
const READ_ONLY_QUERY = /^\s*(select|list|count|show|calc)\b/i;
