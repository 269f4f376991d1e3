import type { Lease } from '@conn/core';
import type { CockroachConnection } from './connection.js';

/** Gives a session back: reused when it is idle and healthy, closed otherwise. */
export function giveBack(lease: Lease<CockroachConnection>): void {
  const connection = lease.resource;
  if (connection.usable && (lease.shared || connection.transactionStatus === 'I')) lease.release();
  else lease.destroy();
}

/**
 * Runs `fn` on the lease's session and gives the lease back when it settles. Not async: a
 * statement on a lent session costs no extra promise layer.
 */
export function runOnLease<R>(
  lease: Lease<CockroachConnection>,
  fn: (connection: CockroachConnection) => Promise<R>,
): Promise<R> {
  let pending: Promise<R>;
  try {
    pending = fn(lease.resource);
  } catch (error) {
    giveBack(lease);
    return Promise.reject(error);
  }
  return pending.then(
    (value) => {
      giveBack(lease);
      return value;
    },
    (error: unknown) => {
      giveBack(lease);
      throw error;
    },
  );
}
