export type { Factory } from './factory.js';
export type { Lease } from './lease.js';
export { Pool } from './pool.js';
export type { DestroyReason, PoolEventName } from './pool-events.js';
export type {
  PoolCloseOptions,
  PoolErrorContext,
  PoolErrorPhase,
  PoolOptions,
  PrefillRetryOptions,
} from './pool-options.js';
export type { PoolStats } from './pool-stats.js';
