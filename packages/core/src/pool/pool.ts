import { abortReason, createDeadline } from '../abort.js';
import type { EventPublisher } from '../diagnostics.js';
import {
  ConfigError,
  ConnError,
  ConnectionError,
  isConnError,
  PoolClosedError,
  PoolTimeoutError,
  ProtocolError,
  TimeoutError,
} from '../errors/index.js';
import { type Backoff, exponentialBackoff } from '../retry.js';
import type { Factory } from './factory.js';
import { type Lease, type LeaseHost, PoolLease, SharedPoolLease } from './lease.js';
import type { DestroyReason } from './pool-events.js';
import { CreateJob, Validation } from './pool-jobs.js';
import {
  type AcquireOptions,
  isTimeout,
  type PoolAvailability,
  type PoolCloseOptions,
  type PoolErrorPhase,
  type PoolObserver,
  type PoolOptions,
  type ResolvedPoolOptions,
  resolvePoolOptions,
  type TryAcquireOptions,
} from './pool-options.js';
import type { PoolStats } from './pool-stats.js';
import { PooledResource } from './pooled-resource.js';
import { SharedSlots } from './shared-slots.js';
import { Waiter, type WaiterHost, WaitQueue } from './wait-queue.js';

/** Node clamps longer timer delays to 1 ms; clamp them to the longest real delay instead. */
const MAX_TIMER_MS = 2_147_483_647;

type PoolHost<T> = LeaseHost<T> & WaiterHost<T>;

/**
 * A generic resource pool (connections, channels, sessions) with FIFO waiters, LIFO idle reuse,
 * background `min` prefill, `maxConnecting`, idle timeout, max lifetime and uses, validation after
 * idle, generations (`clear()`), cancellable acquires and a bounded `close()`.
 *
 * Resources may carry several requests at once: with `capacity > 1`, `acquire({ shared: true })`
 * lends a resource that up to `capacity` shared leases use together (the `sharing` policy says
 * when a lent one is joined rather than an idle one taken or a new one created). Exclusive leases
 * (the default) never get a resource that carries shared leases. Fairness: waiters are served in
 * order, and a shared acquire never joins a resource while an older acquire is queued, so a queued
 * exclusive acquire is served as soon as a resource's shared leases end, however many shared
 * acquires keep arriving.
 *
 * It never emits `'error'` events: errors nobody waits for go to `onError` and the `pool:error`
 * diagnostics channel. Background timers (idle, lifetime, prefill) are unref'd; the timers of a
 * waiting acquire() and of close() are not, so they fire. All are cleared by `close()`.
 *
 * @example
 * const pool = new Pool({ create: (signal) => connect(url, { signal }), destroy: (c) => c.close() }, { max: 5 });
 * await using lease = await pool.acquire({ timeoutMs: 2_000 });
 * await lease.resource.query('...');
 */
export class Pool<T> implements AsyncDisposable {
  private readonly factory: Factory<T>;
  private readonly options: ResolvedPoolOptions;
  private readonly events: EventPublisher;
  private readonly host: PoolHost<T>;
  /** Idle resources, least recently used first. */
  private readonly idleList: PooledResource<T>[] = [];
  /** Every live resource: idle, leased or being validated. */
  private readonly live = new Set<PooledResource<T>>();
  private readonly queue = new WaitQueue<T>();
  private readonly creates = new Set<CreateJob<T>>();
  private readonly validations = new Set<Validation<T>>();
  private readonly destroying = new Set<Promise<void>>();
  private readonly shared = new SharedSlots<T>();
  /** May a shared lease join this resource (generation, lifetime, uses, isReusable)? */
  private readonly fitsShared: (slot: PooledResource<T>) => boolean;
  private readonly backoff: Backoff;
  private readonly observer: PoolObserver | undefined;
  /** Idle time, lifetime or validation need `Date.now()` on check-in. */
  private readonly usesClock: boolean;
  private readonly checksReuse: boolean;
  private readonly validates: boolean;
  private leasedCount = 0;
  private waitingCount = 0;
  private gen = 0;
  private closing = false;
  private forced = false;
  private closePromise: Promise<void> | undefined = undefined;
  private closeResolve: (() => void) | undefined = undefined;
  private closeTimer: NodeJS.Timeout | undefined = undefined;
  private reapTimer: NodeJS.Timeout | undefined = undefined;
  private reapAt = Number.POSITIVE_INFINITY;
  private prefillTimer: NodeJS.Timeout | undefined = undefined;
  private lingerScheduled = false;
  /** `Date.now()` until which the back-off after failed creates lasts (0: none). */
  private backoffUntil = 0;
  /** Counts back-offs started; a create remembers the one it started in. */
  private backoffRound = 0;
  private createFailures = 0;
  private createErrorSeq = 0;
  private lastCreateError: ConnError | undefined = undefined;

