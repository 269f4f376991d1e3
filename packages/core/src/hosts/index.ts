export type { HostLease } from './host-lease.js';
export { HostPool, type HostPoolEventName } from './host-pool.js';
export {
  type HostAcquireOptions,
  type HostAttempt,
  type HostConnectOptions,
  type HostPoolOptions,
  type HostPoolStats,
  type HostReconnectOptions,
  type HostStats,
  type HostTryAcquireOptions,
  isPermanentByDefault,
} from './host-pool-options.js';
export { HostSelector, type HostSelectorOptions, type HostSpec, type PickOptions } from './host-selector.js';
