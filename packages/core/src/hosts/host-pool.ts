import { abortReason } from '../abort.js';
import type { EventPublisher } from '../diagnostics.js';
import {
  asConnError,
  ConfigError,
  type ConnError,
  ConnectionError,
  isConnError,
  PoolClosedError,
  TimeoutError,
} from '../errors/index.js';
import type { Factory } from '../pool/factory.js';
import type { Lease } from '../pool/lease.js';
import { Pool } from '../pool/pool.js';
import { isTimeout, type PoolCloseOptions, type TryAcquireOptions } from '../pool/pool-options.js';
import { type HostLease, HostPoolLease } from './host-lease.js';
import {
  type HostAcquireOptions,
  type HostAttempt,
  type HostConnectOptions,
  type HostPoolOptions,
  type HostPoolStats,
  type HostTryAcquireOptions,
  type ResolvedHostPoolOptions,
  resolveHostPoolOptions,
} from './host-pool-options.js';
import { HostSelector, type HostSpec } from './host-selector.js';
import { type HostEvents, HostState } from './host-state.js';
import { HostWaiter, type HostWaiterOwner } from './host-waiter.js';

/**
 * Events a {@link HostPool} publishes (payloads `{ host, port, ... }`):
 * - `host:connect` a connection to the host was opened (`connections`: its pool's size)
 * - `host:connect-error` a connection attempt failed (`error`, `backoffMs`)
 * - `host:disconnect` a connection closed on its own (`error` when one was given)
 * - `host:reconnect-scheduled` the background reconnect runs after `delayMs`
 * - `host:inactive` `markInactive()` took the host out for `inactiveMs`
 */
export type HostPoolEventName =
  | 'host:connect'
  | 'host:connect-error'
  | 'host:disconnect'
  | 'host:reconnect-scheduled'
  | 'host:inactive';

/** Node clamps longer timer delays to 1 ms; clamp them to the longest real delay instead. */
const MAX_TIMER_MS = 2_147_483_647;
const SHARED: TryAcquireOptions = Object.freeze({ shared: true });
const EXCLUSIVE: TryAcquireOptions = Object.freeze({ shared: false });

/**
 * One `Pool` per host of a host list, and the choice among them: weighted random among the hosts
 * that can serve now (an idle or shareable connection first, else room for a new one outside its
 * back-off), backups only when no primary can, hosts marked inactive only when allowed. An acquire
 * that no host can serve waits, first come first served, until one can or its deadline passes. A
 * failed connection attempt puts its host in back-off (`reconnect`); with `minPerHost` every host
 * keeps connections open and reconnects in the background. When every host's last attempt failed
 * permanently (wrong credentials), waiters get that error at once; otherwise the deadline's
 * `TimeoutError` says what each host's last failure was.
 *
 * @example
 * const hosts = new HostPool(
 *   [{ host: 'db1', port: 9000 }, { host: 'db2', port: 9000, backup: true }],
 *   (host) => ({ create: (signal, lost) => MyConnection.open({ ...host, signal, onClose: lost }),
 *                destroy: (connection) => connection.close() }),
 *   { minPerHost: 1, pool: { max: 1, capacity: 1_000, sharing: 'always' } },
 * );
 * await using lease = await hosts.acquire({ shared: true, timeoutMs: 5_000 });
 * await lease.resource.query('...'); // lease.host says where it ran
 */
export class HostPool<H extends HostSpec, T> implements AsyncDisposable {
  /** The hosts, frozen, in the order given; leases and stats use these objects. */
  readonly hosts: readonly H[];
  readonly #options: ResolvedHostPoolOptions<H>;
  readonly #events: EventPublisher;
  readonly #selector: HostSelector<H>;
  readonly #states = new Map<H, HostState<H, T>>();
  readonly #list: HostState<H, T>[] = [];
  /** The last "no host can serve now" error told to a waiter. */
  #lastReported: ConnError | undefined;
  readonly #owner: HostEvents<H, T> & HostWaiterOwner<H, T>;
  /** Waiters in arrival order; settled ones are dropped at the next serve. */
  #queue: HostWaiter<H, T>[] = [];
  /** Waiters in state `queued` (not routed to a host's pool). */
  #queued = 0;
  /** Unsettled acquires. */
  #waiting = 0;
  /** Settled waiters still stored in `#queue`. */
  #settledInQueue = 0;
  #serveScheduled = false;
  #wakeTimer: NodeJS.Timeout | undefined = undefined;
  #wakeAt = Number.POSITIVE_INFINITY;
  #errorSeq = 0;
  #closePromise: Promise<void> | undefined = undefined;

