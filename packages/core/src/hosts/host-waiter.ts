import type { ConnError } from '../errors/index.js';
import type { HostLease } from './host-lease.js';
import type { HostAcquireOptions } from './host-pool-options.js';
import type { HostSpec } from './host-selector.js';

/**
 * `queued`: waits for a host that can serve; `routed`: waits in one host's pool (for a create
 * or a resource given back there); `done`: settled.
 */
export type HostWaiterState = 'queued' | 'routed' | 'done';

/**
 * What a waiter calls back into when its caller's signal aborts.
 * @internal
 */
export interface HostWaiterOwner<H extends HostSpec, T> {
  waiterAborted(waiter: HostWaiter<H, T>): void;
}

/**
 * One pending `HostPool.acquire()`. It is its own abort listener (`handleEvent`).
 * @internal
 */
export class HostWaiter<H extends HostSpec, T> {
  state: HostWaiterState = 'queued';
  resolve: (lease: HostLease<H, T>) => void = noop;
  reject: (error: ConnError) => void = noop;
  timer: NodeJS.Timeout | undefined = undefined;
  /** Aborts the acquire in the host pool it was routed to. */
  inner: AbortController | undefined = undefined;
  /** The message last passed to `onFailure`, so it is told only about changes. */
  reported: string | undefined = undefined;
  readonly owner: HostWaiterOwner<H, T>;
  readonly options: HostAcquireOptions<H>;
  readonly timeoutMs: number;
  readonly shared: boolean;
  /** Waiters with the same key and no host sets see the same hosts: one failed pick serves all. */
  readonly key: string | undefined;

  constructor(owner: HostWaiterOwner<H, T>, options: HostAcquireOptions<H>, timeoutMs: number) {
    this.owner = owner;
    this.options = options;
    this.timeoutMs = timeoutMs;
    this.shared = options.shared === true;
    this.key =
      options.exclude === undefined && options.avoid === undefined
        ? `${this.shared}:${options.allowInactive === true}`
        : undefined;
  }

  handleEvent(): void {
    this.owner.waiterAborted(this);
  }
}

function noop(): void {}
