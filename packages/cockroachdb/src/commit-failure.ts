import { AbortError, type ConnError, ConnectionError, TimeoutError } from '@conn/core';
import { toConnError } from './error-mapping.js';
import { AmbiguousCommitError } from './errors.js';

/** True when a failure at the commit point leaves the outcome unknown. */
export function isAmbiguousAtCommit(error: ConnError): boolean {
  if ((error as { sqlstate?: string }).sqlstate === '40003') return true;
  // The statement reached the server (or may have): a lost socket or a cancelled wait says nothing
  // about whether the commit was applied.
  return error instanceof ConnectionError || error instanceof TimeoutError || error instanceof AbortError;
}

/**
 * The error to raise for a failed COMMIT or `RELEASE SAVEPOINT cockroach_restart`:
 * `AmbiguousCommitError` when the commit may have happened, else the mapped error (a 40001 there
 * means the transaction was not committed).
 */
export function commitFailure(error: unknown, statement: string): ConnError {
  const mapped = toConnError(error);
  if (!isAmbiguousAtCommit(mapped)) return mapped;
  const sqlstate = (mapped as { sqlstate?: string }).sqlstate;
  const why =
    sqlstate === '40003' ? 'the server reported the result as ambiguous (40003)' : `${mapped.message}`;
  return new AmbiguousCommitError(
    `the outcome of ${statement} is unknown: ${why}; the transaction may or may not have committed`,
    { cause: mapped, sqlstate: sqlstate === '40003' ? '40003' : undefined },
  );
}
