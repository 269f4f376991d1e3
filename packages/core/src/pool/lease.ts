import { PoolDoubleReleaseError } from '../errors/index.js';
import type { PooledResource } from './pooled-resource.js';

/**
 * A resource borrowed from a {@link Pool}. Give it back exactly once, with `release()` (reuse) or
 * `destroy()` (broken); `await using lease = await pool.acquire()` releases it automatically.
 */
export interface Lease<T> extends AsyncDisposable {
  /** The borrowed resource. Do not use it after the lease ended. */
  readonly resource: T;
  /**
   * Returns the resource for reuse.
   * @throws PoolDoubleReleaseError when the lease was already released or destroyed.
   */
  release(): void;
  /**
   * Destroys the resource instead of reusing it, for example after a network error.
   * @throws PoolDoubleReleaseError when the lease was already released or destroyed.
   */
  destroy(error?: unknown): void;
  /** Releases the lease unless it already ended. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * What a lease calls back into.
 * @internal
 */
export interface LeaseHost<T> {
  releaseLease(slot: PooledResource<T>): void;
  destroyLease(slot: PooledResource<T>, error: unknown): void;
}

/** 0: active, 1: released or destroyed by its holder, 2: revoked by a forced pool close. */
type LeaseState = 0 | 1 | 2;

const resolved: Promise<void> = Promise.resolve();

/**
 * The pool's {@link Lease}: one small object per acquire, so a second release of an old lease
 * can never touch the resource's next borrower.
 * @internal
 */
export class PoolLease<T> implements Lease<T> {
  readonly resource: T;
  private state: LeaseState = 0;
  private readonly host: LeaseHost<T>;
  private readonly slot: PooledResource<T>;

  constructor(host: LeaseHost<T>, slot: PooledResource<T>) {
    this.host = host;
    this.slot = slot;
    this.resource = slot.resource;
  }

  release(): void {
    if (this.state !== 0) {
      this.ended('release');
      return;
    }
    this.state = 1;
    this.host.releaseLease(this.slot);
  }

  destroy(error?: unknown): void {
    if (this.state !== 0) {
      this.ended('destroy');
      return;
    }
    this.state = 1;
    this.host.destroyLease(this.slot, error);
  }

  [Symbol.asyncDispose](): Promise<void> {
    if (this.state === 0) this.release();
    return resolved;
  }

  /** The pool destroyed the resource under this lease (forced close); later calls are no-ops. */
  revoke(): void {
    this.state = 2;
  }

  private ended(what: string): void {
    if (this.state === 2) return;
    throw new PoolDoubleReleaseError(`cannot ${what} a lease that was already released or destroyed`);
  }
}
