import { type ConnError, ConnectionError, TimeoutError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { errorFromPackage } from '../../src/errors.js';
import { failureVerdict, retryDecision } from '../../src/request-failure.js';

/** A lost connection, before (`written: false`) or after the request left. */
function lost(written: boolean): ConnectionError {
  return new ConnectionError('connection closed before the answer arrived', {
    code: 'CONN_CONNECTION_CLOSED',
    retryable: !written,
  });
}

describe('the decision on a failed query or insert attempt', () => {
  it.each<[string, ConnError, 'query' | 'insert', string]>([
    ['68 pool error', errorFromPackage(68, { error_msg: 'no server' }), 'insert', 'wait'],
    ['71 not authenticated', errorFromPackage(71, undefined), 'query', 'reconnect'],
    ['67 server error, query', errorFromPackage(67, { error_msg: 'busy' }), 'query', 'other-host'],
    ['67 server error, insert', errorFromPackage(67, { error_msg: 'busy' }), 'insert', 'other-host'],
    ['lost before sending, insert', lost(false), 'insert', 'other-host'],
    ['lost after sending, query', lost(true), 'query', 'other-host'],
    ['lost after sending, insert (may be stored)', lost(true), 'insert', 'fail'],
    ['65 query error', errorFromPackage(65, { error_msg: 'Query error at position 7.' }), 'query', 'fail'],
    ['72 wrong credentials', errorFromPackage(72, undefined), 'query', 'fail'],
    ['69 no access', errorFromPackage(69, { error_msg: 'Access denied.' }), 'insert', 'fail'],
    ['64 server message', errorFromPackage(64, { error_msg: 'failed' }), 'query', 'fail'],
    ['a timeout', new TimeoutError('timed out'), 'query', 'fail'],
  ])('%s', (_name, error, operation, verdict) => {
    expect(failureVerdict(operation, error)).toBe(verdict);
  });

  it('waits poolErrorRetryMs after a pool error, retries at once elsewhere, else fails', () => {
    expect(retryDecision('wait', 2_000)).toBe(2_000);
    expect(retryDecision('reconnect', 2_000)).toBe(0);
    expect(retryDecision('other-host', 2_000)).toBe(0);
    expect(retryDecision('fail', 2_000)).toBe('fail');
  });
});
