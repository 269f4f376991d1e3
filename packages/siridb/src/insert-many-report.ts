import { asConnError, ConnError, ConnectionError, ProtocolError } from '@conn/core';
import type { SeriesSlice } from './insert-many-plan.js';

/**
 * What became of one request of `insertMany()`:
 * - `applied`: the server confirmed it;
 * - `refused`: the server answered with an error, so it was not applied;
 * - `unknown`: it was sent and no answer came (deadline, abort, lost connection): it may have been
 *   applied;
 * - `not-sent`: it never left the client.
 */
export type InsertManyRequestStatus = 'applied' | 'refused' | 'unknown' | 'not-sent';

/** One request of `insertMany()` and what became of it. */
export interface InsertManyRequest {
  /** 1-based, in the order the requests were cut (and sent). */
  readonly number: number;
  /** 0-based index of the batch it was cut from (0 when the data was one batch). */
  readonly batch: number;
  readonly status: InsertManyRequestStatus;
  readonly pointCount: number;
  /**
   * Its points, unless it was applied: `points` is the slice of the series given that starts at
   * `firstPoint`. Empty for an applied request: its points are let go once the server confirms
   * them, so that a long stream of batches does not pile up in memory.
   */
  readonly series: readonly SeriesSlice[];
}

/** Every request a failed `insertMany()` cut, and what became of each; see {@link insertManyReport}. */
export interface InsertManyReport {
  readonly requests: readonly InsertManyRequest[];
  /** Batches taken from the data (1 for a single data object). */
  readonly batchesRead: number;
}

/** A request while the call runs. @internal */
export interface TrackedRequest {
  readonly number: number;
  readonly batch: number;
  readonly pointCount: number;
  /** Let go (emptied) once applied, with the payload. */
  series: readonly SeriesSlice[];
  payload: Buffer;
  status: InsertManyRequestStatus;
  /** The server answered an attempt with an error (the attempt was not applied). */
  answered: boolean;
  /** The last attempt was sent and not answered: it may have been applied. */
  unanswered: boolean;
}

/** Shared by every copy of the package, like the error brand of `@conn/core`. */
const REPORT = Symbol.for('@conn/siridb:insert-many-report');

/**
 * The per-request report of an error from `insertMany()`: which requests were applied, refused,
 * perhaps applied, or not sent, each with its points, so the caller can send exactly what is
 * missing. `undefined` for any other error, and when the call failed before any request was cut.
 */
export function insertManyReport(error: unknown): InsertManyReport | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as { [REPORT]?: InsertManyReport })[REPORT];
}

/**
 * Follows one attempt of `request` (the promise of its answer): sent and unanswered until it
 * settles; then answered by the server, not sent, or still unknown, by the failure's kind.
 * @internal
 */
export function trackAttempt<T>(request: TrackedRequest, sending: Promise<T>): Promise<T> {
  request.unanswered = true;
  sending.then(
    () => {
      request.unanswered = false;
    },
    (error: unknown) => {
      const fate = attemptFate(error);
      request.unanswered = fate === 'unknown';
      if (fate === 'refused') request.answered = true;
    },
  );
  return sending;
}

/** The status of a request whose attempts have all failed. @internal */
export function failedStatus(request: TrackedRequest): InsertManyRequestStatus {
  if (request.unanswered) return 'unknown';
  return request.answered ? 'refused' : 'not-sent';
}

/** What one failed attempt says about its request. */
function attemptFate(error: unknown): 'refused' | 'unknown' | 'not-sent' {
  const failure = asConnError(error);
  // The transport says whether the bytes were written (timeouts, lost connections).
  const written = failure.details['written'];
  if (written === false) return 'not-sent';
  if (written === true || failure instanceof ProtocolError) return 'unknown';
  // An error package of the server: the request was refused, nothing of it applied.
  if (typeof failure.details['siridbType'] === 'number') return 'refused';
  // A refused or reset connection before anything was sent is retryable (the contract).
  if (failure instanceof ConnectionError && failure.retryable) return 'not-sent';
  return 'unknown';
}

