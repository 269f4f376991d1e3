import { type EventPublisher, Pool } from '@conn/core';
import { ApertureDBConnection } from './connection.js';
import type { ResolvedApertureDBOptions } from './options.js';

/**
 * The client's connections: core's `Pool` with exclusive leases (the server answers one request at
 * a time per connection, in order). `min` are opened in the background and kept, at most `max`
 * exist, further callers wait at most `acquireTimeoutMs`. A connection whose socket closed, or that
 * still has a request in flight (a call that gave up), is destroyed instead of lent again. @internal
 */
export function createConnectionPool(
  options: ResolvedApertureDBOptions,
  events: EventPublisher | undefined,
): Pool<ApertureDBConnection> {
  return new Pool<ApertureDBConnection>(
    {
      create: async (signal, lost) => {
        const connection = await ApertureDBConnection.open(options, signal);
        // A socket the server closed while idle is dropped at once (and replaced below `min`).
        void connection.closed.then(() => lost());
        return connection;
      },
      destroy: (connection) => connection.destroy(),
      isReusable: (connection) => connection.isIdle,
    },
    {
      name: 'aperturedb',
      min: options.pool.min,
      max: options.pool.max,
      acquireTimeoutMs: options.pool.acquireTimeoutMs,
      idleTimeoutMs: options.pool.idleTimeoutMs,
      createTimeoutMs: options.connectTimeoutMs,
      ...(events === undefined ? {} : { events }),
    },
  );
}