  /**
   * @param factory creates, destroys and optionally checks resources.
   * @param options limits and timeouts; see {@link PoolOptions} for the defaults.
   * @throws ConfigError naming the invalid option (`field`).
   */
  constructor(factory: Factory<T>, options: PoolOptions = {}) {
    if (
      typeof factory !== 'object' ||
      factory === null ||
      typeof factory.create !== 'function' ||
      typeof factory.destroy !== 'function'
    ) {
      throw new ConfigError('pool factory must have create() and destroy() methods', { field: 'factory' });
    }
    for (const hook of ['validate', 'isReusable'] as const) {
      if (factory[hook] !== undefined && typeof factory[hook] !== 'function') {
        throw new ConfigError(`pool factory ${hook} must be a function`, { field: `factory.${hook}` });
      }
    }
    const resolved = resolvePoolOptions(options);
    this.factory = factory;
    this.options = resolved;
    this.events = resolved.events;
    this.validates =
      factory.validate !== undefined && resolved.validateAfterIdleMs !== Number.POSITIVE_INFINITY;
    this.checksReuse = factory.isReusable !== undefined;
    this.usesClock =
      resolved.idleTimeoutMs > 0 || this.validates || resolved.maxLifetimeMs !== Number.POSITIVE_INFINITY;
    this.host = {
      releaseLease: (slot) => this.releaseSlot(slot),
      destroyLease: (slot, error) => this.destroyLeased(slot, error),
      releaseShared: (slot) => this.releaseShared(slot),
      destroyShared: (slot, error) => this.destroyShared(slot, error),
      waiterAborted: (waiter) => this.waiterAborted(waiter),
    };
    this.fitsShared = (slot) => this.canJoin(slot);
    this.backoff = exponentialBackoff({
      baseMs: resolved.prefillBaseMs,
      maxMs: resolved.prefillMaxMs,
      jitter: 'equal',
      random: resolved.random,
    });
    this.observer = resolved.observer;
    if (resolved.min > 0) queueMicrotask(() => this.fill());
  }

  /** The pool's name (option `name`). */
  get name(): string {
    return this.options.name;
  }

  /** Live resources: idle + leased + being validated (creates in flight are `pending`). */
  get size(): number {
    return this.live.size;
  }

  /** Idle resources. */
  get idle(): number {
    return this.idleList.length;
  }

  /** Resources lent out. */
  get leased(): number {
    return this.leasedCount;
  }

  /** Creates in flight. */
  get pending(): number {
    return this.creates.size;
  }

  /** `acquire()` calls waiting for a resource. */
  get waiting(): number {
    return this.waitingCount;
  }

  /** Current generation; `clear()` increments it. */
  get generation(): number {
    return this.gen;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.closing;
  }

  /** Milliseconds until the back-off after failed creates ends (0 when none is in force). */
  get backoffRemainingMs(): number {
    if (this.backoffUntil === 0) return 0;
    return Math.max(0, this.backoffUntil - Date.now());
  }

  /** What an acquire with these options would get now (see {@link PoolAvailability}); changes nothing. */
  availability(options?: TryAcquireOptions): PoolAvailability {
    if (this.closing) return 'closed';
    if (this.queue.size === 0) {
      if (options?.shared === true) {
        if (this.canShareNow()) return 'now';
      } else if (this.idleList.length > 0 || this.shared.lingering > 0) {
        return 'now';
      }
    }
    return this.live.size + this.creates.size < this.options.max ? 'create' : 'wait';
  }

  /** A snapshot of every counter. */
  stats(): PoolStats {
    return {
      name: this.options.name,
      size: this.live.size,
      idle: this.idleList.length,
      leased: this.leasedCount,
      validating: this.validations.size,
      pending: this.creates.size,
      waiting: this.waitingCount,
      generation: this.gen,
      min: this.options.min,
      max: this.options.max,
      closed: this.closing,
      shared: this.shared.list.length,
      sharedLeases: this.shared.leases,
      capacity: this.options.capacity,
    };
  }

  /**
   * Borrows a resource: an idle one at once (no timer, no waiter), otherwise the next one released
   * or created, first come first served. With `shared: true`, a resource other shared leases may
   * use at the same time (see {@link AcquireOptions.shared}).
   *
   * Rejects with `PoolClosedError` after `close()`, `AbortError` when `signal` aborts,
   * `PoolTimeoutError` after `timeoutMs` (default `acquireTimeoutMs`; its `cause` is the latest
   * create error since the call started, if any), or the error of the create started for this call
   * (a `ConnError` as it is, anything else wrapped in a `ConnectionError`).
   */
  acquire(options?: AcquireOptions): Promise<Lease<T>> {
    if (this.closing) return this.rejectAcquire(this.closedError());
    if (options !== undefined) {
      const signal = options.signal;
      if (signal?.aborted) return this.rejectAcquire(abortReason(signal, 'pool acquire'));
      const timeoutMs = options.timeoutMs;
      if (timeoutMs !== undefined && !isTimeout(timeoutMs)) {
        return Promise.reject(
          new ConfigError(`timeoutMs must be a non-negative number, got ${String(timeoutMs)}`, {
            field: 'timeoutMs',
          }),
        );
      }
      if (options.shared === true) return this.acquireShared(options);
    }
    if (this.queue.size === 0) {
      // The hot path: an idle resource for an exclusive lease.
      if (this.idleList.length > 0) {
        const slot = this.takeIdle();
        if (slot !== undefined) {
          if (!this.validates || !this.isDueForValidation(slot)) return Promise.resolve(this.lend(slot));
          return this.enqueue(options, slot, false);
        }
      }
      if (this.shared.lingering > 0) {
        const slot = this.takeLingering();
        if (slot !== undefined) return Promise.resolve(this.lend(slot));
      }
    }
    return this.enqueue(options, undefined, false);
  }

  private acquireShared(options: AcquireOptions): Promise<Lease<T>> {
    if (this.queue.size === 0) {
      const slot = this.takeShared();
      if (slot !== undefined) {
        if (slot.shared || !this.validates || !this.isDueForValidation(slot)) {
          return Promise.resolve(this.lendShared(slot));
        }
        return this.enqueue(options, slot, true);
      }
    }
    return this.enqueue(options, undefined, true);
  }

