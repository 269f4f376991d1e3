import { createDeadline } from '@conn/core';
import type { CockroachConnection } from './connection.js';
import type { StreamOptions } from './query-options.js';
import type { Statement } from './sql/statement.js';

/**
 * Reads a statement's rows through a portal, one batch per round trip, only when the consumer
 * asks for more. The portal is closed however the loop ends; `timeoutMs` covers the whole stream.
 */
export async function* streamRows<T>(
  connection: CockroachConnection,
  statement: Statement,
  options: StreamOptions,
  batchSize: number,
): AsyncGenerator<T, void, undefined> {
  const deadline = createDeadline(options, { what: 'stream' });
  const cursor = connection.openCursor(statement, options.rowMode === 'array' ? 'array' : undefined);
  try {
    for (;;) {
      const rows = await connection.readCursor<T>(cursor, batchSize, deadline.signal);
      if (rows.length === 0) return;
      yield* rows;
      if (rows.length < batchSize) return;
    }
  } finally {
    deadline.dispose();
    await connection.closeCursor(cursor);
  }
}
