import type { CallOptions } from '../abort.js';
import { createEventPublisher, type EventPublisher } from '../diagnostics.js';
import { AuthenticationError, AuthorizationError, ConfigError, type ConnError } from '../errors/index.js';
import type { PoolOptions } from '../pool/pool-options.js';
import type { PoolStats } from '../pool/pool-stats.js';
import type { RandomSource } from '../random.js';
import type { HostSpec } from './host-selector.js';

/**
 * Back-off between connection attempts to one host after failures: the n-th consecutive failure
 * waits a random time in [c/2, c) with c = min(maxMs, baseMs * 2^(n-1)); a success resets it.
 */
export interface HostReconnectOptions {
  /** First ceiling in ms. Default 1_000. */
  baseMs?: number | undefined;
  /** Cap of any wait in ms (SiriDB's `maxWaitRetryMs`). Default 30_000. */
  maxMs?: number | undefined;
}

/** Options of {@link HostPool}. Every field is optional; defaults are listed per field. */
export interface HostPoolOptions<H extends HostSpec> {
  /** Name in messages and events; each host's pool is named `<name> <host>:<port>`. Default `hosts`. */
  name?: string | undefined;
  /**
   * Options of each host's `Pool` (or a function of the host), e.g. `max`, `capacity`, `sharing`,
   * `lingerShared`, `createTimeoutMs`. `min`, `prefillRetry`, `observer` and `name` are set by the
   * host pool (use `minPerHost`, `reconnect` and `name`); `events` and `random` default to its own.
   */
  pool?: PoolOptions | ((host: H) => PoolOptions) | undefined;
  /**
   * Connections each host keeps open in the background: created at once, replaced at once when
   * one is lost, retried with `reconnect` back-off when that fails. Default 0 (on demand only).
   */
  minPerHost?: number | undefined;
  /** Back-off of one host after failed connection attempts. Default `{ baseMs: 1_000, maxMs: 30_000 }`. */
  reconnect?: HostReconnectOptions | undefined;
  /** How long `markInactive()` keeps a host out, in ms. Default 30_000. */
  inactiveMs?: number | undefined;
  /** Default time limit of `acquire()` in ms (`Infinity`: wait for the signal only). Default 30_000. */
  acquireTimeoutMs?: number | undefined;
  /**
   * Whether a failed connection attempt is permanent (wrong credentials, bad configuration): when
   * no host can serve and every host's last attempt failed permanently, waiters get that error at
   * once instead of waiting for their deadline. Default: `AuthenticationError`,
   * `AuthorizationError` and `ConfigError` (subclasses included).
   */
  isPermanent?: ((error: ConnError) => boolean) | undefined;
  /** Where `host:*` events (and, by default, each host pool's `pool:*` events) go. Default `createEventPublisher('core')`. */
  events?: EventPublisher | undefined;
  /** Randomness for host choice and jitter; inject `seededRandom(n)` in tests. Default `Math.random`. */
  random?: RandomSource | undefined;
}

/** Options of {@link HostPool.acquire}. */
export interface HostAcquireOptions<H extends HostSpec> extends CallOptions {
  /** A shared lease (see `AcquireOptions.shared` of `Pool`). Default false. */
  shared?: boolean | undefined;
  /** When no active host can serve, use a host marked inactive rather than wait. Default false. */
  allowInactive?: boolean | undefined;
  /** Hosts never to use for this acquire. */
  exclude?: ReadonlySet<H> | undefined;
  /** Hosts to use only when no other host can serve now (e.g. those that already failed this call). */
  avoid?: ReadonlySet<H> | undefined;
  /**
   * Told why the acquire is waiting (a `ConnectionError` naming each host's state and last
   * failure), each time that changes; pass it on to the call (`call.noteFailure`) so a later
   * timeout names it.
   */
  onFailure?: ((error: ConnError) => void) | undefined;
}

/** Options of {@link HostPool.tryAcquire}. */
export interface HostTryAcquireOptions<H extends HostSpec> {
  shared?: boolean | undefined;
  allowInactive?: boolean | undefined;
  exclude?: ReadonlySet<H> | undefined;
  avoid?: ReadonlySet<H> | undefined;
}

/** Options of {@link HostPool.connectAll}. */
export interface HostConnectOptions {
  /** Stops waiting when aborted: `connectAll()` then rejects with the signal's `ConnError`. */
  signal?: AbortSignal | undefined;
}

/** One host's outcome in {@link HostPool.connectAll}. */
export interface HostAttempt<H extends HostSpec> {
  /** The host (one of the pool's `hosts`, the same object). */
  readonly host: H;
  /** Why the attempt failed; `undefined` when the host has a live connection. */
  readonly error: ConnError | undefined;
}

/** One host in {@link HostPoolStats}. */
export interface HostStats {
  readonly host: string;
  readonly port: number;
  readonly weight: number;
  readonly backup: boolean;
  /** Sits out after `markInactive()`. */
  readonly inactive: boolean;
  /** Milliseconds until the back-off after failed connection attempts ends (0: none). */
  readonly backoffMs: number;
  /** The last failed connection attempt since the last success, if any. */
  readonly lastError: ConnError | undefined;
  /** The host's pool. */
  readonly pool: PoolStats;
}

