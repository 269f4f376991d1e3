import type {
  CallContext,
  EventPublisher,
  HostStats,
  Lease,
  PoolCloseOptions,
  PoolStats,
  TryAcquireOptions,
} from '@conn/core';
import type { CockroachConnection } from './connection.js';
import { MultiNodePool } from './multi-node-pool.js';
import type { ResolvedOptions } from './options.js';
import { SingleNodePool } from './single-node-pool.js';

/** What `stats()` returns: the pool counters, summed over the nodes when there are several. */
export interface CockroachPoolStats extends PoolStats {
  /** Each node's state and counters; only when the client has several nodes. */
  readonly hosts?: readonly HostStats[] | undefined;
}

/** How a call borrows a session. @internal */
export interface SessionLeaseOptions {
  /** A lease single statements share (pipelined, up to `pipelineDepth`); default exclusive. */
  readonly shared?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number | undefined;
  /** The call a node failure is reported to while it waits (its timeout then names it). */
  readonly call?: CallContext | undefined;
}

/**
 * The client's sessions: core's `Pool` for one node, core's `HostPool` (one `Pool` per node) for
 * several. Either way statements outside transactions take shared leases, transactions, streams
 * and cursors exclusive ones. @internal
 */
export interface SessionPool {
  acquire(options: SessionLeaseOptions): Promise<Lease<CockroachConnection>>;
  /** A lease without waiting, or `undefined`. */
  tryAcquire(options: TryAcquireOptions): Lease<CockroachConnection> | undefined;
  /**
   * Tries every node once (see the contract's `connect()`); resolves with a node that answered,
   * rejects with the refusal or a `ConnectionError` naming each node's failure.
   */
  connect(signal: AbortSignal | undefined): Promise<{ readonly host: string; readonly port: number }>;
  stats(): CockroachPoolStats;
  close(options: PoolCloseOptions): Promise<void>;
}

/** One node: a plain `Pool` (nothing to choose, and the cheapest path per statement). */
export function createSessionPool(
  options: ResolvedOptions,
  events: EventPublisher,
  onOpen: (connection: CockroachConnection) => void,
): SessionPool {
  return options.hosts.length === 1
    ? new SingleNodePool(options, events, onOpen)
    : new MultiNodePool(options, events, onOpen);
}
