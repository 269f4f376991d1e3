import { type ConnError, ConnectionError } from '@conn/core';
import { SiriDBPoolError } from './errors.js';

/**
 * What a failed query or insert attempt calls for:
 * - `wait`: 68, a pool of the database has no server right now: send again after `poolErrorRetryMs`.
 * - `reconnect`: 71, the connection lost its login: drop it and send again on a new one.
 * - `other-host`: 67 (this server cannot serve now) or a lost connection, the host's trouble: the
 *   host sits out for `inactiveTimeMs` and another one takes the request.
 * - `fail`: anything else would fail anywhere. So does a write (an insert, or a query that may
 *   change data) that may have reached a server: it is never sent again behind the caller's back.
 */
export type FailureVerdict = 'wait' | 'reconnect' | 'other-host' | 'fail';

/** What a request does: a query that only reads (`query`) may always be sent again. */
export type RequestKind = 'query' | 'write-query' | 'insert';

/** The verdict on `error`, the failure of one attempt of `operation`. */
export function failureVerdict(operation: RequestKind, error: ConnError): FailureVerdict {
  if (error instanceof SiriDBPoolError) return 'wait';
  if (error.code === 'CONN_SIRIDB_NOT_AUTHENTICATED') return 'reconnect';
  if (error.code === 'CONN_SIRIDB_SERVER' || error instanceof ConnectionError) {
    return operation !== 'query' && !error.retryable ? 'fail' : 'other-host';
  }
  return 'fail';
}

/** The retry decision of a verdict: the pool-error wait, or at once (another host, a new connection). */
export function retryDecision(verdict: FailureVerdict, poolErrorRetryMs: number): number | 'fail' {
  switch (verdict) {
    case 'wait':
      return poolErrorRetryMs;
    case 'reconnect':
    case 'other-host':
      return 0;
    default:
      return 'fail';
  }
}
