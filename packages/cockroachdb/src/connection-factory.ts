import type { Factory } from '@conn/core';
import { CockroachConnection } from './connection.js';
import type { ResolvedOptions } from './options.js';

/** How the core pool opens, checks and closes CockroachDB sessions. */
export function connectionFactory(
  options: ResolvedOptions,
  onOpen: (connection: CockroachConnection) => void,
): Factory<CockroachConnection> {
  return {
    async create(signal) {
      const connection = await CockroachConnection.open(options, signal);
      onOpen(connection);
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
