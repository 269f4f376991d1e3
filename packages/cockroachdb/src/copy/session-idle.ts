import type pg from 'pg';
import { CANCEL_GRACE_MS, type CockroachConnection } from '../connection.js';

/** Where a COPY runs: a session to itself, and what to do with it once the COPY is over. */
export interface CopySession {
  readonly connection: CockroachConnection;
  /** Aborts the COPY (the call's deadline, the transaction's). */
  readonly signal: AbortSignal | undefined;
  /** Called once when the COPY is over, however it ended. */
  finish(): void;
}

/**
 * Resolves at the session's next ReadyForQuery (the COPY is over, whatever its outcome) or when
 * the socket closes. Register it before sending the COPY: on a session to itself the next
 * ReadyForQuery is the COPY's.
 */
export function nextReadyForQuery(client: pg.Client): Promise<void> {
  const wire = (client as unknown as { connection: NodeJS.EventEmitter }).connection;
  return new Promise((resolve) => {
    const done = (): void => {
      wire.off('readyForQuery', done);
      client.off('end', done);
      resolve();
    };
    wire.on('readyForQuery', done);
    client.on('end', done);
  });
}

/**
 * Waits for a stopped COPY to reach ReadyForQuery; a session that takes longer than the cancel
 * grace is destroyed rather than reused in an unknown state.
 */
export async function settleStopped(connection: CockroachConnection, idle: Promise<void>): Promise<void> {
  const grace = setTimeout(() => connection.destroy(), CANCEL_GRACE_MS);
  try {
    await idle;
  } finally {
    clearTimeout(grace);
  }
}
