import type { CallOptions } from '../abort.js';
import { createEventPublisher, type EventPublisher } from '../diagnostics.js';
import { ConfigError, type ConnError } from '../errors/index.js';
import { durationOption, integerOption } from '../options/option-checks.js';
import type { RandomSource } from '../random.js';

/** Where an error reported to {@link PoolOptions.onError} happened. */
export type PoolErrorPhase = 'prefill' | 'create' | 'destroy' | 'validate' | 'is-reusable';

/** Context passed to {@link PoolOptions.onError}. */
export interface PoolErrorContext {
  /** The pool's name. */
  readonly pool: string;
  /** What the pool was doing. */
  readonly phase: PoolErrorPhase;
}

/**
 * Back-off after failed creates: the background `min` prefill waits before it tries again, and
 * `backoffRemainingMs` tells composed pools (e.g. `HostPool`) to route elsewhere meanwhile. The
 * n-th consecutive failure waits a random time in [c/2, c) with c = min(maxMs, baseMs * 2^(n-1));
 * a successful create resets it.
 */
export interface PrefillRetryOptions {
  /** First ceiling in ms; doubles per consecutive failure. Default 100. */
  baseMs?: number | undefined;
  /** Upper bound of the delay in ms. Default 10_000. */
  maxMs?: number | undefined;
}

/**
 * When a shared acquire (`acquire({ shared: true })`) joins a resource that already carries shared
 * leases instead of taking an idle one or creating one:
 * - `when-full`: only when the pool cannot hand out another right away (nothing idle, no room
 *   under `max`); the least loaded shared resource below `capacity` (pipelining protocols).
 * - `always`: whenever one is below `capacity`, the least loaded first; a new resource is
 *   created only when none is (multiplexing protocols: one connection per server is enough).
 * Either way a resource whose last shared lease just ended (lingering) is reused first.
 */
export type SharingPolicy = 'when-full' | 'always';

/**
 * Synchronous notifications for code built on a pool (`HostPool` uses them). They run inside
 * the pool's bookkeeping: they must not throw and must not call back into the pool synchronously
 * (defer with `queueMicrotask`).
 */
export interface PoolObserver {
  /** A resource was created. */
  created?(): void;
  /** A create failed (not one the pool aborted itself); `backoffMs` is the back-off now in force. */
  createFailed?(error: ConnError, backoffMs: number): void;
  /** A live resource was reported lost through the `lost` callback of `Factory.create`. */
  lost?(error: ConnError | undefined): void;
  /** The background prefill (below `min`) will try again after `delayMs`. */
  retryScheduled?(delayMs: number): void;
  /** An acquire may now be served: a resource went idle or lingers, a shared slot freed, or room opened. */
  available?(): void;
}

/** Options of a {@link Pool}. Every field is optional; defaults are listed per field. */
export interface PoolOptions {
  /** Resources kept open in the background, created with back-off on failure. Default 0. */
  min?: number | undefined;
  /** Upper bound of live plus connecting resources. Default 10. */
  max?: number | undefined;
  /** Concurrent creates (handshakes) at most. Default 2. */
  maxConnecting?: number | undefined;
  /** Default time limit of `acquire()` in ms (`Infinity` = wait forever). Default 30_000. */
  acquireTimeoutMs?: number | undefined;
  /** Time limit of one create in ms; its `signal` aborts then. Default: `acquireTimeoutMs`. */
  createTimeoutMs?: number | undefined;
  /** Idle resources above `min` are destroyed after this many ms; 0 = never. Default 30_000. */
  idleTimeoutMs?: number | undefined;
  /** Resources are retired after this age in ms (on release or while idle). Default: never. */
  maxLifetimeMs?: number | undefined;
  /** Each resource's lifetime is shortened by a random amount up to this, so they don't all expire at once. Default 0. */
  lifetimeJitterMs?: number | undefined;
  /** Resources are retired after this many leases. Default: unlimited. */
  maxUses?: number | undefined;
  /** `factory.validate` runs on borrow only after this much idle time in ms. Default: never validate. */
  validateAfterIdleMs?: number | undefined;
  /** Which idle resource to reuse first: most (`lifo`) or least (`fifo`) recently used. Default `lifo`. */
  idleOrder?: 'lifo' | 'fifo' | undefined;
  /** Back-off of the background prefill after failures. */
  prefillRetry?: PrefillRetryOptions | undefined;
  /** Default time `close()` waits for leases before force-destroying them, in ms. Default 30_000. */
  closeTimeoutMs?: number | undefined;
  /** Where events are published. Default `createEventPublisher('core')`. */
  events?: EventPublisher | undefined;
  /** Name in messages, events and error context. Default `pool`. */
  name?: string | undefined;
  /** Receives errors nobody else receives (background creates, destroy, validate). Never throws into the pool. */
  onError?: ((error: ConnError, context: PoolErrorContext) => void) | undefined;
  /** Random source for jitter (inject `seededRandom(n)` in tests). Default `Math.random`. */
  random?: RandomSource | undefined;
  /** Shared leases one resource may carry at once (requests multiplexed or pipelined on one connection). Default 1. */
  capacity?: number | undefined;
  /** When shared acquires share a resource rather than take their own; see {@link SharingPolicy}. Default `when-full`. */
  sharing?: SharingPolicy | undefined;
  /**
   * A resource whose last shared lease ended stays in shared use until `process.nextTick`, unless
   * an acquire is queued, so a caller awaiting statements one after another keeps it without a
   * trip through the idle list. Default false.
   */
  lingerShared?: boolean | undefined;
  /** Notifications for code built on the pool; see {@link PoolObserver}. */
  observer?: PoolObserver | undefined;
}

