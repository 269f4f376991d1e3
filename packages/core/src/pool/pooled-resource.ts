import type { PoolLease } from './lease.js';

/**
 * The pool's bookkeeping for one live resource.
 * @internal
 */
export class PooledResource<T> {
  /** The resource the factory created. */
  readonly resource: T;
  /** The pool generation it was created in; older ones are destroyed instead of reused. */
  readonly generation: number;
  /** `Date.now()` after which it is retired (`Infinity` without a max lifetime). */
  readonly expiresAt: number;
  /** `Date.now()` when it last went idle. */
  idleSince: number;
  /** How many times it was leased. */
  uses = 0;
  /** The current lease while leased. */
  lease: PoolLease<T> | undefined = undefined;

  constructor(resource: T, generation: number, now: number, expiresAt: number) {
    this.resource = resource;
    this.generation = generation;
    this.idleSince = now;
    this.expiresAt = expiresAt;
  }
}
