import type { ConnError } from '../errors/index.js';
import type { Pool } from '../pool/pool.js';
import type { PoolObserver } from '../pool/pool-options.js';
import type { HostSpec } from './host-selector.js';

/**
 * What a host's pool tells its `HostPool`.
 * @internal
 */
export interface HostEvents<H extends HostSpec, T> {
  hostConnected(state: HostState<H, T>): void;
  hostFailed(state: HostState<H, T>, error: ConnError, backoffMs: number): void;
  hostLost(state: HostState<H, T>, error: ConnError | undefined): void;
  reconnectScheduled(state: HostState<H, T>, delayMs: number): void;
  hostAvailable(state: HostState<H, T>): void;
}

/**
 * One host of a `HostPool`: its pool and its last failure. It observes the pool.
 * @internal
 */
export class HostState<H extends HostSpec, T> implements PoolObserver {
  readonly spec: H;
  readonly #events: HostEvents<H, T>;
  /** Set right after construction (the pool needs this object as its observer). */
  pool!: Pool<T>;
  /** The last failed connection attempt since the last success. */
  lastError: ConnError | undefined = undefined;
  /** Order of `lastError` among all hosts' failures (higher: more recent). */
  lastErrorSeq = 0;

  constructor(spec: H, events: HostEvents<H, T>) {
    this.spec = spec;
    this.#events = events;
  }

  created(): void {
    this.lastError = undefined;
    this.#events.hostConnected(this);
  }

  createFailed(error: ConnError, backoffMs: number): void {
    this.lastError = error;
    this.#events.hostFailed(this, error, backoffMs);
  }

  lost(error: ConnError | undefined): void {
    this.#events.hostLost(this, error);
  }

  retryScheduled(delayMs: number): void {
    this.#events.reconnectScheduled(this, delayMs);
  }

  available(): void {
    this.#events.hostAvailable(this);
  }
}