/**
 * The error of a failed `insertMany()`: `failure` (same class and code) with what became of every
 * request in its message and `details`, and the full report for {@link insertManyReport}.
 * `details.mayHaveExecuted` is true when any request was applied or may have been: sending the
 * whole data again would write some of it twice.
 * @internal
 */
export function failureWithReport(
  failure: ConnError,
  requests: readonly TrackedRequest[],
  batchesRead: number,
  invalidBatch: number | undefined,
): ConnError {
  const groups: Record<InsertManyRequestStatus, TrackedRequest[]> = {
    applied: [],
    refused: [],
    unknown: [],
    'not-sent': [],
  };
  for (const request of requests) groups[request.status].push(request);
  const appliedPoints = countPoints(groups.applied);
  const unknownPoints = countPoints(groups.unknown);
  const mayHaveExecuted = groups.applied.length > 0 || groups.unknown.length > 0;
  const parts = [
    groups.applied.length > 0 && `applied: ${numbers(groups.applied)} (${appliedPoints} points)`,
    groups.unknown.length > 0 &&
      `may have been applied: ${numbers(groups.unknown)} (${unknownPoints} points)`,
    groups.refused.length > 0 && `refused: ${numbers(groups.refused)}`,
    groups['not-sent'].length > 0 && `not sent: ${numbers(groups['not-sent'])}`,
  ].filter((part) => part !== false);
  const where = invalidBatch === undefined ? '' : `batch ${invalidBatch} was refused before sending; `;
  const summary = requests.length === 0 ? 'no request was sent' : `requests ${parts.join('; ')}`;
  const message = `${failure.message} (insertMany: ${where}${summary})`;
  const details = {
    ...failure.details,
    requests: requests.length,
    appliedRequests: numbers(groups.applied),
    unknownRequests: numbers(groups.unknown),
    refusedRequests: numbers(groups.refused),
    notSentRequests: numbers(groups['not-sent']),
    appliedPoints,
    unknownPoints,
    batchesRead,
    ...(invalidBatch === undefined ? {} : { invalidBatch }),
    mayHaveExecuted,
  };
  const error = rebuild(failure, message, details, mayHaveExecuted ? false : failure.retryable);
  const report: InsertManyReport = Object.freeze({
    requests: Object.freeze(requests.map(snapshot)),
    batchesRead,
  });
  Object.defineProperty(error, REPORT, { value: report });
  return error;
}

function snapshot(request: TrackedRequest): InsertManyRequest {
  const { number, batch, status, pointCount, series } = request;
  return Object.freeze({ number, batch, status, pointCount, series });
}

function countPoints(requests: readonly TrackedRequest[]): number {
  let total = 0;
  for (const request of requests) total += request.pointCount;
  return total;
}

/** Request numbers (in order) as ranges: `1-3,5`; empty when none. */
function numbers(requests: readonly TrackedRequest[]): string {
  const ranges: string[] = [];
  let start = -1;
  let end = -1;
  for (const { number } of requests) {
    if (number === end + 1) {
      end = number;
      continue;
    }
    if (start !== -1) ranges.push(start === end ? `${start}` : `${start}-${end}`);
    start = number;
    end = number;
  }
  if (start !== -1) ranges.push(start === end ? `${start}` : `${start}-${end}`);
  return ranges.join(',');
}

/**
 * The same kind of error (class, code, server fields) with a new message and details; `cause` is
 * the original. Falls back to a plain `ConnError` with the same code if the class cannot be rebuilt.
 */
function rebuild(
  failure: ConnError,
  message: string,
  details: ConnError['details'],
  retryable: boolean,
): ConnError {
  const fields = failure as unknown as Record<string, unknown>;
  const options = {
    code: failure.code,
    cause: failure,
    retryable,
    details,
    siridbType: fields['siridbType'],
    serverCode: fields['serverCode'],
    serverMessage: fields['serverMessage'],
    field: fields['field'],
  };
  const Kind = failure.constructor as new (message: string, options: object) => ConnError;
  try {
    return new Kind(message, options);
  } catch {
    return new ConnError(message, options);
  }
}