  /**
   * A lease now, or `undefined` when `acquire()` would have to wait, create or validate; never
   * queues, so nothing is left to cancel. Saves the promise of `acquire()` on hot paths.
   * @throws PoolClosedError after `close()`.
   */
  tryAcquire(options?: TryAcquireOptions): Lease<T> | undefined {
    if (this.closing) throw this.closedError();
    if (this.queue.size > 0) return undefined;
    const shared = options?.shared === true;
    const slot = shared ? this.takeShared() : this.takeExclusive();
    if (slot === undefined) return undefined;
    if (!slot.shared && this.validates && this.isDueForValidation(slot)) {
      if (this.options.lifo) this.idleList.push(slot);
      else this.idleList.unshift(slot);
      return undefined;
    }
    return shared ? this.lendShared(slot) : this.lend(slot);
  }

  /**
   * Runs `fn` with a borrowed resource and gives it back afterwards: released on success and on
   * ordinary errors, destroyed when `fn` fails with a connection-kind error (`ConnectionError`,
   * `ProtocolError`, `TimeoutError`), since the resource's state is then unknown.
   */
  async use<R>(fn: (resource: T) => Promise<R> | R, options?: AcquireOptions): Promise<R> {
    const lease = await this.acquire(options);
    let result: R;
    try {
      result = await fn(lease.resource);
    } catch (error) {
      if (isConnectionKind(error)) lease.destroy(error);
      else lease.release();
      throw error;
    }
    lease.release();
    return result;
  }

  /**
   * Starts a new generation (for example after a failover): idle resources are destroyed now,
   * leased ones when released, and creates in flight when they finish.
   */
  clear(): void {
    if (this.closing) return;
    this.gen++;
    const generation = this.gen;
    this.events.publish('pool:clear', () => ({ pool: this.options.name, generation }));
    for (const slot of this.idleList.splice(0)) this.discard(slot, 'stale');
    if (this.shared.lingering > 0) this.endLingering();
    this.dispatch();
  }

  /**
   * Closes the pool: new acquires and current waiters reject with `PoolClosedError`, creates in
   * flight are aborted, idle resources destroyed; leases are destroyed as they come back. After
   * `timeoutMs` (default `closeTimeoutMs`) the remaining leases are destroyed anyway. Resolves when
   * every resource is destroyed. Calling it again returns the same promise.
   */
  close(options?: PoolCloseOptions): Promise<void> {
    if (this.closePromise !== undefined) return this.closePromise;
    const timeoutMs = options?.timeoutMs ?? this.options.closeTimeoutMs;
    if (!isTimeout(timeoutMs)) {
      return Promise.reject(
        new ConfigError(`timeoutMs must be a non-negative number, got ${String(timeoutMs)}`, {
          field: 'timeoutMs',
        }),
      );
    }
    this.closing = true;
    this.closePromise = new Promise<void>((resolve) => {
      this.closeResolve = resolve;
    });
    this.events.publish('pool:close', () => ({ pool: this.options.name, leased: this.leasedCount }));
    if (this.reapTimer !== undefined) clearTimeout(this.reapTimer);
    if (this.prefillTimer !== undefined) clearTimeout(this.prefillTimer);
    this.reapTimer = undefined;
    this.prefillTimer = undefined;
    const error = this.closedError();
    for (const waiter of this.queue.queued()) this.failWaiter(waiter, error);
    for (const validation of this.validations) {
      validation.controller.abort(error);
      this.failWaiter(validation.waiter, error);
    }
    for (const job of this.creates) job.controller.abort(error);
    for (const slot of this.idleList.splice(0)) this.discard(slot, 'pool-closed');
    for (const slot of [...this.shared.list]) {
      if (!slot.lingering) continue;
      this.shared.remove(slot);
      this.leasedCount--;
      this.discard(slot, 'pool-closed');
    }
    if (timeoutMs !== Number.POSITIVE_INFINITY) {
      // Ref'd on purpose: an awaited close() must reach its force-destroy even if nothing else
      // keeps the process alive.
      this.closeTimer = setTimeout(Pool.onCloseTimer, Math.min(timeoutMs, MAX_TIMER_MS), this);
    }
    this.checkDrained();
    return this.closePromise;
  }

  /** `close()` with the default timeout, for `await using pool = new Pool(...)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- timers (static, so setTimeout gets no closure) ----

  private static onWaiterTimeout<T>(pool: Pool<T>, waiter: Waiter<T>): void {
    pool.waiterTimedOut(waiter);
  }

  private static onReapTimer<T>(pool: Pool<T>): void {
    pool.reap();
  }

  private static onPrefillTimer<T>(pool: Pool<T>): void {
    pool.prefillTimer = undefined;
    pool.fill();
  }

  private static onCloseTimer<T>(pool: Pool<T>): void {
    pool.forceClose();
  }

  private static onLingerTick<T>(pool: Pool<T>): void {
    pool.lingerScheduled = false;
    pool.endLingering();
  }

  // ---- acquire ----

  private rejectAcquire(error: ConnError): Promise<never> {
    if (this.events.hasSubscribers('pool:acquire-error')) {
      this.events.publish('pool:acquire-error', () => ({ pool: this.options.name, error }));
    }
    return Promise.reject(error);
  }

  private closedError(): PoolClosedError {
    return new PoolClosedError(`pool ${this.options.name} is closed`, {
      details: { pool: this.options.name },
    });
  }

  /** Takes the next usable idle resource; destroys stale, expired and unusable ones on the way. */
  private takeIdle(): PooledResource<T> | undefined {
    const idle = this.idleList;
    while (idle.length > 0) {
      const slot = (this.options.lifo ? idle.pop() : idle.shift()) as PooledResource<T>;
      const reason = this.unusable(slot);
      if (reason === undefined) return slot;
      this.discard(slot, reason);
      this.prefill();
    }
    return undefined;
  }

