import type { Factory } from '@conn/core';
import { CockroachConnection } from './connection.js';
import { toConnError } from './error-mapping.js';
import type { ResolvedHost, ResolvedOptions } from './options.js';
import { checkSessionAttrs } from './session-attrs.js';

/** How core's pool opens, checks and closes sessions to one node. */
export function connectionFactory(
  options: ResolvedOptions,
  target: ResolvedHost,
  onOpen: (connection: CockroachConnection) => void,
): Factory<CockroachConnection> {
  return {
    async create(signal, lost) {
      const connection = await CockroachConnection.open(options, target, signal);
      await checkSessionAttrs(connection, options.targetSessionAttrs, signal);
      onOpen(connection);
      // A session that dies on its own leaves the pool at once, idle or lent.
      connection.onLost((error) =>
        lost(error === undefined ? undefined : toConnError(error, { host: target.host, port: target.port })),
      );
      return connection;
    },
    destroy: (connection) => connection.close(),
    // A session is reusable only when idle: a lease given back mid-transaction is closed instead.
    isReusable: (connection) => connection.usable && connection.transactionStatus === 'I',
    async validate(connection, signal) {
      await connection.query({ text: 'SELECT 1', values: [] }, { signal });
      return connection.usable;
    },
  };
}
