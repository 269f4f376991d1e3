import { setMaxListeners } from 'node:events';
import {
  AbortError,
  abortReason,
  ClientClosedError,
  ConfigError,
  ConnError,
  isConnError,
  PoolClosedError,
  TimeoutError,
} from '@conn/core';
import type { ApertureDBQueryOptions, ApertureDBQueryResult } from '../client.js';
import type { ApertureDBCommand } from '../query/commands.js';
import { type Batch, buildBatch, type ParallelItem } from './batch.js';
import { type BatchOutcome, outcomeOfFailure, outcomeOfResponse } from './batch-outcome.js';
import { checkParallelArguments, checkParallelItem } from './parallel-input.js';

/** What `runParallel` needs of a client: its `query`. */
export interface ParallelQueryClient {
  query(
    query: readonly ApertureDBCommand[],
    blobs?: readonly Uint8Array[],
    options?: ApertureDBQueryOptions,
  ): Promise<ApertureDBQueryResult>;
}

/** Counts reported after each transaction. */
export interface ParallelProgress {
  /** Items whose transaction has finished, successfully or not. */
  readonly done: number;
  readonly succeeded: number;
  readonly existed: number;
  readonly failed: number;
  readonly transactions: number;
}

/** A failed transaction, kept for the report. */
export interface ParallelBatchError {
  /** Position of the transaction in reading order, from 0. */
  readonly batchIndex: number;
  /** Position of its first item in the source, from 0. */
  readonly firstItem: number;
  readonly error: ConnError;
}

/** The totals of a run. */
export interface ParallelResult extends ParallelProgress {
  /** Transactions with at least one failed item. */
  readonly failedTransactions: number;
  readonly elapsedMs: number;
  /** The first `maxErrors` failures. */
  readonly errors: readonly ParallelBatchError[];
}

/** Options of {@link runParallel}. */
export interface ParallelOptions {
  /** Items per transaction (default 1). */
  readonly batchSize?: number | undefined;
  /** Transactions in flight at once (default 4); the client's pool bounds the connections. */
  readonly concurrency?: number | undefined;
  /** Called after each transaction with the running totals. */
  readonly onProgress?: ((progress: ParallelProgress) => void) | undefined;
  /** Stops the run: no more reading, transactions in flight cancelled, the run rejects with `AbortError`. */
  readonly signal?: AbortSignal | undefined;
  /** Time limit of each transaction; one that passes it rejects the run with `TimeoutError`. */
  readonly timeoutMs?: number | undefined;
  /** Command statuses that count as success (default 0 and 2, like the SDK's ParallelQuery). */
  readonly successStatuses?: readonly number[] | undefined;
  /** How many failures `errors` keeps (default 10). */
  readonly maxErrors?: number | undefined;
}

/**
 * Runs `source`'s items as transactions of `batchSize` items, `concurrency` at a time, renumbering
 * refs so the items of one transaction never collide (docs/protocols/aperturedb.md §5.2, §6). The
 * source is read only as transactions free up, so memory stays bounded by `batchSize × concurrency`
 * items whatever its length. Counts as the SDK does: commands with status 0 (`succeeded`) and 2
 * (`existed`); items in a failed transaction or with another status (`failed`).
 *
 * Resolves with the totals even when transactions failed. Rejects only when the run cannot go on:
 * the caller's `signal`, a transaction's `timeoutMs` (it may have run: we cannot count it), a closed
 * client, the source throwing, or `onProgress` throwing. Transactions still in flight are cancelled
 * and awaited first.
 * @throws ConfigError for options that are not an object, a `batchSize`, `concurrency` or `maxErrors`
 * that is not a positive integer, a source that is not iterable, or an item that is not
 * `{ commands, blobs? }` (`CONN_APERTUREDB_QUERY_ARGUMENT`; items before it may have run).
 */
