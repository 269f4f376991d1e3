import { type EventPublisher, Pool } from '@conn/core';
import { ZTeraDBConnection } from './connection.js';
import type { ResolvedZTeraDBOptions } from './options.js';

/**
 * The client's connections: core's `Pool` with exclusive leases (the server answers one query at
 * a time per connection). `min` are opened in the background and kept, at most `max` exist, and
 * further callers wait in line for at most `acquireTimeoutMs`. A released connection whose last
 * answer was not read to its end (early exit, error frame, timeout) is destroyed by the pool
 * (`isReusable`), never lent again half-read. @internal
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
      destroy: (connection) => connection.retire(),
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