/** A snapshot of a {@link HostPool} (`stats()`). */
export interface HostPoolStats {
  readonly name: string;
  readonly closed: boolean;
  /** `acquire()` calls waiting for any host. */
  readonly waiting: number;
  readonly hosts: readonly HostStats[];
}

/**
 * Options after validation and defaults.
 * @internal
 */
export interface ResolvedHostPoolOptions<H extends HostSpec> {
  readonly name: string;
  readonly poolOptions: (host: H) => PoolOptions;
  readonly minPerHost: number;
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
  readonly inactiveMs: number;
  readonly acquireTimeoutMs: number;
  readonly isPermanent: (error: ConnError) => boolean;
  readonly events: EventPublisher;
  readonly random: RandomSource;
}

/** Pool options the host pool sets itself. */
const RESERVED = ['min', 'prefillRetry', 'observer', 'name'] as const;

let defaultEvents: EventPublisher | undefined;

/**
 * Validates host pool options and fills in defaults.
 * @throws ConfigError naming the offending field.
 * @internal
 */
export function resolveHostPoolOptions<H extends HostSpec>(
  options: HostPoolOptions<H>,
): ResolvedHostPoolOptions<H> {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('host pool options must be an object', { field: 'options' });
  }
  const name = options.name ?? 'hosts';
  if (typeof name !== 'string' || name === '') throw configError('name', 'must be a non-empty string', name);
  const pool = options.pool ?? {};
  if (typeof pool !== 'function' && (typeof pool !== 'object' || pool === null)) {
    throw new ConfigError('host pool option pool must be an object or a function', { field: 'pool' });
  }
  const minPerHost = options.minPerHost ?? 0;
  if (!Number.isSafeInteger(minPerHost) || minPerHost < 0) {
    throw configError('minPerHost', 'must be an integer >= 0', minPerHost);
  }
  const reconnect = options.reconnect ?? {};
  if (typeof reconnect !== 'object' || reconnect === null) {
    throw new ConfigError('host pool option reconnect must be an object', { field: 'reconnect' });
  }
  const reconnectBaseMs = positive(reconnect.baseMs, 'reconnect.baseMs', 1_000);
  const reconnectMaxMs = positive(reconnect.maxMs, 'reconnect.maxMs', Math.max(30_000, reconnectBaseMs));
  if (reconnectMaxMs < reconnectBaseMs) {
    throw configError('reconnect.maxMs', 'must not be smaller than reconnect.baseMs', reconnectMaxMs);
  }
  const inactiveMs = options.inactiveMs ?? 30_000;
  if (typeof inactiveMs !== 'number' || !Number.isFinite(inactiveMs) || inactiveMs < 0) {
    throw configError('inactiveMs', 'must be a finite number >= 0', inactiveMs);
  }
  const acquireTimeoutMs = options.acquireTimeoutMs ?? 30_000;
  if (typeof acquireTimeoutMs !== 'number' || Number.isNaN(acquireTimeoutMs) || acquireTimeoutMs < 0) {
    throw configError('acquireTimeoutMs', 'must be a non-negative number of milliseconds', acquireTimeoutMs);
  }
  const isPermanent = options.isPermanent ?? isPermanentByDefault;
  if (typeof isPermanent !== 'function') {
    throw new ConfigError('host pool option isPermanent must be a function', { field: 'isPermanent' });
  }
  if (options.events === undefined && defaultEvents === undefined)
    defaultEvents = createEventPublisher('core');
  const events = options.events ?? (defaultEvents as EventPublisher);
  if (typeof events.publish !== 'function' || typeof events.hasSubscribers !== 'function') {
    throw new ConfigError('host pool option events must be an EventPublisher', { field: 'events' });
  }
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') {
    throw new ConfigError('host pool option random must be a function', { field: 'random' });
  }
  const poolOptions = (host: H): PoolOptions => {
    const given = typeof pool === 'function' ? pool(host) : pool;
    if (typeof given !== 'object' || given === null) {
      throw new ConfigError('host pool option pool must give an object', { field: 'pool' });
    }
    for (const field of RESERVED) {
      if (given[field] !== undefined) {
        throw new ConfigError(`host pool option pool.${field} is set by the host pool`, {
          field: `pool.${field}`,
        });
      }
    }
    return given;
  };
  return {
    name,
    poolOptions,
    minPerHost,
    reconnectBaseMs,
    reconnectMaxMs,
    inactiveMs,
    acquireTimeoutMs,
    isPermanent,
    events,
    random,
  };
}

/** Wrong credentials, missing rights or bad configuration fail the same way on every attempt. */
export function isPermanentByDefault(error: ConnError): boolean {
  return (
    error instanceof AuthenticationError ||
    error instanceof AuthorizationError ||
    error instanceof ConfigError
  );
}

function positive(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw configError(field, 'must be a positive finite number of milliseconds', value);
  }
  return value;
}

function configError(field: string, rule: string, value: unknown): ConfigError {
  return new ConfigError(`host pool option ${field} ${rule}, got ${String(value)}`, { field });
}