  private unusable(slot: PooledResource<T>): DestroyReason | undefined {
    if (slot.dead) return 'lost';
    if (slot.generation !== this.gen) return 'stale';
    if (slot.expiresAt !== Number.POSITIVE_INFINITY && slot.expiresAt <= Date.now()) return 'max-lifetime';
    if (this.checksReuse && !this.reusable(slot)) return 'not-reusable';
    return undefined;
  }

  private reusable(slot: PooledResource<T>): boolean {
    try {
      return this.factory.isReusable?.(slot.resource) !== false;
    } catch (error) {
      this.report(
        toConnError(error, `pool ${this.options.name}: isReusable threw`, ConnError),
        'is-reusable',
      );
      return false;
    }
  }

  private isDueForValidation(slot: PooledResource<T>): boolean {
    return Date.now() - slot.idleSince >= this.options.validateAfterIdleMs;
  }

  /** An idle resource, else a lingering one (taken out of shared use). */
  private takeExclusive(): PooledResource<T> | undefined {
    if (this.idleList.length > 0) {
      const slot = this.takeIdle();
      if (slot !== undefined) return slot;
    }
    return this.takeLingering();
  }

  /** A lingering resource taken out of shared use, for an exclusive lease. */
  private takeLingering(): PooledResource<T> | undefined {
    if (this.shared.lingering === 0) return undefined;
    const slot = this.shared.takeLingering(this.fitsShared);
    if (slot !== undefined) this.leasedCount--;
    return slot;
  }

  /**
   * For a shared lease: a lingering resource, else an idle one, else (by the sharing policy) the
   * least loaded shared one below capacity. A shared one is still in `shared`; an idle one is not.
   */
  private takeShared(): PooledResource<T> | undefined {
    const best =
      this.shared.list.length === 0
        ? undefined
        : this.shared.leastLoaded(this.options.capacity, this.fitsShared);
    if (best !== undefined && best.shares === 0) return best;
    if (this.idleList.length > 0) {
      const slot = this.takeIdle();
      if (slot !== undefined) return slot;
    }
    if (best === undefined) return undefined;
    if (this.options.sharing === 'when-full' && this.live.size + this.creates.size < this.options.max) {
      return undefined;
    }
    return best;
  }

  /** `takeShared()` would find something (idle resources are assumed usable). */
  private canShareNow(): boolean {
    if (this.idleList.length > 0) return true;
    if (this.shared.list.length === 0) return false;
    const best = this.shared.leastLoaded(this.options.capacity, this.fitsShared);
    if (best === undefined) return false;
    return (
      best.shares === 0 ||
      this.options.sharing === 'always' ||
      this.live.size + this.creates.size >= this.options.max
    );
  }

  private canJoin(slot: PooledResource<T>): boolean {
    if (slot.dead || slot.generation !== this.gen || slot.uses >= this.options.maxUses) return false;
    if (slot.expiresAt !== Number.POSITIVE_INFINITY && slot.expiresAt <= Date.now()) return false;
    if (this.checksReuse && !this.reusable(slot)) {
      // Broken while shared: no new shared leases; it is checked again when the last one ends.
      slot.noShare = true;
      return false;
    }
    return true;
  }

  /** An exclusive lease. */
  private lend(slot: PooledResource<T>): Lease<T> {
    slot.uses++;
    this.leasedCount++;
    const lease = new PoolLease(this.host, slot);
    slot.lease = lease;
    if (this.events.hasSubscribers('pool:acquire')) {
      this.events.publish('pool:acquire', () => ({
        pool: this.options.name,
        uses: slot.uses,
        shared: false,
      }));
    }
    return lease;
  }

  /** A shared lease: the resource enters (or stays in) shared use and carries one more. */
  private lendShared(slot: PooledResource<T>): Lease<T> {
    slot.uses++;
    if (!slot.shared) {
      this.shared.add(slot);
      this.leasedCount++;
    } else if (slot.lingering) {
      slot.lingering = false;
      this.shared.lingering--;
    }
    slot.shares++;
    this.shared.leases++;
    if (this.events.hasSubscribers('pool:acquire')) {
      this.events.publish('pool:acquire', () => ({ pool: this.options.name, uses: slot.uses, shared: true }));
    }
    return new SharedPoolLease(this.host, slot);
  }