  /**
   * @param hosts the host list (validated like `HostSelector`'s).
   * @param factory the resource factory of one host; called once per host.
   * @param options see {@link HostPoolOptions}.
   * @throws ConfigError naming the invalid option or host.
   */
  constructor(hosts: readonly H[], factory: (host: H) => Factory<T>, options: HostPoolOptions<H> = {}) {
    if (typeof factory !== 'function') {
      throw new ConfigError('host pool factory must be a function of the host', { field: 'factory' });
    }
    const resolved = resolveHostPoolOptions(options);
    this.#options = resolved;
    this.#events = resolved.events;
    this.#selector = new HostSelector(hosts, {
      inactiveMs: resolved.inactiveMs,
      random: resolved.random,
      now: () => Date.now(),
    });
    this.hosts = this.#selector.hosts;
    this.#owner = {
      hostConnected: (state) => this.#hostConnected(state),
      hostFailed: (state, error, backoffMs) => this.#hostFailed(state, error, backoffMs),
      hostLost: (state, error) => this.#publish('host:disconnect', state, { error }),
      reconnectScheduled: (state, delayMs) => this.#publish('host:reconnect-scheduled', state, { delayMs }),
      hostAvailable: () => this.#scheduleServe(),
      waiterAborted: (waiter) => this.#waiterAborted(waiter),
    };
    try {
      for (const spec of this.hosts) {
        const given = resolved.poolOptions(spec);
        if (resolved.minPerHost > (given.max ?? 10)) {
          throw new ConfigError(`minPerHost must not exceed pool.max (${given.max ?? 10})`, {
            field: 'minPerHost',
          });
        }
        const state = new HostState<H, T>(spec, this.#owner);
        state.pool = new Pool(factory(spec), {
          ...given,
          events: given.events ?? resolved.events,
          random: given.random ?? resolved.random,
          name: `${resolved.name} ${spec.host}:${spec.port}`,
          min: resolved.minPerHost,
          prefillRetry: { baseMs: resolved.reconnectBaseMs, maxMs: resolved.reconnectMaxMs },
          observer: state,
        });
        this.#states.set(spec, state);
        this.#list.push(state);
      }
    } catch (error) {
      for (const state of this.#list) void state.pool.close({ timeoutMs: 0 });
      throw error;
    }
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closePromise !== undefined;
  }

  /**
   * Borrows a resource from a host that can serve (see the class description), waiting for one
   * when none can. The lease says which host (`lease.host`).
   *
   * Rejects with `PoolClosedError` after `close()`, the signal's `ConnError` when `signal` aborts
   * (a deadline's `TimeoutError` then gets the per-host summary as `cause`), a `TimeoutError`
   * (`retryable`: nothing was sent) after `timeoutMs` (default `acquireTimeoutMs`) whose `cause`
   * and `details.hosts` name each host's state and last failure, or a host's permanent error
   * when no host can serve and every host's last attempt failed permanently.
   */
  acquire(options: HostAcquireOptions<H> = {}): Promise<HostLease<H, T>> {
    if (this.closed) return Promise.reject(this.#closedError());
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(abortReason(signal, `${this.#options.name} acquire`));
    const timeoutMs = options.timeoutMs ?? this.#options.acquireTimeoutMs;
    if (!isTimeout(timeoutMs)) {
      return Promise.reject(
        new ConfigError(`timeoutMs must be a non-negative number, got ${String(timeoutMs)}`, {
          field: 'timeoutMs',
        }),
      );
    }
    if (this.#queued === 0) {
      const lease = this.#lendNow(options);
      if (lease !== undefined) return Promise.resolve(lease);
    }
    const waiter = new HostWaiter<H, T>(this.#owner, options, timeoutMs);
    const promise = new Promise<HostLease<H, T>>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
    });
    this.#queue.push(waiter);
    this.#queued++;
    this.#waiting++;
    if (timeoutMs !== Number.POSITIVE_INFINITY) {
      // Ref'd: a caller awaits this acquire and must get its TimeoutError.
      waiter.timer = setTimeout(
        (pool: HostPool<H, T>, late: HostWaiter<H, T>) => pool.#timedOut(late),
        Math.min(timeoutMs, MAX_TIMER_MS),
        this,
        waiter,
      );
    }
    signal?.addEventListener('abort', waiter, { once: true });
    // Waiters before this one could not be served and nothing has changed for them: a burst of
    // acquires (thousands of requests before the first connection is up) is routed in one pass.
    if (this.#queued > 1) this.#scheduleServe();
    else this.#serve();
    return promise;
  }

  /**
   * A lease now from a host that has an idle or shareable resource, or `undefined` when
   * `acquire()` would have to wait or connect; never queues.
   * @throws PoolClosedError after `close()`.
   */
  tryAcquire(options: HostTryAcquireOptions<H> = {}): HostLease<H, T> | undefined {
    if (this.closed) throw this.#closedError();
    if (this.#queued > 0) return undefined;
    return this.#lendNow(options);
  }

  /**
   * Tries every host once, in parallel (a client's `connect()`): a host with a live connection
   * counts at once; otherwise this waits for the connection attempt under way, or starts one now,
   * back-off or not. Resolves in host order with each host's outcome; a host that fails never
   * rejects it. Rejects with `PoolClosedError` after `close()` and with the signal's `ConnError`
   * when `signal` aborts.
   */
  connectAll(options: HostConnectOptions = {}): Promise<HostAttempt<H>[]> {
    if (this.closed) return Promise.reject(this.#closedError());
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(abortReason(signal, `${this.#options.name} connect`));
    return Promise.all(this.#list.map((state) => this.#connectOne(state, signal)));
  }

  /** Keeps `host` out for `ms` (default `inactiveMs`), e.g. after a server error; a new connection to it ends that. */
  markInactive(host: H, ms: number = this.#options.inactiveMs): void {
    const state = this.#stateOf(host);
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new ConfigError(`inactive time must be a finite number >= 0, got ${String(ms)}`, { field: 'ms' });
    }
    this.#selector.markInactive(host, ms);
    this.#publish('host:inactive', state, { inactiveMs: ms });
    this.#armWake();
  }

  /** Puts `host` back into rotation at once. */
  markActive(host: H): void {
    this.#stateOf(host);
    this.#selector.markActive(host);
    this.#scheduleServe();
  }

  /** True while `host` sits out after `markInactive()`. */
  isInactive(host: H): boolean {
    this.#stateOf(host);
    return this.#selector.isInactive(host);
  }

  /** Starts a new generation in one host's pool (or every host's): see `Pool.clear()`. */
  clear(host?: H): void {
    if (host !== undefined) this.#stateOf(host).pool.clear();
    else for (const state of this.#list) state.pool.clear();
  }

  /** A snapshot: waiting acquires and every host's state and pool counters. */
  stats(): HostPoolStats {
    return {
      name: this.#options.name,
      closed: this.closed,
      waiting: this.#waiting,
      hosts: this.#list.map((state) => ({
        host: state.spec.host,
        port: state.spec.port,
        weight: state.spec.weight ?? 1,
        backup: state.spec.backup ?? false,
        inactive: this.#selector.isInactive(state.spec),
        backoffMs: state.pool.backoffRemainingMs,
        lastError: state.lastError,
        pool: state.pool.stats(),
      })),
    };
  }

  /**
   * Closes every host's pool (see `Pool.close()`): waiting acquires reject with `PoolClosedError`,
   * connection attempts are aborted, no timer is left. Calling it again returns the same promise.
   */
  close(options?: PoolCloseOptions): Promise<void> {
    if (this.#closePromise !== undefined) return this.#closePromise;
    const timeoutMs = options?.timeoutMs;
    if (timeoutMs !== undefined && !isTimeout(timeoutMs)) {
      return Promise.reject(
        new ConfigError(`timeoutMs must be a non-negative number, got ${String(timeoutMs)}`, {
          field: 'timeoutMs',
        }),
      );
    }
    this.#closePromise = Promise.all(this.#list.map((state) => state.pool.close(options))).then(() => {});
    this.#clearWake();
    const error = this.#closedError();
    for (const waiter of this.#queue) this.#fail(waiter, error);
    this.#queue = [];
    this.#settledInQueue = 0;
    return this.#closePromise;
  }

  /** `close()` with the host pools' default timeout, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #connectOne(state: HostState<H, T>, signal: AbortSignal | undefined): Promise<HostAttempt<H>> {
    const host = state.spec;
    if (state.pool.size > 0) return { host, error: undefined };
    try {
      // An acquire takes over the create under way, or starts one (acquires ignore the back-off).
      const lease = await state.pool.acquire({ shared: true, signal, timeoutMs: Number.POSITIVE_INFINITY });
      lease.release();
      return { host, error: undefined };
    } catch (error) {
      if (this.closed || error instanceof PoolClosedError) throw this.#closedError();
      if (signal?.aborted) throw abortReason(signal, `${this.#options.name} connect`);
      return { host, error: asConnError(error) };
    }
  }

  // ---- choosing a host ----

  /** 2: serves now (idle or shareable), 1: may create (room, not backing off), 0: cannot. */
  #level(state: HostState<H, T>, shared: boolean): number {
    const availability = state.pool.availability(shared ? SHARED : EXCLUSIVE);
    if (availability === 'now') return 2;
    if (availability === 'create' && state.pool.backoffRemainingMs === 0) return 1;
    return 0;
  }

  /**
   * The host for an acquire: among those that can serve (now or by connecting), primaries before
   * backups, active before inactive, not avoided before avoided; within that group the ones that
   * serve now first, then by weight.
   */
  #pick(options: HostTryAcquireOptions<H>): H | undefined {
    const shared = options.shared === true;
    const { avoid, exclude } = options;
    const level = (host: H): number => this.#level(this.#states.get(host) as HostState<H, T>, shared);
    const prefer = (host: H): boolean => level(host) === 2;
    const allowInactive = options.allowInactive === true;
    const pick = (isAvailable: (host: H) => boolean): H | undefined =>
      this.#selector.pick({
        isAvailable,
        allowInactive,
        prefer,
        ...(exclude === undefined ? {} : { exclude }),
      });
    if (avoid === undefined || avoid.size === 0) return pick((host) => level(host) > 0);
    return pick((host) => !avoid.has(host) && level(host) > 0) ?? pick((host) => level(host) > 0);
  }

  /** A lease without waiting, when the host to use has an idle or shareable resource. */
  #lendNow(options: HostTryAcquireOptions<H>): HostLease<H, T> | undefined {
    if (this.#list.length === 1) return this.#lendOnlyHost(options);
    const host = this.#pick(options);
    if (host === undefined) return undefined;
    const state = this.#states.get(host) as HostState<H, T>;
    const shared = options.shared === true;
    if (this.#level(state, shared) !== 2) return undefined;
    const lease = state.pool.tryAcquire(shared ? SHARED : EXCLUSIVE);
    return lease === undefined ? undefined : new HostPoolLease(host, lease);
  }

  /**
   * `#lendNow` for a list of one host: what `#pick` decides, without building the candidate
   * groups it needs to choose among several (this runs once per request).
   */
  #lendOnlyHost(options: HostTryAcquireOptions<H>): HostLease<H, T> | undefined {
    const state = this.#list[0] as HostState<H, T>;
    const host = state.spec;
    const shared = options.shared === true;
    if (options.exclude?.has(host) === true || this.#level(state, shared) !== 2) return undefined;
    if (options.allowInactive !== true && this.#selector.isInactive(host)) return undefined;
    const lease = state.pool.tryAcquire(shared ? SHARED : EXCLUSIVE);
    return lease === undefined ? undefined : new HostPoolLease(host, lease);
  }

  // ---- waiters ----

  #scheduleServe(): void {
    if (this.#queued === 0 || this.#serveScheduled || this.closed) return;
    this.#serveScheduled = true;
    // Deferred: this runs inside a host pool's bookkeeping, which must not be re-entered.
    queueMicrotask(() => {
      this.#serveScheduled = false;
      this.#serve();
    });
  }

  /**
   * Routes queued waiters, in order, to hosts that can serve them; fails those whose every host
   * failed permanently. A shared waiter never passes an exclusive one that waits, so that one gets
   * the first resource whose shared leases end.
   */
  #serve(): void {
    if (this.closed) return;
    let exclusiveWaits = false;
    let unservable: Set<string> | undefined;
    for (const waiter of this.#queue) {
      if (waiter.state !== 'queued') continue;
      if (waiter.shared && exclusiveWaits) continue;
      const host =
        waiter.key !== undefined && unservable?.has(waiter.key) === true
          ? undefined
          : this.#pick(waiter.options);
      if (host !== undefined) {
        this.#route(waiter, host);
        continue;
      }
      const permanent = this.#permanentFailure(waiter.options.exclude);
      if (permanent !== undefined) {
        this.#fail(waiter, permanent);
        continue;
      }
      if (waiter.key !== undefined) {
        unservable ??= new Set();
        unservable.add(waiter.key);
      }
      if (!waiter.shared) exclusiveWaits = true;
      if (waiter.options.onFailure !== undefined) this.#report(waiter);
    }
    this.#compact();
    this.#armWake();
  }

  #route(waiter: HostWaiter<H, T>, host: H): void {
    const state = this.#states.get(host) as HostState<H, T>;
    const shared = waiter.shared;
    if (this.#level(state, shared) === 2) {
      const lease = state.pool.tryAcquire(shared ? SHARED : EXCLUSIVE);
      if (lease !== undefined) {
        this.#grant(waiter, host, lease);
        return;
      }
    }
    // Wait in the host's pool for the create started for it (or a resource given back there).
    waiter.state = 'routed';
    this.#queued--;
    const inner = new AbortController();
    waiter.inner = inner;
    state.pool.acquire({ shared, signal: inner.signal, timeoutMs: Number.POSITIVE_INFINITY }).then(
      (lease) => {
        if (waiter.state === 'routed') this.#grant(waiter, host, lease);
        else lease.release();
      },
      (error: unknown) => this.#routedFailed(waiter, error),
    );
  }

  /** The connection attempt made for a routed waiter failed: it queues again, keeping its turn. */
  #routedFailed(waiter: HostWaiter<H, T>, error: unknown): void {
    waiter.inner = undefined;
    if (waiter.state !== 'routed') return;
    if (this.closed || (isConnError(error) && error instanceof PoolClosedError)) {
      this.#fail(waiter, this.#closedError());
      return;
    }
    // The host's observer recorded the failure and its back-off, so the next pick looks elsewhere.
    waiter.state = 'queued';
    this.#queued++;
    this.#serve();
  }

  #grant(waiter: HostWaiter<H, T>, host: H, lease: Lease<T>): void {
    this.#settle(waiter);
    waiter.resolve(new HostPoolLease(host, lease));
  }

  #fail(waiter: HostWaiter<H, T>, error: ConnError): void {
    if (waiter.state === 'done') return;
    const inner = waiter.inner;
    this.#settle(waiter);
    inner?.abort(error);
    waiter.reject(error);
  }

  #settle(waiter: HostWaiter<H, T>): void {
    if (waiter.state === 'queued') this.#queued--;
    waiter.state = 'done';
    waiter.inner = undefined;
    this.#waiting--;
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    waiter.timer = undefined;
    waiter.options.signal?.removeEventListener('abort', waiter);
    this.#settledInQueue++;
    if (this.#queued === 0) this.#clearWake();
    if (this.#settledInQueue > 64 && this.#settledInQueue * 2 > this.#queue.length) this.#compact();
  }

  /** Drops settled waiters from the queue. */
  #compact(): void {
    if (this.#settledInQueue === 0) return;
    this.#queue = this.#queue.filter((waiter) => waiter.state !== 'done');
    this.#settledInQueue = 0;
  }

  #timedOut(waiter: HostWaiter<H, T>): void {
    waiter.timer = undefined;
    if (waiter.state === 'done') return;
    const summary = this.#summary(waiter.options.exclude);
    this.#fail(
      waiter,
      new TimeoutError(
        `${this.#options.name}: no host could serve within ${waiter.timeoutMs} ms (${summary.hosts})`,
        {
          cause: summary.error,
          retryable: true,
          details: { timeoutMs: waiter.timeoutMs, hosts: summary.hosts },
        },
      ),
    );
  }

  #waiterAborted(waiter: HostWaiter<H, T>): void {
    const signal = waiter.options.signal;
    if (waiter.state === 'done' || signal === undefined) return;
    const reason = abortReason(signal, `${this.#options.name} acquire`);
    if (!(reason instanceof TimeoutError) || reason.cause !== undefined) {
      this.#fail(waiter, reason);
      return;
    }
    // A deadline fired while no host could serve: say why, as the pool's own timeout does.
    const summary = this.#summary(waiter.options.exclude);
    this.#fail(
      waiter,
      new TimeoutError(`${reason.message} (${summary.hosts})`, {
        code: reason.code,
        cause: summary.error,
        retryable: reason.retryable,
        details: { ...reason.details, hosts: summary.hosts },
      }),
    );
  }

  /** Every eligible host's last attempt failed permanently and none has connections: that error. */
  #permanentFailure(exclude: ReadonlySet<H> | undefined): ConnError | undefined {
    let latest: HostState<H, T> | undefined;
    for (const state of this.#list) {
      if (exclude?.has(state.spec)) continue;
      const error = state.lastError;
      if (error === undefined || !this.#isPermanent(error)) return undefined;
      if (state.pool.size > 0 || state.pool.pending > 0) return undefined;
      if (latest === undefined || state.lastErrorSeq > latest.lastErrorSeq) latest = state;
    }
    return latest?.lastError;
  }

  #isPermanent(error: ConnError): boolean {
    try {
      return this.#options.isPermanent(error) === true;
    } catch {
      return false;
    }
  }

  /** Each host's state in words, and the most recent host failure wrapped with that text. */
  #summary(exclude: ReadonlySet<H> | undefined): { hosts: string; error: ConnError } {
    const { hosts, latest } = this.#hostStates(exclude);
    return { hosts, error: this.#noHostError(hosts, latest) };
  }

  #noHostError(hosts: string, latest: ConnError | undefined): ConnError {
    return new ConnectionError(noHostMessage(hosts), {
      code: 'CONN_NO_HOST_AVAILABLE',
      cause: latest,
      details: { pool: this.#options.name, hosts: this.#list.length },
    });
  }

  /** Each host's state in words, and the latest connection failure of any. */
  #hostStates(exclude: ReadonlySet<H> | undefined): { hosts: string; latest: ConnError | undefined } {
    let latest: HostState<H, T> | undefined;
    const parts: string[] = [];
    for (const state of this.#list) {
      const spec = state.spec;
      let what: string;
      if (exclude?.has(spec)) what = 'excluded';
      else if (state.lastError !== undefined) {
        what = describe(state.lastError);
        if (latest === undefined || state.lastErrorSeq > latest.lastErrorSeq) latest = state;
      } else if (this.#selector.isInactive(spec)) what = 'inactive';
      else if (state.pool.size > 0) what = 'every connection busy';
      else if (state.pool.pending > 0) what = 'connecting';
      else what = 'not connected';
      parts.push(`${spec.host}:${spec.port} ${what}`);
    }
    return { hosts: parts.join('; '), latest: latest?.lastError };
  }

  /** Tells the waiter's `onFailure` why it waits, when that changed. */
  #report(waiter: HostWaiter<H, T>): void {
    // The text first: an error (and its stack) is built only for a waiter that has not been told yet.
    const { hosts, latest } = this.#hostStates(waiter.options.exclude);
    const message = noHostMessage(hosts);
    if (message === waiter.reported) return;
    // Waiters told the same thing share one error (thousands may wait for one connection).
    let error = this.#lastReported;
    if (error?.message !== message || error.cause !== latest) {
      error = this.#noHostError(hosts, latest);
      this.#lastReported = error;
    }
    waiter.reported = message;
    try {
      waiter.options.onFailure?.(error);
    } catch {
      // A failing callback must not break the pool.
    }
  }

  // ---- wake-ups: an inactive period or a back-off ends ----

  #armWake(): void {
    if (this.#queued === 0 || this.closed) {
      this.#clearWake();
      return;
    }
    let delay = this.#selector.nextActiveInMs() ?? Number.POSITIVE_INFINITY;
    for (const state of this.#list) {
      const backoff = state.pool.backoffRemainingMs;
      if (backoff > 0 && backoff < delay) delay = backoff;
    }
    if (delay === Number.POSITIVE_INFINITY) return;
    const at = Date.now() + delay;
    if (this.#wakeTimer !== undefined && this.#wakeAt <= at) return;
    this.#clearWake();
    this.#wakeAt = at;
    // Ref'd: queued callers await what this timer brings.
    this.#wakeTimer = setTimeout(
      (pool: HostPool<H, T>) => {
        pool.#wakeTimer = undefined;
        pool.#wakeAt = Number.POSITIVE_INFINITY;
        pool.#serve();
      },
      Math.min(Math.max(1, Math.ceil(delay)), MAX_TIMER_MS),
      this,
    );
  }

  #clearWake(): void {
    if (this.#wakeTimer !== undefined) clearTimeout(this.#wakeTimer);
    this.#wakeTimer = undefined;
    this.#wakeAt = Number.POSITIVE_INFINITY;
  }

  // ---- host events ----

  #hostConnected(state: HostState<H, T>): void {
    // A new connection means the host is back, whatever a failure had started.
    this.#selector.markActive(state.spec);
    this.#publish('host:connect', state, { connections: state.pool.size });
    this.#scheduleServe();
  }

  #hostFailed(state: HostState<H, T>, error: ConnError, backoffMs: number): void {
    state.lastErrorSeq = ++this.#errorSeq;
    this.#publish('host:connect-error', state, { error, backoffMs });
    this.#scheduleServe();
  }

  #publish(event: HostPoolEventName, state: HostState<H, T>, extra: object): void {
    const { host, port } = state.spec;
    this.#events.publish(event, () => ({ host, port, ...extra }));
  }

  #stateOf(host: H): HostState<H, T> {
    const state = this.#states.get(host);
    if (state === undefined) {
      throw new ConfigError('not a host of this pool (pass one of pool.hosts)', { field: 'host' });
    }
    return state;
  }

  #closedError(): PoolClosedError {
    return new PoolClosedError(`${this.#options.name} is closed`, { details: { pool: this.#options.name } });
  }
}

/** `CODE: message`, plus the system error code of a wrapped cause (e.g. `ECONNREFUSED`): never secrets. */
function describe(error: ConnError): string {
  const causeCode = (error.cause as { code?: unknown } | undefined)?.code;
  const suffix = typeof causeCode === 'string' && !isConnError(error.cause) ? ` (${causeCode})` : '';
  return `${error.code}: ${error.message}${suffix}`;
}

function noHostMessage(hosts: string): string {
  return `no host can serve now: ${hosts}`;
}
