/** A point-in-time snapshot of a {@link Pool}'s counters (`pool.stats()`). */
export interface PoolStats {
  /** The pool's name. */
  readonly name: string;
  /** Live resources: idle + leased + being validated. */
  readonly size: number;
  /** Resources waiting in the pool for a borrower. */
  readonly idle: number;
  /** Resources lent out. */
  readonly leased: number;
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
  /** True once `close()` was called. */
  readonly closed: boolean;
}