/**
 * Options after validation and defaults.
 * @internal
 */
export interface ResolvedPoolOptions {
  readonly min: number;
  readonly max: number;
  readonly maxConnecting: number;
  readonly acquireTimeoutMs: number;
  readonly createTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxLifetimeMs: number;
  readonly lifetimeJitterMs: number;
  readonly maxUses: number;
  readonly validateAfterIdleMs: number;
  readonly lifo: boolean;
  readonly prefillBaseMs: number;
  readonly prefillMaxMs: number;
  readonly closeTimeoutMs: number;
  readonly events: EventPublisher;
  readonly name: string;
  readonly onError: ((error: ConnError, context: PoolErrorContext) => void) | undefined;
  readonly random: RandomSource;
  readonly capacity: number;
  readonly sharing: SharingPolicy;
  readonly lingerShared: boolean;
  readonly observer: PoolObserver | undefined;
}

let defaultEvents: EventPublisher | undefined;

/**
 * Validates pool options and fills in defaults.
 * @throws ConfigError naming the offending field.
 * @internal
 */
export function resolvePoolOptions(options: PoolOptions): ResolvedPoolOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('pool options must be an object', { field: 'options' });
  }
  const min = integer(options.min, 'min', 0, 0);
  const max = integer(options.max, 'max', 10, 1);
  if (min > max) throw configError('min', `must not exceed max (${max})`, min);
  const maxConnecting = integer(options.maxConnecting, 'maxConnecting', 2, 1);
  const acquireTimeoutMs = duration(options.acquireTimeoutMs, 'acquireTimeoutMs', 30_000, true);
  const createTimeoutMs = duration(options.createTimeoutMs, 'createTimeoutMs', acquireTimeoutMs, true);
  const idleTimeoutMs = duration(options.idleTimeoutMs, 'idleTimeoutMs', 30_000, false);
  const maxLifetimeMs = duration(options.maxLifetimeMs, 'maxLifetimeMs', Number.POSITIVE_INFINITY, true);
  if (maxLifetimeMs === 0) throw configError('maxLifetimeMs', 'must be greater than 0', 0);
  const lifetimeJitterMs = duration(options.lifetimeJitterMs, 'lifetimeJitterMs', 0, false);
  if (lifetimeJitterMs > 0 && maxLifetimeMs === Number.POSITIVE_INFINITY) {
    throw configError('lifetimeJitterMs', 'needs a finite maxLifetimeMs', lifetimeJitterMs);
  }
  if (lifetimeJitterMs > 0 && !(lifetimeJitterMs < maxLifetimeMs)) {
    throw configError('lifetimeJitterMs', 'must be smaller than maxLifetimeMs', lifetimeJitterMs);
  }
  const maxUses =
    options.maxUses === Number.POSITIVE_INFINITY
      ? Number.POSITIVE_INFINITY
      : integer(options.maxUses, 'maxUses', Number.POSITIVE_INFINITY, 1);
  const validateAfterIdleMs = duration(
    options.validateAfterIdleMs,
    'validateAfterIdleMs',
    Number.POSITIVE_INFINITY,
    true,
  );
  const idleOrder = options.idleOrder ?? 'lifo';
  if (idleOrder !== 'lifo' && idleOrder !== 'fifo') {
    throw configError('idleOrder', "must be 'lifo' or 'fifo'", idleOrder);
  }
  const retry = options.prefillRetry ?? {};
  if (typeof retry !== 'object' || retry === null) {
    throw new ConfigError('pool option prefillRetry must be an object', { field: 'prefillRetry' });
  }
  const prefillBaseMs = duration(retry.baseMs, 'prefillRetry.baseMs', 100, false);
  if (prefillBaseMs === 0) throw configError('prefillRetry.baseMs', 'must be greater than 0', 0);
  const prefillMaxMs = duration(retry.maxMs, 'prefillRetry.maxMs', Math.max(10_000, prefillBaseMs), false);
  if (prefillMaxMs < prefillBaseMs) {
    throw configError('prefillRetry.maxMs', 'must not be smaller than prefillRetry.baseMs', prefillMaxMs);
  }
  const closeTimeoutMs = duration(options.closeTimeoutMs, 'closeTimeoutMs', 30_000, true);
  const name = options.name ?? 'pool';
  if (typeof name !== 'string' || name === '') throw configError('name', 'must be a non-empty string', name);
  if (options.events === undefined && defaultEvents === undefined)
    defaultEvents = createEventPublisher('core');
  const events = options.events ?? (defaultEvents as EventPublisher);
  if (typeof events.publish !== 'function' || typeof events.hasSubscribers !== 'function') {
    throw new ConfigError('pool option events must be an EventPublisher', { field: 'events' });
  }
  const onError = options.onError;
  if (onError !== undefined && typeof onError !== 'function') {
    throw new ConfigError('pool option onError must be a function', { field: 'onError' });
  }
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') {
    throw new ConfigError('pool option random must be a function', { field: 'random' });
  }
  const capacity = integer(options.capacity, 'capacity', 1, 1);
  const sharing = options.sharing ?? 'when-full';
  if (sharing !== 'when-full' && sharing !== 'always') {
    throw configError('sharing', "must be 'when-full' or 'always'", sharing);
  }
  const lingerShared = options.lingerShared ?? false;
  if (typeof lingerShared !== 'boolean') throw configError('lingerShared', 'must be a boolean', lingerShared);
  const observer = options.observer;
  if (observer !== undefined && (typeof observer !== 'object' || observer === null)) {
    throw new ConfigError('pool option observer must be an object', { field: 'observer' });
  }
  return {
    min,
    max,
    maxConnecting,
    acquireTimeoutMs,
    createTimeoutMs,
    idleTimeoutMs,
    maxLifetimeMs,
    lifetimeJitterMs,
    maxUses,
    validateAfterIdleMs,
    lifo: idleOrder === 'lifo',
    prefillBaseMs,
    prefillMaxMs,
    closeTimeoutMs,
    events,
    name,
    onError,
    random,
    capacity,
    sharing,
    lingerShared,
    observer,
  };
}

