import {
  type ConnError,
  ConnectionError,
  type EventPublisher,
  HostPool,
  type HostStats,
  isPermanentByDefault,
  type Lease,
  type PoolCloseOptions,
  type PoolStats,
  type TryAcquireOptions,
} from '@conn/core';
import type { CockroachConnection } from './connection.js';
import { connectionFactory } from './connection-factory.js';
import { SqlError } from './errors.js';
import { nodePoolOptions } from './node-pool-options.js';
import type { ResolvedHost, ResolvedOptions } from './options.js';
import type { CockroachPoolStats, SessionLeaseOptions, SessionPool } from './session-pool.js';

type Counter = 'size' | 'idle' | 'leased' | 'shared' | 'sharedLeases' | 'validating' | 'pending';
const COUNTERS: readonly Counter[] = [
  'size',
  'idle',
  'leased',
  'shared',
  'sharedLeases',
  'validating',
  'pending',
];

/**
 * The sessions of a client with several nodes: core's `HostPool`, one `Pool` per node. A call
 * takes a node that can serve now (weighted random among them, `random`), else one it may connect
 * to; a node whose connection attempt failed (refused, timed out, or not fitting
 * `target_session_attrs`) is skipped until its jittered back-off (`reconnect`) ends. A call that
 * finds no node waits within its deadline; its timeout then names each node's failure.
 * @internal
 */
export class MultiNodePool implements SessionPool {
  private readonly hosts: HostPool<ResolvedHost, CockroachConnection>;

  constructor(
    options: ResolvedOptions,
    events: EventPublisher,
    onOpen: (connection: CockroachConnection) => void,
  ) {
    this.hosts = new HostPool(options.hosts, (node) => connectionFactory(options, node, onOpen), {
      name: 'cockroachdb',
      pool: nodePoolOptions(options, events),
      minPerHost: options.pool.min,
      reconnect: options.reconnect,
      acquireTimeoutMs: options.pool.acquireTimeoutMs,
      isPermanent: isPermanentNodeFailure,
      events,
      ...(options.random === undefined ? {} : { random: options.random }),
    });
  }

  acquire(options: SessionLeaseOptions): Promise<Lease<CockroachConnection>> {
    const call = options.call;
    return this.hosts.acquire({
      shared: options.shared,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      ...(call === undefined ? {} : { onFailure: (error: ConnError) => call.noteFailure(error) }),
    });
  }

  tryAcquire(options: TryAcquireOptions): Lease<CockroachConnection> | undefined {
    return this.hosts.tryAcquire(options);
  }

  async connect(signal: AbortSignal | undefined): Promise<{ host: string; port: number }> {
    const attempts = await this.hosts.connectAll(signal === undefined ? {} : { signal });
    const reached = attempts.find((attempt) => attempt.error === undefined);
    if (reached !== undefined) return { host: reached.host.host, port: reached.host.port };
    // The nodes of one cluster share users and databases: one refusal answers for all.
    const refusal = attempts.find(
      (attempt) => attempt.error !== undefined && isPermanentNodeFailure(attempt.error),
    );
    if (refusal?.error !== undefined) throw refusal.error;
    const reasons = attempts.map(({ host, error }) => `${host.host}:${host.port} ${error?.message}`);
    throw new ConnectionError(`no CockroachDB node could be reached (${reasons.join('; ')})`, {
      code: 'CONN_CONNECTION_FAILED',
      retryable: true,
      cause: attempts[0]?.error,
      details: { hosts: attempts.length },
    });
  }

  stats(): CockroachPoolStats {
    const { closed, waiting, hosts } = this.hosts.stats();
    const pools = hosts.map((host: HostStats) => host.pool);
    const sum = (pick: (pool: PoolStats) => number): number =>
      pools.reduce((total, pool) => total + pick(pool), 0);
    const counters = Object.fromEntries(COUNTERS.map((key) => [key, sum((pool) => pool[key])])) as Record<
      Counter,
      number
    >;
    return {
      name: 'cockroachdb',
      ...counters,
      waiting,
      generation: Math.max(...pools.map((pool) => pool.generation)),
      min: sum((pool) => pool.min),
      max: sum((pool) => pool.max),
      capacity: pools[0]?.capacity ?? 1,
      closed,
      hosts,
    };
  }

  close(options: PoolCloseOptions): Promise<void> {
    return this.hosts.close(options);
  }
}

/**
 * SQLSTATE classes a server answers the startup with for a setting every node shares: 3D (unknown
 * database), 42 (unknown setting in `sessionSettings`/`startupOptions`), 22 (invalid setting value).
 */
const PERMANENT_STARTUP_SQLSTATE = /^(3D|42|22)/;

/**
 * A failed connection attempt that every node of the cluster would answer the same way: refused
 * credentials, a missing right, bad configuration, an unknown database or setting. Calls then fail
 * at once with it instead of waiting for their deadline (see docs/driver-contract.md).
 */
function isPermanentNodeFailure(error: ConnError): boolean {
  return (
    isPermanentByDefault(error) ||
    (error instanceof SqlError && PERMANENT_STARTUP_SQLSTATE.test(error.sqlstate))
  );
}
