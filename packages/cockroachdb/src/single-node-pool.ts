import {
  type EventPublisher,
  type Lease,
  Pool,
  type PoolCloseOptions,
  type TryAcquireOptions,
} from '@conn/core';
import type { CockroachConnection } from './connection.js';
import { connectionFactory } from './connection-factory.js';
import { nodePoolOptions } from './node-pool-options.js';
import type { ResolvedOptions } from './options.js';
import type { CockroachPoolStats, SessionLeaseOptions, SessionPool } from './session-pool.js';

/**
 * The sessions of a client with one node: core's `Pool`. A failed connection attempt reaches the
 * call that asked for it at once (there is no other node to try).
 * @internal
 */
export class SingleNodePool implements SessionPool {
  private readonly pool: Pool<CockroachConnection>;

  constructor(
    options: ResolvedOptions,
    events: EventPublisher,
    onOpen: (connection: CockroachConnection) => void,
  ) {
    const node = options.hosts[0] ?? { host: options.host, port: options.port };
    this.pool = new Pool(connectionFactory(options, node, onOpen), {
      ...nodePoolOptions(options, events),
      name: 'cockroachdb',
      min: options.pool.min,
      prefillRetry: options.reconnect,
    });
  }

  acquire(options: SessionLeaseOptions): Promise<Lease<CockroachConnection>> {
    return this.pool.acquire(options);
  }

  tryAcquire(options: TryAcquireOptions): Lease<CockroachConnection> | undefined {
    return this.pool.tryAcquire(options);
  }

  async connect(signal: AbortSignal | undefined): Promise<{ host: string; port: number }> {
    const lease = await this.pool.acquire(signal === undefined ? {} : { signal });
    const address = lease.resource.address;
    lease.release();
    return address;
  }

  stats(): CockroachPoolStats {
    return this.pool.stats();
  }

  close(options: PoolCloseOptions): Promise<void> {
    return this.pool.close(options);
  }
}
