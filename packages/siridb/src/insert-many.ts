import {
  asConnError,
  type CallContext,
  type CallOptions,
  type ConnError,
  integerOption,
  raceWithSignal,
} from '@conn/core';
import type { SiriDBInsertData } from './insert-data.js';
import { planBatch, type RequestLimits, type SeriesSlice } from './insert-many-plan.js';
import { failedStatus, failureWithReport, type TrackedRequest, trackAttempt } from './insert-many-report.js';
import { SERVER_MAX_PACKAGE_BYTES } from './protocol/package.js';

/** Options of {@link SiriDBClient.insertMany}. */
export interface InsertManyOptions extends CallOptions {
  /** Most points in one request. Default 10_000. */
  maxPointsPerRequest?: number | undefined;
  /**
   * Payload bytes a request stays within. Default 1 MiB, the most SiriDB recommends (it logs a
   * warning for every package of 2 MiB or more); at most 41_943_040, the most it accepts. A point
   * that alone is larger goes in a request of its own; if that is larger than the server accepts,
   * the call fails before that request is sent (`CONN_SIRIDB_PACKAGE_TOO_LARGE`).
   */
  maxBytesPerRequest?: number | undefined;
  /**
   * Requests in flight at once. Default 1: SiriDB applies inserts one after another, and several
   * at once were slower in total than the same requests in sequence (measured on SiriDB 2.0.55).
   */
  concurrency?: number | undefined;
}

/** What {@link SiriDBClient.insertMany} reports. */
export interface InsertManyResult {
  /** Requests sent (all applied). */
  readonly requests: number;
  /** Series entries in the data, summed over batches (a series cut into several requests counts once). */
  readonly seriesCount: number;
  readonly pointCount: number;
  /** The server's `success_msg` when the data went in one request. */
  readonly message?: string;
}

/**
 * What `insertMany()` takes: one batch in any form `insert()` takes, or an iterable or async
 * iterable of such batches (a generator, for example), read one batch at a time. An array is
 * always the array form of one batch.
 */
export type InsertManyData = SiriDBInsertData | Iterable<SiriDBInsertData> | AsyncIterable<SiriDBInsertData>;

/** Sends one encoded request; `track` follows the promise of each attempt's answer. @internal */
export type SendInsert = (
  payload: Buffer,
  track: <T>(sending: Promise<T>) => Promise<T>,
) => Promise<Record<string, unknown>>;

export const DEFAULT_MAX_POINTS_PER_REQUEST = 10_000;
export const DEFAULT_MAX_BYTES_PER_REQUEST: number = 1024 * 1024;
const MAX_CONCURRENCY = 1_024;
/** What a settled request keeps: nothing of its bytes, and nothing of its points once applied. */
const NO_BYTES = Buffer.alloc(0);
const NO_SERIES: readonly SeriesSlice[] = Object.freeze([]);

/**
 * How `insertMany()` runs as a call: `write: false` because it reports what may have executed per
 * request itself (the runner's rule is for one request); `graceMs` lets it report which requests
 * were applied after the deadline or an abort (it settles within a few microtasks of either).
 * @internal
 */
export const INSERT_MANY_CALL = { operation: 'insertMany', write: false, graceMs: 1_000 } as const;

/**
 * Cuts `data` into requests and sends them, `concurrency` at a time, all within `call`. Each request
 * is retried as `insert()` retries; the first that fails stops the sending, the requests in flight
 * are waited for, and the error says what became of every request (see `failureWithReport`).
 * @internal
 */
export async function runInsertMany(
  data: InsertManyData,
  options: InsertManyOptions,
  call: CallContext,
  send: SendInsert,
): Promise<InsertManyResult> {
  const limits: RequestLimits = {
    maxPoints: integerOption(
      options.maxPointsPerRequest,
      'maxPointsPerRequest',
      DEFAULT_MAX_POINTS_PER_REQUEST,
      1,
    ),
    maxBytes: integerOption(
      options.maxBytesPerRequest,
      'maxBytesPerRequest',
      DEFAULT_MAX_BYTES_PER_REQUEST,
      1,
      SERVER_MAX_PACKAGE_BYTES,
    ),
  };
  const concurrency = integerOption(options.concurrency, 'concurrency', 1, 1, MAX_CONCURRENCY);

  const requests: TrackedRequest[] = [];
  let batchesRead = 0;
  let invalidBatch: number | undefined;
  let seriesCount = 0;
  let pointCount = 0;
  let message: string | undefined;

  /** Every request, cut batch by batch; a batch is encoded whole before its first request goes out. */
  async function* cutRequests(): AsyncGenerator<TrackedRequest> {
    for await (const batch of batchesOf(data)) {
      const index = batchesRead++;
      let planned: ReturnType<typeof planBatch>;
      try {
        planned = planBatch(batch, limits);
      } catch (error) {
        invalidBatch = index;
        throw error;
      }
      seriesCount += planned.seriesCount;
      pointCount += planned.pointCount;
      const tracked = planned.requests.map(
        (request, offset): TrackedRequest => ({
          ...request,
          number: requests.length + offset + 1,
          batch: index,
          status: 'not-sent',
          answered: false,
          unanswered: false,
        }),
      );
      for (const request of tracked) requests.push(request);
      yield* tracked;
    }
  }

  const source = cutRequests();
  let failure: ConnError | undefined;
  let sourceDone = false;
  const stop = (error: unknown): void => {
    // ended by the deadline or the caller: that is what the caller hears, whatever a request said
    failure ??= call.reason ?? asConnError(error);
  };

  const worker = async (): Promise<void> => {
    while (failure === undefined) {
      let next: IteratorResult<TrackedRequest>;
      try {
        next = await raceWithSignal(source.next(), call.signal, 'insertMany');
      } catch (error) {
        stop(error);
        return;
      }
      if (next.done === true) {
        sourceDone = true;
        return;
      }
      if (failure !== undefined) return; // stays not-sent
      const request = next.value;
      try {
        const answer = await send(request.payload, (sending) => trackAttempt(request, sending));
        request.status = 'applied';
        request.series = NO_SERIES;
        const text = answer['success_msg'];
        if (typeof text === 'string') message = text;
      } catch (error) {
        request.status = failedStatus(request);
        stop(error);
      }
      request.payload = NO_BYTES;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  // Closes the caller's iterator (its `return()`), unless it was read to the end; not awaited: a
  // read cut short by the deadline may still be pending on it.
  if (!sourceDone) source.return(undefined).catch(() => {});

  if (failure !== undefined) {
    // nothing was cut from a single batch: the error as `insert()` gives it says enough
    if (requests.length === 0 && batchesRead <= 1) throw failure;
    throw failureWithReport(failure, requests, batchesRead, invalidBatch);
  }
  return {
    requests: requests.length,
    seriesCount,
    pointCount,
    ...(requests.length === 1 && message !== undefined ? { message } : {}),
  };
}

/** The batches of `data`: itself when it is one batch. */
function batchesOf(data: InsertManyData): Iterable<SiriDBInsertData> | AsyncIterable<SiriDBInsertData> {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || data instanceof Map) {
    return [data as SiriDBInsertData];
  }
  if (Symbol.asyncIterator in data || Symbol.iterator in data) {
    return data as Iterable<SiriDBInsertData> | AsyncIterable<SiriDBInsertData>;
  }
  return [data as SiriDBInsertData];
}