  /** The slow path: a waiter with its own timer, served by dispatch, a create or a validation. */
  private enqueue(
    options: AcquireOptions | undefined,
    slot: PooledResource<T> | undefined,
    shared: boolean,
  ): Promise<Lease<T>> {
    const timeoutMs = options?.timeoutMs ?? this.options.acquireTimeoutMs;
    const waiter = new Waiter<T>(this.host, options?.signal, timeoutMs, this.createErrorSeq, shared);
    const promise = new Promise<Lease<T>>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
    });
    this.waitingCount++;
    if (timeoutMs !== Number.POSITIVE_INFINITY) {
      // Ref'd on purpose: a caller awaiting acquire() must get its PoolTimeoutError, not a process
      // that exits silently with the promise unsettled. Background timers stay unref'd.
      waiter.timer = setTimeout(Pool.onWaiterTimeout, Math.min(timeoutMs, MAX_TIMER_MS), this, waiter);
    }
    waiter.signal?.addEventListener('abort', waiter, { once: true });
    if (slot !== undefined) {
      this.startValidation(slot, waiter);
    } else {
      this.queue.push(waiter);
      this.dispatch();
    }
    return promise;
  }

  /**
   * Serves queued waiters in order (idle and lingering resources, shared slots for shared
   * waiters), then starts the creates still needed. It stops at the first waiter it cannot serve,
   * so nobody behind a waiting exclusive acquire joins a shared resource.
   */
  private dispatch(): void {
    if (this.closing) return;
    const queue = this.queue;
    // Nothing idle and nothing shared: nobody can be served now (the common case under load).
    while (queue.size > 0 && (this.idleList.length > 0 || this.shared.list.length > 0)) {
      const waiter = queue.first();
      if (waiter === undefined) break;
      const slot = waiter.shared ? this.takeShared() : this.takeExclusive();
      if (slot === undefined) break;
      if (!slot.shared && this.validates && this.isDueForValidation(slot)) {
        waiter.state = 'validating';
        queue.left();
        this.startValidation(slot, waiter);
      } else {
        this.grant(waiter, slot);
      }
    }
    this.fill();
  }

  private grant(waiter: Waiter<T>, slot: PooledResource<T>): void {
    this.detach(waiter, undefined);
    waiter.resolve(waiter.shared ? this.lendShared(slot) : this.lend(slot));
  }

  private failWaiter(waiter: Waiter<T>, error: ConnError): void {
    if (waiter.state === 'done') return;
    this.detach(waiter, error);
    waiter.reject(error);
    if (this.events.hasSubscribers('pool:acquire-error')) {
      this.events.publish('pool:acquire-error', () => ({ pool: this.options.name, error }));
    }
  }

  /** Settles nothing: takes the waiter out of every structure and hands its create on. */
  private detach(waiter: Waiter<T>, reason: ConnError | undefined): void {
    const state = waiter.state;
    waiter.state = 'done';
    this.waitingCount--;
    if (state === 'queued') this.queue.left();
    if (waiter.timer !== undefined) {
      clearTimeout(waiter.timer);
      waiter.timer = undefined;
    }
    waiter.signal?.removeEventListener('abort', waiter);
    const validation = waiter.validation;
    if (validation !== undefined) {
      waiter.validation = undefined;
      if (reason !== undefined) validation.controller.abort(reason);
    }
    const job = waiter.create;
    if (job !== undefined) {
      waiter.create = undefined;
      job.owner = undefined;
      // The next waiter without a create inherits it; with none left, a create started on demand
      // is aborted when its waiter gave up (a late result still goes to idle or is destroyed).
      const next = this.closing ? undefined : this.queue.firstUnowned();
      if (next !== undefined) {
        job.owner = next;
        next.create = job;
      } else if (reason !== undefined && job.demand) {
        job.controller.abort(reason);
      }
    }
  }

  private waiterTimedOut(waiter: Waiter<T>): void {
    waiter.timer = undefined;
    if (waiter.state === 'done') return;
    const cause = this.createErrorSeq > waiter.errorSeq ? this.lastCreateError : undefined;
    const name = this.options.name;
    this.failWaiter(
      waiter,
      new PoolTimeoutError(`pool ${name}: no resource became available within ${waiter.timeoutMs} ms`, {
        cause,
        details: {
          pool: name,
          timeoutMs: waiter.timeoutMs,
          size: this.live.size,
          pending: this.creates.size,
          max: this.options.max,
        },
      }),
    );
  }

  private waiterAborted(waiter: Waiter<T>): void {
    if (waiter.state === 'done' || waiter.signal === undefined) return;
    this.failWaiter(waiter, abortReason(waiter.signal, 'pool acquire'));
  }

  // ---- validation ----

  private startValidation(slot: PooledResource<T>, waiter: Waiter<T>): void {
    waiter.state = 'validating';
    const validation = new Validation(slot, waiter);
    waiter.validation = validation;
    this.validations.add(validation);
    let result: Promise<boolean>;
    try {
      result = Promise.resolve(this.factory.validate!(slot.resource, validation.controller.signal));
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (ok) => this.validated(validation, ok === true, undefined, false),
      (error: unknown) => this.validated(validation, false, error, true),
    );
  }

  private validated(validation: Validation<T>, ok: boolean, error: unknown, threw: boolean): void {
    this.validations.delete(validation);
    const { slot, waiter } = validation;
    if (waiter.validation === validation) waiter.validation = undefined;
    if (threw && !validation.controller.signal.aborted) {
      this.report(toConnError(error, `pool ${this.options.name}: validate failed`, ConnError), 'validate');
    }
    if (this.closing) {
      this.discard(slot, 'pool-closed');
      this.checkDrained();
      return;
    }
    const reason = ok ? this.unusable(slot) : 'validation-failed';
    if (reason !== undefined) {
      this.discard(slot, reason);
      if (waiter.state === 'validating') {
        // It keeps its turn: back to the front, to try the next idle resource or a new one.
        waiter.state = 'queued';
        this.queue.unshift(waiter);
      }
      this.dispatch();
    } else if (waiter.state === 'validating') {
      this.grant(waiter, slot);
      if (waiter.shared) this.dispatch();
    } else {
      this.checkIn(slot);
    }
  }

  // ---- create ----

  /** Starts creates for waiters without one (within max and maxConnecting), then the min prefill. */
  private fill(): void {
    if (this.closing) return;
    const queue = this.queue;
    if (queue.size > 0) {
      const { max, maxConnecting } = this.options;
      for (const job of this.creates) {
        if (job.owner !== undefined || job.controller.signal.aborted) continue;
        const waiter = queue.firstUnowned();
        if (waiter === undefined) break;
        job.owner = waiter;
        waiter.create = job;
      }
      while (this.creates.size < maxConnecting && this.live.size + this.creates.size < max) {
        const waiter = queue.firstUnowned();
        if (waiter === undefined) break;
        this.startCreate(waiter);
      }
    }
    this.prefill();
  }

  /** Background creates up to `min`; paused while a retry back-off is pending. */
  private prefill(): void {
    const { min, maxConnecting } = this.options;
    while (
      !this.closing &&
      this.prefillTimer === undefined &&
      this.creates.size < maxConnecting &&
      this.live.size + this.creates.size < min
    ) {
      this.startCreate(undefined);
    }
  }

  private startCreate(owner: Waiter<T> | undefined): void {
    const job = new CreateJob<T>(this.gen, owner, this.backoffRound);
    if (owner !== undefined) owner.create = job;
    this.creates.add(job);
    const timeoutMs = this.options.createTimeoutMs;
    const deadline = createDeadline(
      {
        signal: job.controller.signal,
        timeoutMs: timeoutMs === Number.POSITIVE_INFINITY ? undefined : Math.min(timeoutMs, MAX_TIMER_MS),
      },
      // Background: a waiter for this create has its own ref'd timer.
      { what: `pool ${this.options.name}: create`, timeoutCode: 'CONN_CONNECT_TIMEOUT', background: true },
    );
    job.deadline = deadline;
    const lost = (error?: unknown): void => this.resourceLost(job, error);
    let created: Promise<T>;
    try {
      created = Promise.resolve(this.factory.create(deadline.signal, lost));
    } catch (error) {
      created = Promise.reject(error);
    }
    created.then(
      (resource) => this.created(job, resource),
      (error: unknown) => this.createFailed(job, error),
    );
  }

  private created(job: CreateJob<T>, resource: T): void {
    const lostEarly = job.lostBeforeDelivery;
    if (lostEarly !== undefined) {
      this.destroyResource(resource, 'lost', lostEarly.error);
      this.createFailed(
        job,
        lostEarly.error ??
          new ConnectionError(`pool ${this.options.name}: the resource was lost while created`),
      );
      return;
    }
    this.creates.delete(job);
    job.deadline?.dispose();
    this.createFailures = 0;
    this.backoffUntil = 0;
    const owner = job.owner;
    if (owner !== undefined) {
      owner.create = undefined;
      job.owner = undefined;
    }
    if (this.closing || job.generation !== this.gen) {
      this.destroyResource(resource, this.closing ? 'pool-closed' : 'stale', undefined);
      if (this.closing) this.checkDrained();
      else this.dispatch();
      return;
    }
    const { maxLifetimeMs, lifetimeJitterMs, random } = this.options;
    const now = this.usesClock ? Date.now() : 0;
    const expiresAt =
      maxLifetimeMs === Number.POSITIVE_INFINITY
        ? Number.POSITIVE_INFINITY
        : now + maxLifetimeMs - random() * lifetimeJitterMs;
    const slot = new PooledResource(resource, this.gen, now, expiresAt);
    job.slot = slot;
    this.live.add(slot);
    this.events.publish('pool:create', () => ({
      pool: this.options.name,
      generation: slot.generation,
      size: this.live.size,
    }));
    this.observer?.created?.();
    // To the waiter it was made for; if that one left, the next waiter, else idle. Then other
    // waiters: shared ones may join it, the rest get creates of their own.
    if (owner !== undefined && owner.state !== 'done') this.grant(owner, slot);
    else this.checkIn(slot);
    this.dispatch();
  }

  private createFailed(job: CreateJob<T>, error: unknown): void {
    this.creates.delete(job);
    job.deadline?.dispose();
    const failure = toConnError(error, `pool ${this.options.name}: create failed`, ConnectionError);
    // Aborted by the pool (its waiters left, or close): an expected end, not a server failure.
    const abandoned = job.controller.signal.aborted;
    if (!abandoned) {
      this.lastCreateError = failure;
      this.createErrorSeq++;
      this.createFailures++;
      // A create started before the current back-off began does not stretch it when it fails too.
      const now = Date.now();
      if (job.backoffRound === this.backoffRound) {
        this.backoffRound++;
        this.backoffUntil = now + this.backoff(this.createFailures - 1);
      }
      this.observer?.createFailed?.(failure, Math.max(0, this.backoffUntil - now));
    }
    this.events.publish('pool:create-error', () => ({ pool: this.options.name, error: failure, abandoned }));
    const owner = job.owner;
    if (owner !== undefined) {
      owner.create = undefined;
      job.owner = undefined;
    }
    if (this.closing) {
      this.checkDrained();
      return;
    }
    if (owner !== undefined && owner.state !== 'done') this.failWaiter(owner, failure);
    else if (!abandoned) this.report(failure, job.demand ? 'create' : 'prefill');
    if (!abandoned && this.live.size + this.creates.size < this.options.min) this.schedulePrefill();
    // Other waiters get creates of their own (each failure settles one waiter: never a loop).
    this.dispatch();
  }

  /** The prefill resumes when the back-off ends (set by the failure that called this). */
  private schedulePrefill(): void {
    if (this.prefillTimer !== undefined || this.closing) return;
    const delayMs = Math.max(0, this.backoffUntil - Date.now());
    this.prefillTimer = setTimeout(Pool.onPrefillTimer, delayMs, this);
    this.prefillTimer.unref();
    this.observer?.retryScheduled?.(delayMs);
  }

  /** The factory's `lost` callback: the resource died on its own; drop it wherever it is. */
  private resourceLost(job: CreateJob<T>, error: unknown): void {
    const slot = job.slot;
    if (slot === undefined) {
      if (this.creates.has(job) && job.lostBeforeDelivery === undefined) job.lostBeforeDelivery = { error };
      return;
    }
    if (slot.dead) return;
    const failure =
      error === undefined
        ? undefined
        : toConnError(error, `pool ${this.options.name}: resource lost`, ConnectionError);
    if (slot.lease !== undefined) {
      // Its holder's release() or destroy() is a no-op from now on (the slot is dead).
      slot.lease = undefined;
      this.leasedCount--;
    } else if (slot.shared) {
      this.dropShared(slot);
    } else {
      const index = this.idleList.indexOf(slot);
      if (index !== -1) this.idleList.splice(index, 1);
      // Otherwise it is being validated: the validation's answer is ignored (unusable: lost).
    }
    this.discard(slot, 'lost', failure);
    this.observer?.lost?.(failure);
    if (this.closing) this.checkDrained();
    else this.dispatch();
  }

  // ---- release, idle, destroy ----

  private releaseSlot(slot: PooledResource<T>): void {
    if (slot.dead) return;
    slot.lease = undefined;
    this.leasedCount--;
    if (this.closing) {
      this.discard(slot, 'pool-closed');
      this.checkDrained();
      return;
    }
    if (this.events.hasSubscribers('pool:release')) {
      this.events.publish('pool:release', () => ({ pool: this.options.name, uses: slot.uses }));
    }
    if (slot.uses >= this.options.maxUses) {
      this.discard(slot, 'max-uses');
      this.dispatch();
      return;
    }
    this.checkIn(slot);
  }

  private destroyLeased(slot: PooledResource<T>, error: unknown): void {
    if (slot.dead) return;
    slot.lease = undefined;
    this.leasedCount--;
    this.discard(slot, 'destroyed', error);
    if (this.closing) this.checkDrained();
    else this.dispatch();
  }

  /** One shared lease ended: its slot serves the next shared waiter, or the resource goes back. */
  private releaseShared(slot: PooledResource<T>): void {
    if (slot.dead) return;
    slot.shares--;
    this.shared.leases--;
    if (this.events.hasSubscribers('pool:release')) {
      this.events.publish('pool:release', () => ({ pool: this.options.name, uses: slot.uses, shared: true }));
    }
    if (slot.shares > 0) {
      if (this.closing) return;
      if (this.queue.size > 0) this.dispatch();
      this.observer?.available?.();
      return;
    }
    if (
      this.options.lingerShared &&
      !this.closing &&
      this.queue.size === 0 &&
      !slot.noShare &&
      slot.uses < this.options.maxUses &&
      this.unusable(slot) === undefined
    ) {
      this.linger(slot);
      return;
    }
    this.endShared(slot);
  }

  /** Keeps a resource whose last shared lease ended for the promise jobs queued now. */
  private linger(slot: PooledResource<T>): void {
    slot.lingering = true;
    this.shared.lingering++;
    if (this.usesClock) slot.idleSince = Date.now();
    if (!this.lingerScheduled) {
      this.lingerScheduled = true;
      process.nextTick(Pool.onLingerTick, this);
    }
    this.observer?.available?.();
  }

  private endLingering(): void {
    if (this.shared.lingering === 0) return;
    for (const slot of [...this.shared.list]) if (slot.lingering) this.endShared(slot);
  }

  /** The resource leaves shared use: back to a waiter or idle (or destroyed when unusable). */
  private endShared(slot: PooledResource<T>): void {
    this.shared.remove(slot);
    this.leasedCount--;
    if (this.closing) {
      this.discard(slot, 'pool-closed');
      this.checkDrained();
      return;
    }
    if (slot.uses >= this.options.maxUses) {
      this.discard(slot, 'max-uses');
      this.dispatch();
      return;
    }
    this.checkIn(slot);
  }

  /** A holder destroyed a shared resource: it is gone for every holder. */
  private destroyShared(slot: PooledResource<T>, error: unknown): void {
    if (slot.dead) return;
    this.dropShared(slot);
    this.discard(slot, 'destroyed', error);
    if (this.closing) this.checkDrained();
    else this.dispatch();
  }

  /** Takes a resource out of shared use at once; leases still out on it end as no-ops. */
  private dropShared(slot: PooledResource<T>): void {
    this.shared.leases -= slot.shares;
    slot.shares = 0;
    this.shared.remove(slot);
    this.leasedCount--;
  }

  /** A resource comes back into circulation: to the first waiter, else idle. */
  private checkIn(slot: PooledResource<T>): void {
    const reason = this.unusable(slot);
    if (reason !== undefined) {
      this.discard(slot, reason);
      this.dispatch();
      return;
    }
    const waiter = this.queue.size > 0 ? this.queue.first() : undefined;
    if (waiter === undefined) {
      this.putIdle(slot);
      if (this.observer !== undefined) this.observer.available?.();
    } else if (waiter.shared) {
      this.grant(waiter, slot);
      // Shared waiters behind it may join the resource it just got.
      this.dispatch();
    } else {
      this.detach(waiter, undefined);
      waiter.resolve(this.lend(slot));
    }
  }

  private putIdle(slot: PooledResource<T>): void {
    this.idleList.push(slot);
    if (!this.usesClock) return;
    const now = Date.now();
    slot.idleSince = now;
    const { idleTimeoutMs, min } = this.options;
    let due = slot.expiresAt;
    if (idleTimeoutMs > 0 && this.live.size > min && now + idleTimeoutMs < due) due = now + idleTimeoutMs;
    if (due < this.reapAt) this.scheduleReap(due, now);
  }

  private scheduleReap(due: number, now: number): void {
    if (this.reapTimer !== undefined) clearTimeout(this.reapTimer);
    this.reapAt = due;
    this.reapTimer = setTimeout(Pool.onReapTimer, Math.min(Math.max(0, due - now), MAX_TIMER_MS), this);
    this.reapTimer.unref();
  }

  /** One timer for all idle resources: retires expired ones, idle ones above `min`, then refills. */
  private reap(): void {
    this.reapTimer = undefined;
    this.reapAt = Number.POSITIVE_INFINITY;
    if (this.closing) return;
    const now = Date.now();
    const { idleTimeoutMs, min } = this.options;
    const idle = this.idleList;
    let next = Number.POSITIVE_INFINITY;
    for (let i = 0; i < idle.length; ) {
      const slot = idle[i] as PooledResource<T>;
      let reason: DestroyReason | undefined;
      if (slot.expiresAt <= now) reason = 'max-lifetime';
      else if (slot.generation !== this.gen) reason = 'stale';
      else if (idleTimeoutMs > 0 && this.live.size > min) {
        const due = slot.idleSince + idleTimeoutMs;
        if (due <= now) reason = 'idle-timeout';
        else if (due < next) next = due;
      }
      if (reason !== undefined) {
        idle.splice(i, 1);
        this.discard(slot, reason);
        continue;
      }
      if (slot.expiresAt < next) next = slot.expiresAt;
      i++;
    }
    if (next !== Number.POSITIVE_INFINITY) this.scheduleReap(next, now);
    this.fill();
  }

  private discard(slot: PooledResource<T>, reason: DestroyReason, error?: unknown): void {
    if (!this.live.delete(slot)) return;
    slot.dead = true;
    this.destroyResource(slot.resource, reason, error);
    // Room for a create opened (a composed pool may route an acquire here again).
    if (!this.closing) this.observer?.available?.();
  }

  /** Calls `factory.destroy`; its errors are reported, never thrown. */
  private destroyResource(resource: T, reason: DestroyReason, error: unknown): void {
    if (this.events.hasSubscribers('pool:destroy')) {
      this.events.publish('pool:destroy', () => ({ pool: this.options.name, reason, error }));
    }
    let result: Promise<void> | void;
    try {
      result = this.factory.destroy(resource);
    } catch (thrown) {
      this.reportDestroyError(thrown);
      return;
    }
    if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
      const tracked: Promise<void> = Promise.resolve(result).then(undefined, (thrown: unknown) =>
        this.reportDestroyError(thrown),
      );
      this.destroying.add(tracked);
      tracked.then(() => this.destroying.delete(tracked));
    }
  }

  private reportDestroyError(error: unknown): void {
    this.report(toConnError(error, `pool ${this.options.name}: destroy failed`, ConnError), 'destroy');
  }

  /** Errors nobody waits for: diagnostics channel and the `onError` hook, never thrown. */
  private report(error: ConnError, phase: PoolErrorPhase): void {
    const pool = this.options.name;
    this.events.publish('pool:error', () => ({ pool, phase, error }));
    const onError = this.options.onError;
    if (onError === undefined) return;
    try {
      onError(error, { pool, phase });
    } catch {
      // A failing hook must not break the pool.
    }
  }

  // ---- close ----

  private checkDrained(): void {
    const resolve = this.closeResolve;
    if (resolve === undefined) return;
    if (!this.forced && (this.leasedCount > 0 || this.validations.size > 0 || this.creates.size > 0)) return;
    this.closeResolve = undefined;
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
    if (this.destroying.size === 0) resolve();
    else Promise.all(this.destroying).then(() => resolve());
  }

  /** The close timeout passed: destroy what is still lent out or being validated. */
  private forceClose(): void {
    this.closeTimer = undefined;
    this.forced = true;
    for (const slot of [...this.live]) {
      const lease = slot.lease;
      if (lease !== undefined) {
        lease.revoke();
        slot.lease = undefined;
        this.leasedCount--;
      } else if (slot.shared) {
        this.dropShared(slot);
      }
      this.discard(slot, 'force-closed');
    }
    this.checkDrained();
  }
}

function toConnError(
  error: unknown,
  message: string,
  Kind: new (message: string, options: { cause: unknown }) => ConnError,
): ConnError {
  return isConnError(error) ? error : new Kind(message, { cause: error });
}

/** Errors after which a connection's state is unknown, so `use()` destroys it. */
function isConnectionKind(error: unknown): boolean {
  return error instanceof ConnectionError || error instanceof ProtocolError || error instanceof TimeoutError;
}
