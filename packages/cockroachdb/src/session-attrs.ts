import { ConnectionError } from '@conn/core';
import type { CockroachConnection } from './connection.js';

/**
 * libpq's `target_session_attrs` values this driver checks. `prefer-standby` is left out: it
 * ranks nodes by role, and CockroachDB nodes have none (every node reads and writes).
 */
export type TargetSessionAttrs = 'any' | 'read-write' | 'read-only' | 'primary' | 'standby';

/** Every accepted value, for option checks. */
export const TARGET_SESSION_ATTRS: readonly TargetSessionAttrs[] = [
  'any',
  'read-write',
  'read-only',
  'primary',
  'standby',
];

/** Whether a PostgreSQL server is a hot standby; a CockroachDB node never is. */
async function isStandby(connection: CockroachConnection, signal: AbortSignal): Promise<boolean> {
  if (connection.serverKind === 'cockroachdb') return false;
  const result = await connection.query(
    { text: 'SELECT pg_is_in_recovery() AS in_recovery', values: [] },
    { signal },
  );
  return result.rows[0]?.['in_recovery'] === true;
}

/** What libpq asks: does the session refuse writes by default? */
async function isReadOnly(connection: CockroachConnection, signal: AbortSignal): Promise<boolean> {
  const result = await connection.query({ text: 'SHOW transaction_read_only', values: [] }, { signal });
  return result.rows[0]?.['transaction_read_only'] === 'on';
}

/** Why the session does not qualify, or `undefined` when it does. */
async function mismatch(
  connection: CockroachConnection,
  attrs: TargetSessionAttrs,
  signal: AbortSignal,
): Promise<string | undefined> {
  switch (attrs) {
    case 'any':
      return undefined;
    case 'read-write':
      return (await isReadOnly(connection, signal)) ? 'its sessions are read-only' : undefined;
    case 'read-only':
      return (await isReadOnly(connection, signal)) ? undefined : 'its sessions accept writes';
    case 'primary':
      return (await isStandby(connection, signal)) ? 'it is a hot standby' : undefined;
    case 'standby':
      return (await isStandby(connection, signal)) ? undefined : 'it is not a hot standby';
  }
}

/**
 * Checks a new session against `target_session_attrs` (one round trip unless `any`). A session
 * that does not qualify is closed and refused with a retryable `ConnectionError`
 * (`CONN_COCKROACHDB_SESSION_ATTRS`), so the node is skipped like one that failed to connect.
 */
export async function checkSessionAttrs(
  connection: CockroachConnection,
  attrs: TargetSessionAttrs,
  signal: AbortSignal,
): Promise<void> {
  if (attrs === 'any') return;
  let why: string | undefined;
  try {
    why = await mismatch(connection, attrs, signal);
  } catch (error) {
    await connection.close();
    throw error;
  }
  if (why === undefined) return;
  await connection.close();
  const { host, port } = connection.address;
  throw new ConnectionError(`${host}:${port} does not fit target_session_attrs=${attrs}: ${why}`, {
    code: 'CONN_COCKROACHDB_SESSION_ATTRS',
    retryable: true,
    details: { host, port, targetSessionAttrs: attrs },
  });
}
