import {
  abortReason,
  type CallOptions,
  ConfigError,
  type ConnError,
  ConnectionError,
  createDeadline,
  createEventPublisher,
  type Deadline,
  type EventPublisher,
  HostSelector,
  isConnError,
  raceWithSignal,
  type Secret,
  sleep,
  TimeoutError,
} from '@conn/core';
import { SiriDBConnection } from './connection.js';
import { SiriDBPoolError } from './errors.js';
import { HostLink } from './host-link.js';
import { encodeInsert, type SiriDBInsertData } from './insert-data.js';
import {
  optionsFromUrl,
  type PrecisionOption,
  type ResolvedClientOptions,
  resolveClientOptions,
  type SiriDBClientOptions,
  type SiriDBHost,
} from './options.js';
import { convertResult, parsePrecision, precisionNumber, type TimePrecision } from './time-precision.js';

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

/** The result of one host's connect in {@link SiriDBClient.connect}. */
export interface HostConnectResult {
  readonly host: string;
  readonly port: number;
  /** `undefined` when the host connected and authenticated; else why not (it keeps retrying). */
  readonly error: ConnError | undefined;
}

/** What an insert reports. */
export interface InsertResult {
  /** The server's `success_msg`, e.g. "Successfully inserted 10 point(s)." */
  readonly message: string;
  readonly seriesCount: number;
  readonly pointCount: number;
}

/** State of one host, for monitoring. */
export interface HostStatus {
  readonly host: string;
  readonly port: number;
  readonly weight: number;
  readonly backup: boolean;
  readonly connected: boolean;
  readonly inactive: boolean;
  readonly reconnecting: boolean;
  readonly pendingRequests: number;
  readonly lastError: ConnError | undefined;
}

type Operation = 'query' | 'insert';