/** True for a usable time limit: a non-negative number, `Infinity` included. */
export function isTimeout(value: unknown): value is number {
  return typeof value === 'number' && value >= 0;
}

function integer(value: unknown, field: string, fallback: number, minimum: number): number {
  return integerOption(value, field, fallback, minimum);
}

function duration(value: unknown, field: string, fallback: number, allowInfinity: boolean): number {
  return durationOption(value, field, fallback, { allowInfinity });
}

function configError(field: string, rule: string, value: unknown): ConfigError {
  return new ConfigError(`pool option ${field} ${rule}, got ${String(value)}`, { field });
}

/** Options of `Pool.close()`. */
export interface PoolCloseOptions {
  /** How long to wait for leases to come back before destroying them anyway (ms). Default: the pool's `closeTimeoutMs`. */
  timeoutMs?: number | undefined;
}

/** Options of `Pool.acquire()`. */
export interface AcquireOptions extends CallOptions {
  /**
   * A shared lease: the resource may carry up to `capacity` shared leases at once (requests
   * multiplexed or pipelined on one connection), chosen by the `sharing` policy. Default false: an
   * exclusive lease, never on a resource that carries shared leases, whose resource nobody else
   * gets while it is held.
   */
  shared?: boolean | undefined;
}

/** Options of `Pool.tryAcquire()` and `Pool.availability()`. */
export interface TryAcquireOptions {
  /** A shared lease, as in {@link AcquireOptions.shared}. Default false. */
  shared?: boolean | undefined;
}

/**
 * What an acquire would get now: `now` a lease without waiting (an idle, lingering or shareable
 * resource, nobody queued), `create` a new resource (room under `max`; the create may fail),
 * `wait` a resource somebody gives back, `closed` a `PoolClosedError`.
 */
export type PoolAvailability = 'now' | 'create' | 'wait' | 'closed';
