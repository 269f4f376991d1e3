import type { ConnError } from '../errors/index.js';
import type { Lease } from './lease.js';
import type { CreateJob, Validation } from './pool-jobs.js';

/** `queued`: in the queue; `validating`: an idle resource is being checked for it; `done`: settled. */
export type WaiterState = 'queued' | 'validating' | 'done';

/**
 * What a waiter calls back into when its caller's signal aborts.
 * @internal
 */
export interface WaiterHost<T> {
  waiterAborted(waiter: Waiter<T>): void;
}

/**
 * One pending `acquire()`. It is its own abort listener (`handleEvent`) so no closure is needed.
 * @internal
 */
export class Waiter<T> {
  state: WaiterState = 'queued';
  resolve: (lease: Lease<T>) => void = noop;
  reject: (error: ConnError) => void = noop;
  timer: NodeJS.Timeout | undefined = undefined;
  /** The create started for (or adopted by) this waiter. */
  create: CreateJob<T> | undefined = undefined;
  /** The validation running for this waiter. */
  validation: Validation<T> | undefined = undefined;
  readonly host: WaiterHost<T>;
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number;
  /** The pool's create-error counter at enqueue: newer create errors become a timeout's `cause`. */
  readonly errorSeq: number;
  /** Wants a shared lease. */
  readonly shared: boolean;

  constructor(
    host: WaiterHost<T>,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    errorSeq: number,
    shared: boolean,
  ) {
    this.host = host;
    this.signal = signal;
    this.timeoutMs = timeoutMs;
    this.errorSeq = errorSeq;
    this.shared = shared;
  }

  handleEvent(): void {
    this.host.waiterAborted(this);
  }
}

function noop(): void {}

/**
 * FIFO queue of waiters. Waiters that leave (timeout, abort, served out of order) are only marked
 * `done` and skipped later; the array is compacted when they pile up, so nothing leaks.
 * @internal
 */
export class WaitQueue<T> {
  /** Waiters still `queued`. */
  size = 0;
  private items: Waiter<T>[] = [];
  private head = 0;
  /** Left waiters still stored after `head`. */
  private dead = 0;

  push(waiter: Waiter<T>): void {
    this.items.push(waiter);
    this.size++;
  }

  /** Puts a waiter back at the front (its validation failed: it keeps its turn). */
  unshift(waiter: Waiter<T>): void {
    const items = this.items;
    // Its old entry may still be stored (counted as dead): drop it so it is never listed twice.
    const stale = items.indexOf(waiter, this.head);
    if (stale !== -1) {
      items.splice(stale, 1);
      this.dead--;
    }
    if (this.head > 0) items[--this.head] = waiter;
    else items.unshift(waiter);
    this.size++;
  }

  /** The oldest `queued` waiter. */
  first(): Waiter<T> | undefined {
    const items = this.items;
    let head = this.head;
    while (head < items.length) {
      const waiter = items[head] as Waiter<T>;
      if (waiter.state === 'queued') {
        if (head > 1024 && head * 2 > items.length) {
          items.splice(0, head);
          head = 0;
        }
        this.head = head;
        return waiter;
      }
      head++;
      this.dead--;
    }
    items.length = 0;
    this.head = 0;
    this.dead = 0;
    return undefined;
  }

  /** The oldest `queued` waiter without a create of its own. */
  firstUnowned(): Waiter<T> | undefined {
    const items = this.items;
    for (let i = this.head; i < items.length; i++) {
      const waiter = items[i] as Waiter<T>;
      if (waiter.state === 'queued' && waiter.create === undefined) return waiter;
    }
    return undefined;
  }

  /** A queued waiter changed state and left the queue. */
  left(): void {
    this.size--;
    this.dead++;
    if (this.dead > 32 && this.dead > this.size) {
      this.items = this.items.slice(this.head).filter((waiter) => waiter.state === 'queued');
      this.head = 0;
      this.dead = 0;
    }
  }

  /** Every `queued` waiter, oldest first. */
  queued(): Waiter<T>[] {
    return this.items.slice(this.head).filter((waiter) => waiter.state === 'queued');
  }
}
