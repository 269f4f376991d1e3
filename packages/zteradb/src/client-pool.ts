import { type EventPublisher, type Lease, Pool } from '@conn/core';
import { ZTeraDBConnection } from './connection.js';
import type { ResolvedZTeraDBOptions } from './options.js';

/**
 * The client's connections: core's `Pool` with exclusive leases (the server answers one query at
 * a time per connection). `min` are opened in the background and kept, at most `max` exist, and
 * further callers wait in line for at most `acquireTimeoutMs`. @internal
 */
export function createConnectionPool(
  options: ResolvedZTeraDBOptions,
  events: EventPublisher | undefined,
): Pool<ZTeraDBConnection> {
  return new Pool<ZTeraDBConnection>(
    {
      create: async (signal, lost) => {
        const connection = await ZTeraDBConnection.open(options, signal);
        // A socket the server closed while idle is dropped at once (and replaced below `min`).
        void connection.closed.then(() => lost());
        return connection;
      },
      destroy: (connection) => connection.destroy(),
      isReusable: (connection) => connection.isReusable,
    },
    {
      name: 'zteradb',
      min: options.pool.min,
      max: options.pool.max,
      acquireTimeoutMs: options.pool.acquireTimeoutMs,
      idleTimeoutMs: options.pool.idleTimeoutMs,
      createTimeoutMs: options.connectTimeoutMs,
      ...(events === undefined ? {} : { events }),
    },
  );
}

/**
 * Gives a connection back: reused only when its last answer was read to the end; otherwise (an
 * early exit, an error frame, a timeout) destroyed, never returned half-read. @internal
 */
export function giveBack(lease: Lease<ZTeraDBConnection>): void {
  if (lease.resource.isReusable) lease.release();
  else lease.destroy();
}
