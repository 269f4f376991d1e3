import { AbortError, ConnectionError, ProtocolError, TimeoutError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { errorFromPackage, InsertError } from '../../src/errors.js';
import {
  failedStatus,
  failureWithReport,
  insertManyReport,
  type TrackedRequest,
  trackAttempt,
} from '../../src/insert-many-report.js';

function request(number: number, status: TrackedRequest['status'], pointCount = 10): TrackedRequest {
  return {
    number,
    batch: 0,
    pointCount,
    series: [{ name: `s${number}`, points: [[number, 1]], firstPoint: 0 }],
    payload: Buffer.alloc(0),
    status,
    answered: false,
    unanswered: false,
  };
}

/** The status a request gets when its one attempt fails with `error`. */
async function statusAfter(error: unknown): Promise<string> {
  const tracked = request(1, 'not-sent');
  await trackAttempt(tracked, Promise.reject(error)).catch(() => {});
  return failedStatus(tracked);
}

describe('what one failed attempt says about its request', () => {
  it('an error package of the server: refused (not applied)', async () => {
    expect(await statusAfter(errorFromPackage(66, { error_msg: 'bad' }))).toBe('refused');
    expect(await statusAfter(errorFromPackage(69, { error_msg: 'denied' }))).toBe('refused');
  });

  it('written but unanswered (timeout, lost connection, abort): unknown', async () => {
    expect(await statusAfter(new TimeoutError('t', { details: { written: true } }))).toBe('unknown');
    expect(
      await statusAfter(new ConnectionError('lost', { retryable: false, details: { written: true } })),
    ).toBe('unknown');
    expect(await statusAfter(new AbortError('aborted'))).toBe('unknown');
    expect(await statusAfter(new ProtocolError('odd answer', { details: { siridbType: 9 } }))).toBe(
      'unknown',
    );
  });

  it('never written: not sent', async () => {
    expect(await statusAfter(new TimeoutError('t', { details: { written: false } }))).toBe('not-sent');
    expect(await statusAfter(new ConnectionError('refused', { retryable: true }))).toBe('not-sent');
  });

  it('an answer after a refused attempt: the last attempt decides', async () => {
    const tracked = request(1, 'not-sent');
    await trackAttempt(tracked, Promise.reject(errorFromPackage(67, { error_msg: 'busy' }))).catch(() => {});
    await trackAttempt(tracked, Promise.reject(new TimeoutError('t', { details: { written: true } }))).catch(
      () => {},
    );
    expect(failedStatus(tracked)).toBe('unknown');
  });
});

describe('failureWithReport()', () => {
  const requests = [
    request(1, 'applied'),
    request(2, 'applied'),
    request(3, 'refused'),
    request(4, 'unknown', 7),
    request(5, 'not-sent'),
    request(6, 'not-sent'),
    request(8, 'applied', 1),
  ];

  it('keeps the class, code and server fields of the failure and says what became of every request', () => {
    const failure = errorFromPackage(66, {
      error_msg: 'Received at least one time-stamp which is out-of-range.',
    });
    const error = failureWithReport(failure, requests, 2, undefined) as InsertError;
    expect(error).toBeInstanceOf(InsertError);
    expect(error.code).toBe('CONN_SIRIDB_INSERT');
    expect(error.siridbType).toBe(66);
    expect(error.serverMessage).toBe('Received at least one time-stamp which is out-of-range.');
    expect(error.cause).toBe(failure);
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({
      requests: 7,
      appliedRequests: '1-2,8',
      refusedRequests: '3',
      unknownRequests: '4',
      notSentRequests: '5-6',
      appliedPoints: 21,
      unknownPoints: 7,
      batchesRead: 2,
      mayHaveExecuted: true,
    });
    expect(error.message).toBe(
      'Received at least one time-stamp which is out-of-range. (insertMany: requests applied: 1-2,8 (21 points); ' +
        'may have been applied: 4 (7 points); refused: 3; not sent: 5-6)',
    );
    const report = insertManyReport(error);
    expect(report?.batchesRead).toBe(2);
    expect(report?.requests.map((r) => [r.number, r.status])).toEqual(
      requests.map((r) => [r.number, r.status]),
    );
    expect(report?.requests[3]?.series).toBe(requests[3]?.series);
    expect(insertManyReport(failure)).toBeUndefined();
  });

  it('nothing applied and nothing unknown: mayHaveExecuted false, retryable as the failure was', () => {
    const failure = new ConnectionError('no host', { retryable: true });
    const error = failureWithReport(failure, [request(1, 'refused'), request(2, 'not-sent')], 1, undefined);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.details['mayHaveExecuted']).toBe(false);
    expect(error.retryable).toBe(true);
  });

  it('a timeout stays a TimeoutError with its timeoutMs', () => {
    const failure = new TimeoutError('SiriDB client insertMany timed out after 50 ms', {
      details: { operation: 'insertMany', timeoutMs: 50 },
    });
    const error = failureWithReport(failure, [request(1, 'applied'), request(2, 'unknown')], 1, undefined);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('CONN_TIMEOUT');
    expect(error.details).toMatchObject({ timeoutMs: 50, appliedRequests: '1', unknownRequests: '2' });
  });
});
