/**
 * Events a {@link Pool} publishes through its `EventPublisher`; with the default publisher they
 * appear on the `node:diagnostics_channel` channels `conn:core:<event>`, for example
 * `conn:core:pool:acquire`. Every payload carries `pool` (the pool's name).
 *
 * - `pool:create` a resource was created (`generation`, `size`)
 * - `pool:create-error` a create failed (`error`)
 * - `pool:acquire` a lease was handed out (`uses`, `shared`)
 * - `pool:acquire-error` an acquire failed: timeout, abort or pool closed (`error`)
 * - `pool:release` a lease came back for reuse (`shared`)
 * - `pool:destroy` a resource is being destroyed (`reason`, `error` when a lease was destroyed with one)
 * - `pool:error` an error with nobody to receive it: background create, destroy, validate (`phase`, `error`)
 * - `pool:clear` `clear()` started a new generation (`generation`)
 * - `pool:close` `close()` was called
 */
export type PoolEventName =
  | 'pool:create'
  | 'pool:create-error'
  | 'pool:acquire'
  | 'pool:acquire-error'
  | 'pool:release'
  | 'pool:destroy'
  | 'pool:error'
  | 'pool:clear'
  | 'pool:close';

/** Why a resource was destroyed, as published in `pool:destroy` events. */
export type DestroyReason =
  | 'stale'
  | 'max-lifetime'
  | 'max-uses'
  | 'idle-timeout'
  | 'not-reusable'
  | 'validation-failed'
  | 'destroyed'
  | 'lost'
  | 'pool-closed'
  | 'force-closed';