export async function runParallel(
  client: ParallelQueryClient,
  source: Iterable<ParallelItem> | AsyncIterable<ParallelItem>,
  options: ParallelOptions = {},
): Promise<ParallelResult> {
  checkParallelArguments(source, options);
  const batchSize = positiveInteger(options.batchSize ?? 1, 'batchSize');
  const concurrency = positiveInteger(options.concurrency ?? 4, 'concurrency');
  const maxErrors = positiveInteger(options.maxErrors ?? 10, 'maxErrors', true);
  const successStatuses = new Set(options.successStatuses ?? [0, 2]);
  const { signal, timeoutMs, onProgress } = options;
  if (signal?.aborted) throw abortReason(signal, 'parallel run');

  const started = performance.now();
  const totals = { done: 0, succeeded: 0, existed: 0, failed: 0, transactions: 0 };
  let failedTransactions = 0;
  const errors: ParallelBatchError[] = [];
  // Cancels the transactions in flight once the run must stop.
  const inFlight = new AbortController();
  // Each transaction in flight listens on it; more than Node's default 10 is expected, not a leak.
  setMaxListeners(concurrency + 10, inFlight.signal);
  let stopReason: unknown;
  const stop = (reason: unknown): void => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    inFlight.abort(reason);
  };
  const onAbort = (): void => stop(abortReason(signal as AbortSignal, 'parallel run'));
  signal?.addEventListener('abort', onAbort, { once: true });

  const reader = new BatchReader(source, batchSize);
  const settle = (batch: Batch, outcome: BatchOutcome): void => {
    totals.done += batch.itemCount;
    totals.succeeded += outcome.succeeded;
    totals.existed += outcome.existed;
    totals.failed += outcome.failed;
    totals.transactions++;
    if (outcome.error !== undefined) {
      failedTransactions++;
      if (errors.length < maxErrors)
        errors.push({ batchIndex: batch.index, firstItem: batch.firstItem, error: outcome.error });
    }
    onProgress?.({ ...totals });
  };
  const runBatch = async (batch: Batch): Promise<void> => {
    let outcome: BatchOutcome;
    try {
      const queryOptions: ApertureDBQueryOptions = { signal: inFlight.signal, timeoutMs };
      const { response } = await client.query(batch.commands, batch.blobs, queryOptions);
      outcome = outcomeOfResponse(batch, response, successStatuses);
    } catch (error) {
      if (stopReason !== undefined) return; // cancelled by the stop: not counted.
      if (endsTheRun(error)) return stop(error);
      outcome = outcomeOfFailure(batch, asConnError(error));
    }
    settle(batch, outcome);
  };
  const worker = async (): Promise<void> => {
    while (stopReason === undefined) {
      let batch: Batch | undefined;
      try {
        // A stalled async source must not hold a stopped run: the read is given up on at the stop.
        batch = await reader.next(inFlight.signal);
      } catch (error) {
        return stop(error);
      }
      if (batch === undefined || stopReason !== undefined) return;
      try {
        await runBatch(batch);
      } catch (error) {
        return stop(error); // onProgress threw.
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
    const closing = reader.close();
    // A read still pending after a stop may never end; the source is closed once it does.
    if (reader.isReading) closing.catch(() => undefined);
    else await closing;
  }
  if (stopReason !== undefined) throw stopReason;
  return {
    ...totals,
    failedTransactions,
    elapsedMs: performance.now() - started,
    errors,
  };
}

/** Reads the source one batch at a time, one reader at a time (any iterator, not only generators). */
class BatchReader {
  readonly #iterator: AsyncIterator<ParallelItem> | Iterator<ParallelItem>;
  readonly #batchSize: number;
  #lock: Promise<unknown> = Promise.resolve();
  #exhausted = false;
  #batches = 0;
  #items = 0;
  #reading = 0;

  constructor(source: Iterable<ParallelItem> | AsyncIterable<ParallelItem>, batchSize: number) {
    this.#iterator =
      Symbol.asyncIterator in source
        ? source[Symbol.asyncIterator]()
        : (source as Iterable<ParallelItem>)[Symbol.iterator]();
    this.#batchSize = batchSize;
  }

  /** True while a read of the source has not returned. */
  get isReading(): boolean {
    return this.#reading > 0;
  }

  /** The next batch; `undefined` at the end, or at once when `stop` aborts (the read goes on alone). */
  next(stop: AbortSignal): Promise<Batch | undefined> {
    if (stop.aborted) return Promise.resolve(undefined);
    this.#reading++;
    const read = this.#lock.then(() => this.#read());
    this.#lock = read.then(
      () => this.#reading--,
      () => this.#reading--,
    );
    return new Promise<Batch | undefined>((resolve, reject) => {
      const onStop = (): void => resolve(undefined);
      stop.addEventListener('abort', onStop, { once: true });
      read.then(
        (batch) => {
          stop.removeEventListener('abort', onStop);
          resolve(batch);
        },
        (error: unknown) => {
          stop.removeEventListener('abort', onStop);
          reject(error);
        },
      );
    });
  }

  async close(): Promise<void> {
    await this.#lock;
    if (this.#exhausted) return;
    this.#exhausted = true;
    await this.#iterator.return?.();
  }

  async #read(): Promise<Batch | undefined> {
    const items: ParallelItem[] = [];
    while (!this.#exhausted && items.length < this.#batchSize) {
      let step: IteratorResult<ParallelItem>;
      try {
        step = await this.#iterator.next();
      } catch (error) {
        this.#exhausted = true; // a throwing iterator is finished.
        throw error;
      }
      if (step.done === true) this.#exhausted = true;
      else {
        // A bad item ends the run before its batch is sent (its reader stops the run).
        checkParallelItem(step.value, this.#items + items.length);
        items.push(step.value);
      }
    }
    if (items.length === 0) return undefined;
    const batch = buildBatch(items, this.#batches++, this.#items);
    this.#items += items.length;
    return batch;
  }
}

/** The caller's abort, a deadline, a closed client: nothing later can succeed or be counted. */
function endsTheRun(error: unknown): boolean {
  return (
    error instanceof AbortError ||
    error instanceof TimeoutError ||
    error instanceof ClientClosedError ||
    error instanceof PoolClosedError
  );
}

function asConnError(error: unknown): ConnError {
  if (isConnError(error)) return error;
  return new ConnError('the transaction failed with an error that is not a ConnError', { cause: error });
}

function positiveInteger(value: number, field: string, allowZero = false): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1))
    throw new ConfigError(
      `${field} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`,
      {
        field,
      },
    );
  return value;
}
