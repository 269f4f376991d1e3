import {
  AuthenticationError,
  AuthorizationError,
  asConnError,
  type CallContext,
  type CallOptions,
  CallRunner,
  ConfigError,
  type ConnError,
  ConnectionError,
  createEventPublisher,
  type EventPublisher,
  HostSelector,
  raceWithSignal,
  type Secret,
  sleep,
} from '@conn/core';
import { SiriDBConnection } from './connection.js';
import { SiriDBPoolError } from './errors.js';
import { HostLink } from './host-link.js';
import { encodeInsert, type SiriDBInsertData } from './insert-data.js';
import { maskSiriDBSecrets } from './mask-secrets.js';
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
  readonly #links: readonly HostLink[];
  readonly #selector: HostSelector<SiriDBHost>;
  readonly #calls: CallRunner;
  readonly #hostChangeWaiters = new Set<() => void>();
  #linksStarted = false;
  #databasePrecision: Promise<TimePrecision> | undefined;
  #closed = false;

  constructor(options: SiriDBClientOptions) {
    this.#options = resolveClientOptions(options);
    this.#events = options.events ?? createEventPublisher('siridb');
    this.#selector = new HostSelector(this.#options.hostlist, {
      inactiveMs: this.#options.inactiveTimeMs,
      ...(this.#options.random === undefined ? {} : { random: this.#options.random }),
    });
    this.#calls = new CallRunner({
      packageName: 'siridb',
      clientName: 'SiriDB client',
      isClosed: () => this.#closed,
      defaultTimeoutMs: this.#options.timeoutMs,
      maskStatement: maskSiriDBSecrets,
    });
    // A host that (re)connected and authenticated is available at once, whatever inactive
    // period a failure had started (the Python connector behaves the same).
    const listener = {
      onAvailable: (link: HostLink) => {
        this.#selector.markActive(link.spec);
        this.#hostsChanged();
      },
      onFailure: () => this.#hostsChanged(),
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
   * Connects and authenticates every host, once each. Resolves when every host's attempt has
   * ended and at least one host is ready (the failed ones keep reconnecting in the background);
   * rejects when none is: with the authentication error when credentials or the database were
   * refused, else a `ConnectionError` naming every host's failure. Optional: requests connect on
   * first use.
   */
  connect(options: CallOptions = {}): Promise<void> {
    return this.#calls.run({ operation: 'connect' }, options, async (call) => {
      this.#linksStarted = true;
      const attempts = this.#links.map((link) =>
        link.connect().then(
          () => true,
          () => false,
        ),
      );
      const outcomes = await raceWithSignal(Promise.all(attempts), call.signal, 'connect');
      if (outcomes.some(Boolean)) return;
      if (this.#closed) throw this.#calls.closedError();
      throw this.#permanentFailure() ?? (this.#noHostError() as ConnError);
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
    const spec = {
      operation: 'query',
      statement: query,
      write: !READ_ONLY_QUERY.test(query),
      defaultTimeoutMs: this.#options.queryTimeoutMs,
    };
    return this.#calls.run(spec, options, async (call) => {
      const wanted = options.timePrecision;
      if (wanted !== undefined) precisionNumber(wanted);
      const serverSide = options.precisionMode === 'server';
      const sentPrecision = serverSide && wanted !== undefined ? precisionNumber(wanted) : null;
      const raw = await this.#attempt('query', call, (connection) =>
        connection.query(query, sentPrecision, { signal: call.signal }),
      );
      if (serverSide || wanted === undefined) return raw;
      const databasePrecision = await this.#getDatabasePrecision(call);
      return convertResult(raw, databasePrecision, wanted, this.#options.int64);
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
      const answer = await this.#attempt('insert', call, (connection) =>
        connection.insert(encoded.payload, { signal: call.signal }),
      );
      const message = typeof answer['success_msg'] === 'string' ? answer['success_msg'] : '';
      return { message, seriesCount: encoded.seriesCount, pointCount: encoded.pointCount };
    });
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
        const link = await this.#pick(call, true, new Set());
        const connection = link.connection as SiriDBConnection;
        call.target = link.spec;
        const started = performance.now();
        await connection.ping({ signal: call.signal });
        return { host: link.spec.host, port: link.spec.port, latencyMs: performance.now() - started };
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
    this.#hostsChanged();
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
        connectTimeoutMs: options.connectTimeoutMs,
        authTimeoutMs: options.connectTimeoutMs,
        keepaliveIntervalMs: options.keepaliveIntervalMs,
        pingTimeoutMs: options.pingTimeoutMs,
        decode: { int64: options.int64 },
        events: this.#events,
        onClose,
      },
      signal,
    );
  }

  /**
   * The retry loop shared by queries and inserts. A query may go first to a connected host that
   * sits out (as the Python connector allows); inserts only go to active hosts.
   */
  async #attempt<T>(
    operation: Operation,
    call: CallContext,
    send: (connection: SiriDBConnection) => Promise<T>,
  ): Promise<T> {
    let first = true;
    const failedHosts = new Set<SiriDBHost>();
    for (;;) {
      call.throwIfEnded();
      const link = await this.#pick(call, operation === 'query' && first, failedHosts);
      first = false;
      call.target = link.spec;
      try {
        const answer = send(link.connection as SiriDBConnection);
        call.markSent();
        return await answer;
      } catch (error) {
        const failure = asConnError(error);
        call.throwIfEnded();
        // A server that answered with an error did not apply the request.
        if (!(failure instanceof ConnectionError) || failure.retryable) call.markNotExecuted();
        call.noteFailure(failure);
        if (failure instanceof SiriDBPoolError) {
          // A pool of the database has no server right now: wait, then try again.
          await sleep(this.#options.poolErrorRetryMs, call.signal);
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

  /**
   * An available host, waiting (within the call's deadline) for one to (re)connect when none is.
   * Fails at once when every host refused the credentials or the database: waiting would not help.
   */
  async #pick(
    call: CallContext,
    allowInactive: boolean,
    failedHosts: ReadonlySet<SiriDBHost>,
  ): Promise<HostLink> {
    this.#startLinks();
    for (;;) {
      if (this.#closed) throw this.#calls.closedError();
      call.throwIfEnded();
      const isAvailable = (host: SiriDBHost): boolean => this.#linkOf(host).connection !== undefined;
      // Hosts that failed this request are tried again only when nothing else is left.
      const spec =
        this.#selector.pick({ isAvailable, allowInactive, exclude: failedHosts }) ??
        this.#selector.pick({ isAvailable, allowInactive });
      if (spec !== undefined) return this.#linkOf(spec);
      const refusal = this.#permanentFailure();
      if (refusal !== undefined) throw refusal;
      const unreachable = this.#noHostError();
      if (unreachable !== undefined) call.noteFailure(unreachable);
      // Wait for a host to connect or fail, or for one that sits out to come back.
      await this.#waitForHostChange(call.signal, this.#selector.nextActiveInMs());
    }
  }

  /** Starts every host's connect loop once; requests then wait for the first host to be ready. */
  #startLinks(): void {
    if (this.#linksStarted) return;
    this.#linksStarted = true;
    for (const link of this.#links) link.connect().catch(() => {});
  }

  #linkOf(host: SiriDBHost): HostLink {
    return this.#links[this.#selector.hosts.indexOf(host)] as HostLink;
  }

  /**
   * The refusal to report when no host can serve and every host's last attempt was refused for
   * good (bad credentials, unknown database, no access): that error, whose message names the host.
   */
  #permanentFailure(): ConnError | undefined {
    let refusal: ConnError | undefined;
    for (const link of this.#links) {
      if (link.connection !== undefined || link.connecting) return undefined;
      const error = link.lastError;
      if (!(error instanceof AuthenticationError || error instanceof AuthorizationError)) return undefined;
      refusal ??= error;
    }
    return refusal;
  }

  /** Why no host is available yet: every failed host's last error, or `undefined` before any failed. */
  #noHostError(): ConnError | undefined {
    const failed = this.#links.filter((link) => link.lastError !== undefined);
    if (failed.length === 0) return undefined;
    const reasons = this.#links.map(
      (link) => `${link.spec.host}:${link.spec.port} ${link.lastError?.message ?? 'still connecting'}`,
    );
    return new ConnectionError(`no SiriDB host is available (${reasons.join('; ')})`, {
      code: 'CONN_SIRIDB_NO_CONNECTION',
      cause: failed[0]?.lastError,
      details: { hosts: this.#links.length, failedHosts: failed.length },
    });
  }

  /**
   * Resolves when a host connects or fails, after `maxWaitMs` (an inactive period ends), or when
   * the client closes; rejects when `signal` aborts (the call's deadline or the caller).
   */
  #waitForHostChange(signal: AbortSignal | undefined, maxWaitMs: number | undefined): Promise<void> {
    let wake: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
      this.#hostChangeWaiters.add(resolve);
      if (maxWaitMs !== undefined) timer = setTimeout(resolve, Math.max(1, maxWaitMs));
    });
    return raceWithSignal(woken, signal, 'waiting for a SiriDB connection').finally(() => {
      if (wake !== undefined) this.#hostChangeWaiters.delete(wake);
      if (timer !== undefined) clearTimeout(timer);
    });
  }

  #hostsChanged(): void {
    for (const wake of [...this.#hostChangeWaiters]) wake();
  }

  async #getDatabasePrecision(call: CallContext): Promise<TimePrecision> {
    if (this.#databasePrecision === undefined) {
      const lookup = this.#attempt('query', call, (connection) =>
        connection.query('show time_precision', null, { signal: call.signal }),
      ).then((result) => {
        const data = result['data'] as { name: string; value: unknown }[] | undefined;
        return parsePrecision(data?.find((entry) => entry.name === 'time_precision')?.value);
      });
      this.#databasePrecision = lookup;
      lookup.catch(() => {
        if (this.#databasePrecision === lookup) this.#databasePrecision = undefined;
      });
    }
    return raceWithSignal(this.#databasePrecision, call.signal, 'time precision lookup');
  }
}

/** Queries that only read: a timeout or lost connection during them cannot have changed data. */
const READ_ONLY_QUERY = /^\s*(select|list|count|show|calc)\b/i;
