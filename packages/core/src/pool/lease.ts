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
   * True for a lease from `acquire({ shared: true })`: the resource may carry other shared leases
   * at the same time (up to the pool's `capacity`).
   */
  readonly shared: boolean;
  /**
   * Returns the resource for reuse (a shared lease frees one slot of it).
   * @throws PoolDoubleReleaseError when the lease was already released or destroyed.
   */
  release(): void;
  /**
   * Destroys the resource instead of reusing it, for example after a network error. For a shared
   * lease this removes the resource for every holder; their leases then end as no-ops.
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
  releaseShared(slot: PooledResource<T>): void;
  destroyShared(slot: PooledResource<T>, error: unknown): void;
}

/** 0: active, 1: released or destroyed by its holder, 2: revoked by a forced pool close. */
type LeaseState = 0 | 1 | 2;

const resolved: Promise<void> = Promise.resolve();

/**
 * The pool's exclusive {@link Lease}: one small object per acquire, so a second release of an old
 * lease can never touch the resource's next borrower. Shared leases are a class of their own, so
 * this hot path stays as small as it was before resources could be shared.
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

  get shared(): boolean {
    return false;
  }

  release(): void {
    if (this.state !== 0) {
      ended(this.state, 'release');
      return;
    }
    this.state = 1;
    this.host.releaseLease(this.slot);
  }

  destroy(error?: unknown): void {
    if (this.state !== 0) {
      ended(this.state, 'destroy');
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
}

/**
 * The pool's shared {@link Lease}: one of up to `capacity` on its resource. When the resource was
 * destroyed under it (by another holder, a loss or a forced close), its first end is a no-op.
 * @internal
 */
export class SharedPoolLease<T> implements Lease<T> {
  readonly resource: T;
  private state: LeaseState = 0;
  private readonly host: LeaseHost<T>;
  private readonly slot: PooledResource<T>;

  constructor(host: LeaseHost<T>, slot: PooledResource<T>) {
    this.host = host;
    this.slot = slot;
    this.resource = slot.resource;
  }

  get shared(): boolean {
    return true;
  }

  release(): void {
    if (this.state !== 0) {
      ended(this.state, 'release');
      return;
    }
    this.state = 1;
    this.host.releaseShared(this.slot);
  }

  destroy(error?: unknown): void {
    if (this.state !== 0) {
      ended(this.state, 'destroy');
      return;
    }
    this.state = 1;
    this.host.destroyShared(this.slot, error);
  }

  [Symbol.asyncDispose](): Promise<void> {
    if (this.state === 0) this.release();
    return resolved;
  }
}

function ended(state: LeaseState, what: string): void {
  if (state === 2) return;
  throw new PoolDoubleReleaseError(`cannot ${what} a lease that was already released or destroyed`);
}
