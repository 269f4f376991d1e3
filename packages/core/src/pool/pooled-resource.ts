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
  /** How many times it was leased (each shared lease counts). */
  uses = 0;
  /** The current exclusive lease while exclusively leased. */
  lease: PoolLease<T> | undefined = undefined;
  /** In shared use: carries shared leases, or lingers after its last one ended. */
  shared = false;
  /** Shared leases it carries now. */
  shares = 0;
  /** Its last shared lease ended; it goes back to idle at the next tick unless reused. */
  lingering = false;
  /** It must take no more shared leases (found unusable while shared); it leaves when they end. */
  noShare = false;
  /** Destroyed (lost, destroyed by one holder, force-closed): leases still out end as no-ops. */
  dead = false;

  constructor(resource: T, generation: number, now: number, expiresAt: number) {
    this.resource = resource;
    this.generation = generation;
    this.idleSince = now;
    this.expiresAt = expiresAt;
  }
}