/**
 * A SiriDB client over a list of hosts: one multiplexed, authenticated connection per host;
 * requests go to a weighted random primary, to backups only when no primary is available;
 * hosts that fail sit out for `inactiveTimeMs`; lost connections reconnect in the background.
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
  readonly #links: readonly HostLink[];
  readonly #selector: HostSelector<SiriDBHost>;
  readonly #availabilityWaiters = new Set<() => void>();
  #connectStarted: Promise<HostConnectResult[]> | undefined;
  #databasePrecision: Promise<TimePrecision> | undefined;
  #closed = false;

  constructor(options: SiriDBClientOptions) {
    this.#options = resolveClientOptions(options);
    this.#events = options.events ?? createEventPublisher('siridb');
    this.#selector = new HostSelector(this.#options.hostlist, { inactiveMs: this.#options.inactiveTimeMs });
    // A host that (re)connected and authenticated is available at once, whatever inactive
    // period a failure had started (the Python connector behaves the same).
    const listener = {
      onAvailable: (link: HostLink) => {
        this.#selector.markActive(link.spec);
        this.#notifyAvailable();
      },
    };
    this.#links = this.#selector.hosts.map(
      (spec) =>
        new HostLink(spec, (host, onClose, signal) => this.#openConnection(host, onClose, signal), {
          maxWaitRetryMs: this.#options.maxWaitRetryMs,
          listener,
          events: this.#events,
        }),
    );
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
    return this.#links.map((link) => ({
      host: link.spec.host,
      port: link.spec.port,
      weight: link.spec.weight ?? 1,
      backup: link.spec.backup ?? false,
      connected: link.connection !== undefined,
      inactive: this.#selector.isInactive(link.spec),
      reconnecting: link.reconnecting,
      pendingRequests: link.connection?.pendingCount ?? 0,
      lastError: link.lastError,
    }));
  }

  /**
   * Connects and authenticates every host in parallel. Resolves with one result per host (an
   * error instead of a rejection, like the Python connector's list); hosts that failed keep
   * reconnecting in the background. Requests also connect on first use.
   */
  connect(options: CallOptions = {}): Promise<HostConnectResult[]> {
    this.#assertOpen();
    if (this.#connectStarted === undefined) {
      this.#connectStarted = Promise.all(
        this.#links.map(async (link) => {
          try {
            using deadline = createDeadline(options, { what: 'connect' });
            await raceWithSignal(link.connect(deadline.signal), deadline.signal, 'connect');
            return { host: link.spec.host, port: link.spec.port, error: undefined };
          } catch (error) {
            return { host: link.spec.host, port: link.spec.port, error: asConnError(error) };
          }
        }),
      );
    }
    return this.#connectStarted;
  }

  /**
   * Runs a query and returns the server's result map. Timestamps come back in `timePrecision`
   * (default: the database's), converted exactly on the client.
   */
  async query(query: string, options: QueryOptions = {}): Promise<Record<string, unknown>> {
    if (typeof query !== 'string' || query.length === 0) {
      throw new ConfigError('query must be a non-empty string', { field: 'query' });
    }
    const wanted = options.timePrecision;
    if (wanted !== undefined) precisionNumber(wanted);
    const serverSide = options.precisionMode === 'server';
    const started = performance.now();
    this.#events.publish('query:start', () => ({ query }));
    try {
      const result = await this.#withDeadline(
        options,
        this.#options.queryTimeoutMs,
        'query',
        async (deadline) => {
          const sentPrecision = serverSide && wanted !== undefined ? precisionNumber(wanted) : null;
          const raw = await this.#attempt('query', deadline, (connection) =>
            connection.query(query, sentPrecision, { signal: deadline.signal }),
          );
          if (serverSide || wanted === undefined) return raw;
          const databasePrecision = await this.#getDatabasePrecision(deadline);
          return convertResult(raw, databasePrecision, wanted, this.#options.int64);
        },
      );
      this.#events.publish('query:end', () => ({ query, durationMs: performance.now() - started }));
      return result;
    } catch (error) {
      this.#events.publish('query:error', () => ({ query, durationMs: performance.now() - started, error }));
      throw error;
    }
  }

  /**
   * Inserts points: `{ 'series': [[ts, value], ...] }` or `[{ name, points }]`. Every point is
   * validated before anything is sent. Retried on another host after a server error and every
   * `poolErrorRetryMs` after a pool error, until the deadline; never re-sent after a connection
   * was lost with the insert already written (that error says so: `retryable: false`).
   */
  async insert(data: SiriDBInsertData, options: CallOptions = {}): Promise<InsertResult> {
    const encoded = encodeInsert(data);
    const started = performance.now();
    this.#events.publish('insert:start', () => ({ series: encoded.seriesCount, points: encoded.pointCount }));
    try {
      const answer = await this.#withDeadline(options, this.#options.insertTimeoutMs, 'insert', (deadline) =>
        this.#attempt('insert', deadline, (connection) =>
          connection.insert(encoded.payload, { signal: deadline.signal }),
        ),
      );
      const message = typeof answer['success_msg'] === 'string' ? answer['success_msg'] : '';
      this.#events.publish('insert:end', () => ({
        points: encoded.pointCount,
        durationMs: performance.now() - started,
      }));
      return { message, seriesCount: encoded.seriesCount, pointCount: encoded.pointCount };
    } catch (error) {
      this.#events.publish('insert:error', () => ({ durationMs: performance.now() - started, error }));
      throw error;
    }
  }

  /** Pings one available host; resolves with its address and the round-trip time. */
  async ping(options: CallOptions = {}): Promise<{ host: string; port: number; latencyMs: number }> {
    return this.#withDeadline(options, this.#options.pingTimeoutMs, 'ping', async (deadline) => {
      const link = await this.#pick(deadline, true, new Set());
      const connection = link.connection as SiriDBConnection;
      const started = performance.now();
      await connection.ping({ signal: deadline.signal });
      return { host: link.spec.host, port: link.spec.port, latencyMs: performance.now() - started };
    });
  }

  /** Stops reconnecting and closes every connection after its requests in flight (at most `timeoutMs`). */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const wake of [...this.#availabilityWaiters]) wake();
    await Promise.all(this.#links.map((link) => link.close(options.timeoutMs)));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #openConnection(
    host: SiriDBHost,
    onClose: (error: ConnError | undefined) => void,
    signal: AbortSignal | undefined,
  ): Promise<SiriDBConnection> {
    const options = this.#options;
    return SiriDBConnection.open(
      {
        host: host.host,
        port: host.port,
        login: { username: options.username, password: options.password, dbname: options.dbname },
        connectTimeoutMs: options.timeoutMs,
        authTimeoutMs: options.timeoutMs,
        keepaliveIntervalMs: options.keepaliveIntervalMs,
        pingTimeoutMs: options.pingTimeoutMs,
        decode: { int64: options.int64 },
        events: this.#events,
        onClose,
      },
      signal,
    );
  }

  async #withDeadline<T>(
    options: CallOptions,
    defaultTimeoutMs: number,
    what: string,
    run: (deadline: Deadline) => Promise<T>,
  ): Promise<T> {
    this.#assertOpen();
    using deadline = createDeadline(
      { signal: options.signal, timeoutMs: options.timeoutMs ?? defaultTimeoutMs },
      { what, timeoutCode: 'CONN_REQUEST_TIMEOUT' },
    );
    // Every await inside `run` honours deadline.signal, so the error that ends it can carry the
    // failure that made the request wait (see #deadlineError).
    return await run(deadline);
  }

  /**
   * The retry loop shared by queries and inserts. A query may go first to a connected host that
   * sits out (as the Python connector allows); inserts only go to active hosts.
   */
  async #attempt<T>(
    operation: Operation,
    deadline: Deadline,
    send: (connection: SiriDBConnection) => Promise<T>,
  ): Promise<T> {
    let lastError: ConnError | undefined;
    let first = true;
    const failedHosts = new Set<SiriDBHost>();
    for (;;) {
      if (deadline.signal.aborted) throw this.#deadlineError(deadline, lastError);
      let link: HostLink;
      try {
        link = await this.#pick(deadline, operation === 'query' && first, failedHosts);
      } catch (error) {
        if (deadline.signal.aborted) throw this.#deadlineError(deadline, lastError ?? this.#noHostError());
        throw error;
      }
      first = false;
      try {
        return await send(link.connection as SiriDBConnection);
      } catch (error) {
        const failure = asConnError(error);
        if (deadline.signal.aborted) throw this.#deadlineError(deadline, lastError);
        lastError = failure;
        if (failure instanceof SiriDBPoolError) {
          // A pool of the database has no server right now: wait, then try again.
          await sleep(this.#options.poolErrorRetryMs, deadline.signal).catch(() => {});
          continue;
        }
        if (failure.code === 'CONN_SIRIDB_NOT_AUTHENTICATED') {
          link.reset(failure);
          continue;
        }
        // 67 (this server cannot serve now) and a lost connection are the host's trouble: let
        // it sit out and try another. Other server errors would fail anywhere.
        if (failure.code === 'CONN_SIRIDB_SERVER' || failure instanceof ConnectionError) {
          // An insert already written to a connection that died may have been stored: never
          // send it again behind the caller's back.
          if (operation === 'insert' && !failure.retryable) throw failure;
          this.#selector.markInactive(link.spec);
          failedHosts.add(link.spec);
          continue;
        }
        throw failure;
      }
    }
  }

  /** An available host, waiting (until the deadline) for one to (re)connect when none is. */
  async #pick(
    deadline: Deadline,
    allowInactive: boolean,
    failedHosts: ReadonlySet<SiriDBHost>,
  ): Promise<HostLink> {
    if (this.#connectStarted === undefined) void this.connect();
    for (;;) {
      this.#assertOpen();
      const isAvailable = (host: SiriDBHost): boolean => this.#linkOf(host).connection !== undefined;
      // Hosts that failed this request are tried again only when nothing else is left.
      const spec =
        this.#selector.pick({ isAvailable, allowInactive, exclude: failedHosts }) ??
        this.#selector.pick({ isAvailable, allowInactive });
      if (spec !== undefined) return this.#linkOf(spec);
      // Wait for a host to connect, or for one that sits out to come back.
      await this.#waitForAvailable(deadline.signal, this.#selector.nextActiveInMs());
    }
  }

  #linkOf(host: SiriDBHost): HostLink {
    return this.#links[this.#selector.hosts.indexOf(host)] as HostLink;
  }

  /**
   * Resolves when a host becomes available, after `maxWaitMs` (an inactive period ends), or when
   * the client closes; rejects when `signal` aborts.
   */
  #waitForAvailable(signal: AbortSignal, maxWaitMs: number | undefined): Promise<void> {
    let wake: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
      this.#availabilityWaiters.add(resolve);
      if (maxWaitMs !== undefined) timer = setTimeout(resolve, Math.max(1, maxWaitMs));
    });
    return raceWithSignal(woken, signal, 'waiting for a SiriDB connection').finally(() => {
      if (wake !== undefined) this.#availabilityWaiters.delete(wake);
      if (timer !== undefined) clearTimeout(timer);
    });
  }

  /**
   * The error of a request whose deadline fired: a pool error that kept repeating is raised as
   * itself (as the Python connector does); a timeout carries the failure that made the request
   * wait as its `cause`; an abort is the caller's.
   */
  #deadlineError(deadline: Deadline, lastError: ConnError | undefined): ConnError {
    const reason = abortReason(deadline.signal);
    if (lastError instanceof SiriDBPoolError) return lastError;
    if (lastError === undefined || !(reason instanceof TimeoutError)) return reason;
    return new TimeoutError(`${reason.message}; last failure: ${lastError.message}`, {
      code: reason.code,
      cause: lastError,
      details: reason.details,
    });
  }

  /** Why no host could be picked: every host's last error. */
  #noHostError(): ConnError {
    const reasons = this.#links.map(
      (link) => `${link.spec.host}:${link.spec.port} ${link.lastError?.message ?? 'not connected yet'}`,
    );
    return new ConnectionError(`no SiriDB host is available (${reasons.join('; ')})`, {
      code: 'CONN_SIRIDB_NO_CONNECTION',
      cause: this.#links.find((link) => link.lastError !== undefined)?.lastError,
      details: { hosts: this.#links.length },
    });
  }

  #notifyAvailable(): void {
    for (const wake of [...this.#availabilityWaiters]) wake();
  }

  async #getDatabasePrecision(deadline: Deadline): Promise<TimePrecision> {
    if (this.#databasePrecision === undefined) {
      const lookup = this.#attempt('query', deadline, (connection) =>
        connection.query('show time_precision', null, { signal: deadline.signal }),
      ).then((result) => {
        const data = result['data'] as { name: string; value: unknown }[] | undefined;
        return parsePrecision(data?.find((entry) => entry.name === 'time_precision')?.value);
      });
      this.#databasePrecision = lookup;
      lookup.catch(() => {
        if (this.#databasePrecision === lookup) this.#databasePrecision = undefined;
      });
    }
    return raceWithSignal(this.#databasePrecision, deadline.signal, 'time precision lookup');
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new ConnectionError('the SiriDB client is closed', {
        code: 'CONN_CLIENT_CLOSED',
        retryable: false,
      });
    }
  }
}

function asConnError(error: unknown): ConnError {
  if (isConnError(error)) return error;
  return new ConnectionError('unexpected failure', { cause: error, retryable: false });
}
