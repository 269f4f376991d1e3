/** A point-in-time snapshot of a {@link Pool}'s counters (`pool.stats()`). */
export interface PoolStats {
  /** The pool's name. */
  readonly name: string;
  /** Live resources: idle + leased + being validated. */
  readonly size: number;
  /** Resources waiting in the pool for a borrower. */
  readonly idle: number;
  /** Resources lent out, exclusively or shared (a shared one counts once, lingering ones too). */
  readonly leased: number;
  /** Resources in shared use (carrying shared leases, or lingering after their last one). */
  readonly shared: number;
  /** Shared leases out now (requests in flight on shared resources). */
  readonly sharedLeases: number;
  /** Idle resources being validated for a borrower. */
  readonly validating: number;
  /** Creates in flight. */
  readonly pending: number;
  /** `acquire()` calls not settled yet. */
  readonly waiting: number;
  /** Incremented by every `clear()`. */
  readonly generation: number;
  /** The `min` option. */
  readonly min: number;
  /** The `max` option. */
  readonly max: number;
  /** The `capacity` option: shared leases one resource may carry at once. */
  readonly capacity: number;
  /** True once `close()` was called. */
  readonly closed: boolean;
}
