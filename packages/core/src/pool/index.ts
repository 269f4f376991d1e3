export type { Factory } from './factory.js';
export type { Lease } from './lease.js';
export { Pool } from './pool.js';
export type { DestroyReason, PoolEventName } from './pool-events.js';
export type {
  AcquireOptions,
  PoolAvailability,
  PoolCloseOptions,
  PoolErrorContext,
  PoolErrorPhase,
  PoolObserver,
  PoolOptions,
  PrefillRetryOptions,
  SharingPolicy,
  TryAcquireOptions,
} from './pool-options.js';
export type { PoolStats } from './pool-stats.js';
