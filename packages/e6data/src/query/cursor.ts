import {
  type CallContext,
  type CallOptions,
  type CallRunner,
  ConfigError,
  ConnError,
  type EventPublisher,
} from '@conn/core';
import { type ChunkSlices, MAX_CHUNK_ROWS } from '../protocol/chunk-decoder.js';
import { failureOf } from '../session/session-manager.js';
import type { StrategyState } from '../session/strategy-state.js';
import { eitherCancel } from '../transport/either-cancel.js';
import { cancelSourceOf } from '../transport/signal-cancel.js';
import { type ExplainAnalysis, explainAnalysisOf } from './explain-analysis.js';
import { type OpenQuery, type QueryRunner, strategyChangedMidQuery } from './query-runner.js';
import {
  type ColumnDescription,
  describeColumns,
  type RowBuilder,
  type RowMode,
  rowBuilder,
} from './rows.js';

/** What a cursor needs of its client. @internal */
export interface CursorHost {
  readonly calls: CallRunner;
  readonly runner: QueryRunner;
  readonly strategies: StrategyState;
  readonly rowMode: RowMode;
  readonly events: EventPublisher | undefined;
}

/** How long the clean-up call after a query may take, ms: it must not hold a closing program. */
const CLEAR_TIMEOUT_MS = 10_000;

/**
 * How long `cancel()` waits for `cancelQuery`, ms (less when the call's own deadline is nearer).
 * A planner answers it at once; the caller wants the cursor stopped now, so a silent server must
 * not hold cancel() to the call's deadline (with `timeoutMs: Infinity`, forever).
 */
const CANCEL_TIMEOUT_MS = 2_000;

/**
 * Rows decoded at a time while rows are read one by one. A slice's values then die young, in the
 * scavenge after the reader moved on; a whole 10,000-row batch decoded at once survived scavenges
 * and was copied (streaming 1,000,000 wide rows: scavenges of ~10 ms each before, ~2 ms after).
 */
const SLICE_ROWS = 1024;

/**
 * One query's rows, read on demand (docs/protocols/e6data.md, fetching): `execute()` runs it (or
 * the first fetch does), then `fetchOne` / `fetchMany` / `fetchAll` and `for await` share one
 * buffer, so mixing them never loses a row. Batches are fetched as the rows are read, one batch
 * ahead of the reader (backpressure). The query is cleared on the server (`clearOrCancelQuery`) on
 * `close()` (`await using`), at the end of a `for await` loop or a `break` out of it, and after an
 * error; until then `explainAnalyse()` can still ask about it.
 */
export class E6DataCursor<Row = Record<string, unknown>> implements AsyncIterable<Row>, AsyncDisposable {
  readonly #host: CursorHost;
  readonly #sql: string;
  readonly #readOnly: boolean;
  readonly #options: CallOptions;
  #open: OpenQuery | undefined;
  /** The query once prepared, before its execute answered: what `cancel()` names meanwhile. */
  #prepared: Pick<OpenQuery, 'queryId' | 'engineIP'> | undefined;
  #opening: Promise<OpenQuery> | undefined;
  /** Aborted by `close()` while the query is being opened: its execute is not waited for. */
  #stopOpening: AbortController | undefined;
  /**
   * Aborted by `cancel()` and `close()`: reads waiting for the server reject at once, their RPCs
   * (and a batch requested ahead) stopped.
   */
  readonly #stopped = new AbortController();
  readonly #stopSource = cancelSourceOf(this.#stopped.signal, 'the closed cursor');
  /** Rows decoded and not all read yet (a slice of the current batch). */
  #buffer: unknown[] = [];
  /** The current batch, decoded a slice at a time into `#buffer`. */
  #batch: ChunkSlices | undefined;
  /** The columns of the last slice, reused for the next (the rows hold the values). */
  readonly #scratch: unknown[][] = [];
  /** The next batch, requested while the current one is read, and how to call it off. */
  #ahead: { readonly batch: Promise<Uint8Array>; readonly stop: AbortController } | undefined;
  #index = 0;
  #ended = false;
  #closed = false;
  /** The error that closed the cursor, if one did: the cause of every later read's rejection. */
  #failure: unknown;
  /** This cursor counts as an open query of its client (for the strategy boundary). */
  #counted = false;
  #rows: RowBuilder = () => [];
  #description: readonly ColumnDescription[] | undefined;

  /** @internal Made by `E6DataClient.cursor()`. */
  constructor(host: CursorHost, sql: string, readOnly: boolean, options: CallOptions) {
    this.#host = host;
    this.#sql = sql;
    this.#readOnly = readOnly;
    this.#options = options;
  }

  /** The statement as sent (parameters bound). */
  get statement(): string {
    return this.#sql;
  }

  /** True when the statement only reads (it may be run again after a refused session). */
  get readOnly(): boolean {
    return this.#readOnly;
  }

  /** The server's id of the query, once it was prepared. */
  get queryId(): string | undefined {
    return this.#open?.queryId ?? this.#prepared?.queryId;
  }

  /** The result's columns (names and engine types), once executed. */
  get description(): readonly ColumnDescription[] | undefined {
    return this.#description;
  }

  /** The result's total row count from its metadata, once executed. */
  get rowCount(): number | undefined {
    const count = this.#open?.metadata.rowCount;
    return count === undefined ? undefined : Number(count);
  }

  /** Runs the query (prepare, execute, metadata) if it has not run yet. */
  async execute(options?: CallOptions): Promise<this> {
    await this.#run('execute', options, (call) => this.#ensureOpen(call));
    return this;
  }

  /** The next row, or `null` after the last. */
  fetchOne(options?: CallOptions): Promise<Row | null> {
    return this.#run('fetch', options, async (call) => {
      await this.#fill(call);
      return this.#index < this.#buffer.length ? (this.#buffer[this.#index++] as Row) : null;
    });
  }

  /**
   * Up to `size` next rows (fewer at the end; none after it).
   * @throws ConfigError when `size` is not a non-negative integer.
   */
  fetchMany(size: number, options?: CallOptions): Promise<Row[]> {
    if (!Number.isSafeInteger(size) || size < 0) {
      return Promise.reject(
        new ConfigError(`fetchMany size must be a non-negative integer, got ${String(size)}`, {
          field: 'size',
        }),
      );
    }
    return this.#run('fetch', options, async (call) => {
      const rows: Row[] = [];
      while (rows.length < size) {
        await this.#fill(call);
        if (this.#index >= this.#buffer.length) break;
        const take = Math.min(size - rows.length, this.#buffer.length - this.#index);
        for (let k = 0; k < take; k++) rows.push(this.#buffer[this.#index++] as Row);
      }
      return rows;
    });
  }

  /** Every row not read yet (those fetched before are not repeated, and none is skipped). */
  fetchAll(options?: CallOptions): Promise<Row[]> {
    return this.#run('fetch', options, (call) => this.readAll(call));
  }

  /**
   * Every row not read yet, within a call of the caller's (`E6DataClient.query` is one call).
   * @internal
   */
  async readAll(call: CallContext): Promise<Row[]> {
    const rows: Row[] = [];
    try {
      for (;;) {
        // Every row is kept anyway: a batch is decoded whole.
        await this.#fill(call, MAX_CHUNK_ROWS);
        if (this.#index >= this.#buffer.length) break;
        for (let k = this.#index; k < this.#buffer.length; k++) rows.push(this.#buffer[k] as Row);
        this.#index = this.#buffer.length;
      }
    } catch (error) {
      throw this.#failed(error);
    }
    return rows;
  }

  /** The engine's timings and plan of this query (after it ran). */
  explainAnalyse(options?: CallOptions): Promise<ExplainAnalysis> {
    return this.#run('explainAnalyse', options, async (call) => {
      const open = await this.#ensureOpen(call);
      return explainAnalysisOf(await this.#host.runner.explainAnalyze(open, call));
    });
  }

  /**
   * Cancels the query on the server and closes the cursor. Reads waiting for the server reject at
   * once with `CONN_E6DATA_CURSOR_CLOSED`. `cancelQuery` is waited for at most 2 s (less when the
   * call's deadline is nearer): unanswered by then, cancel() rejects with a `TimeoutError`, as it
   * rejects with the server's error when the cancel is refused.
   */
  async cancel(options?: CallOptions): Promise<void> {
    // A query still executing is cancelled too (waiting for its execute could take the deadline).
    const open = this.#open ?? this.#prepared;
    if (open === undefined || this.#closed) return this.close();
    this.#closed = true;
    // Also cancels the batch requested ahead (see #fetchAhead).
    this.#stopped.abort();
    this.#ahead = undefined;
    try {
      await this.#host.calls.run({ operation: 'cancel' }, options ?? this.#options, (call) =>
        this.#host.runner.cancel(open, call, Math.min(CANCEL_TIMEOUT_MS, call.remainingMs())),
      );
    } finally {
      // Only now is an execute still in flight stopped (and its query cleared): a clear sent
      // before the cancel would make the cancel name a query the server forgot; after an
      // unanswered cancel, it is what stops the statement.
      this.#stopOpening?.abort();
      this.#release();
    }
  }

  /**
   * Clears the query on the server (if it ran) and ends the cursor. Idempotent. Reads waiting for
   * the server reject at once with `CONN_E6DATA_CURSOR_CLOSED`, their RPCs cancelled.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Also cancels the batch requested ahead (see #fetchAhead): it is not wanted any more.
    this.#stopped.abort();
    this.#ahead = undefined;
    const open = this.#open;
    if (open === undefined) {
      // Still opening: its execute could take the whole deadline (or forever), so it is not
      // waited for. Stopping it makes the runner clear the query on the server, and the reads
      // waiting for it reject with CONN_E6DATA_CURSOR_CLOSED.
      this.#stopOpening?.abort();
      this.#release();
      return;
    }
    try {
      await this.#host.calls.run({ operation: 'clear' }, { timeoutMs: CLEAR_TIMEOUT_MS }, (call) =>
        this.#host.runner.clear(open, call),
      );
    } catch (error) {
      // The rows were read or abandoned; a failed clean-up is reported, not thrown at the reader.
      this.#host.events?.publish('query:clear-failed', () => ({ queryId: open.queryId, error }));
    } finally {
      this.#release();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Rows one at a time; `break` closes the cursor (and clears the query on the server). A row
   * already fetched is handed out without a call (an async generator would cost a few hundred ms
   * per million rows); a call is made only to fetch the next batch.
   */
  [Symbol.asyncIterator](): AsyncIterator<Row> {
    const signal = this.#options.signal;
    let finished = false;
    const finish = async (): Promise<IteratorResult<Row>> => {
      finished = true;
      await this.close();
      return { done: true, value: undefined };
    };
    const fetchNext = (): Promise<IteratorResult<Row>> =>
      this.#run('fetch', this.#options, async (call) => {
        await this.#fill(call);
        return this.#index < this.#buffer.length ? { row: this.#buffer[this.#index++] as Row } : undefined;
      }).then(
        (next) => (next === undefined ? finish() : { done: false, value: next.row }),
        async (error: unknown) => {
          await finish();
          throw error;
        },
      );
    return {
      next: () => {
        if (finished) return Promise.resolve({ done: true, value: undefined });
        // Aborted while the reader held a row: the next read rejects, not the rest of the batch.
        if (this.#index < this.#buffer.length && signal?.aborted !== true) {
          return Promise.resolve({ done: false, value: this.#buffer[this.#index++] as Row });
        }
        return fetchNext();
      },
      return: () => finish(),
    };
  }

  #run<T>(
    operation: string,
    options: CallOptions | undefined,
    work: (call: CallContext) => Promise<T>,
  ): Promise<T> {
    const spec = { operation, statement: this.#sql, write: !this.#readOnly };
    return this.#host.calls.run(spec, options ?? this.#options, async (call) => {
      try {
        return await work(call);
      } catch (error) {
        // After cancel() or close(), whatever stopped the read (its cancelled RPC, the server) is
        // the closed cursor; not the read's own failure, which closed it (readAll).
        const stopped = this.#stopped.signal.aborted && error !== this.#failure;
        throw this.#failed(stopped ? closedRead(error) : error);
      }
    });
  }

  /** A failed query is cleared at once; the caller gets the error (a 456 mid-query says so). */
  #failed(error: unknown): unknown {
    const failure =
      failureOf(error) === 'wrong-strategy' && this.#open !== undefined
        ? strategyChangedMidQuery(error)
        : error;
    if (!this.#closed) this.#failure = failure;
    void this.close();
    return failure;
  }

  #ensureOpen(call: CallContext): Promise<OpenQuery> {
    if (this.#open !== undefined) return Promise.resolve(this.#open);
    if (this.#closed) {
      return Promise.reject(
        new ConnError('the e6data cursor is closed', { code: 'CONN_E6DATA_CURSOR_CLOSED' }),
      );
    }
    if (this.#opening === undefined) {
      const stop = new AbortController();
      this.#stopOpening = stop;
      // A close() meanwhile settles every read waiting for the query at once.
      // A cancel() settles them at once too; the execute itself is stopped once the cancel is sent.
      this.#opening = Promise.race([
        this.#openQuery(call, stop.signal),
        closedOnAbort(stop.signal),
        closedOnAbort(this.#stopped.signal),
      ]);
    }
    return this.#opening;
  }

  async #openQuery(call: CallContext, stop: AbortSignal): Promise<OpenQuery> {
    this.#host.strategies.queryOpened();
    this.#counted = true;
    try {
      const open = await this.#host.runner.open(this.#sql, call, this.#readOnly, {
        onPrepared: (prepared) => {
          this.#prepared = prepared;
        },
        stop: cancelSourceOf(stop, 'the closed cursor'),
      });
      if (stop.aborted || this.#stopped.signal.aborted) {
        // Closed or cancelled as the query opened: nobody else will clear it.
        this.#host.runner.forget(open);
        throw cursorClosedBeforeItRan();
      }
      this.#open = open;
      this.#rows = rowBuilder(
        open.metadata.columns.map((column) => column.name),
        this.#host.rowMode,
      );
      this.#description = describeColumns(open.metadata.columns);
      return open;
    } catch (error) {
      this.#closed = true;
      this.#release();
      throw error;
    }
  }

  /**
   * Makes sure the buffer holds an unread row, unless the result ended. While the caller reads a
   * batch, the next one is already on its way (one batch ahead, no more: backpressure stays).
   */
  async #fill(call: CallContext, sliceRows = SLICE_ROWS): Promise<void> {
    if (this.#index < this.#buffer.length || this.#ended) return;
    const current = this.#batch;
    if (current !== undefined && current.remaining > 0) {
      this.#decodeSlice(current, sliceRows);
      return;
    }
    this.#batch = undefined;
    const open = await this.#ensureOpen(call);
    if (this.#closed) {
      // Rows are left on the server: "no more rows" would be a silently truncated result.
      throw new ConnError('the e6data cursor was closed before its last row was read', {
        code: 'CONN_E6DATA_CURSOR_CLOSED',
        cause: this.#failure,
      });
    }
    const ahead = this.#ahead;
    this.#ahead = undefined;
    // A batch requested by an earlier call is awaited within this call's deadline and signal.
    // A cancel() or close() stops the batch's RPC too (a batch requested ahead: see #fetchAhead).
    const bytes = await (ahead === undefined
      ? this.#host.runner.fetchBatch(open, eitherCancel(call, this.#stopSource))
      : untilCallEnds(ahead.batch, call));
    // The next batch is asked for before this one is decoded: the server sends it meanwhile.
    const next = bytes.length > 0 ? this.#fetchAhead(open) : undefined;
    // grpc-js writes the request a few promise steps later: one turn of the event loop lets it
    // leave before the decoding below holds the loop (streaming bench: 0.57 of the bare client
    // without this turn, 0.74 with it).
    if (next !== undefined) await new Promise<void>((resolve) => setImmediate(resolve));
    const batch = this.#host.runner.openBatch(bytes);
    if (batch === undefined) {
      this.#ended = true;
      this.#buffer = [];
      this.#index = 0;
      // A zero-row batch ends the result too: the batch asked for after it is not wanted.
      next?.stop.abort();
      this.#ahead = undefined;
      // The rows are over: an announced strategy switch need not wait for close(). The query
      // stays on the server for explainAnalyse() until close() clears it.
      this.#release();
      return;
    }
    this.#batch = batch;
    this.#decodeSlice(batch, sliceRows);
  }

  #decodeSlice(batch: ChunkSlices, rows: number): void {
    this.#buffer = this.#rows(batch.next(rows, this.#scratch));
    this.#index = 0;
  }

  /**
   * Requests the next batch, with its own cancel: the call that asks for it ends before it is read.
   * A cancel() or close() stops it too, also while a read is waiting for it.
   */
  #fetchAhead(open: OpenQuery): { readonly stop: AbortController } {
    const stop = new AbortController();
    const batch = this.#host.runner.fetchBatch(
      open,
      eitherCancel(cancelSourceOf(stop.signal, 'the batch requested ahead'), this.#stopSource),
    );
    // Read later, or dropped by close(): never an unhandled rejection meanwhile.
    batch.catch(() => {});
    const ahead = { batch, stop };
    this.#ahead = ahead;
    return ahead;
  }

  /** The query is over for this client: a pending strategy switch may apply. */
  #release(): void {
    if (!this.#counted) return;
    this.#counted = false;
    this.#host.strategies.queryClosed();
  }
}

function cursorClosedBeforeItRan(): ConnError {
  return new ConnError('the e6data cursor was closed before its query had run', {
    code: 'CONN_E6DATA_CURSOR_CLOSED',
  });
}

/** A read's failure after `cancel()` or `close()`: CONN_E6DATA_CURSOR_CLOSED, with what stopped it as cause. */
function closedRead(error: unknown): unknown {
  if (error instanceof ConnError && error.code === 'CONN_E6DATA_CURSOR_CLOSED') return error;
  return new ConnError('the e6data cursor was closed before its last row was read', {
    code: 'CONN_E6DATA_CURSOR_CLOSED',
    cause: error,
  });
}

/** Rejects with CONN_E6DATA_CURSOR_CLOSED once `stop` aborts (the cursor closed); never resolves. */
function closedOnAbort(stop: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    stop.addEventListener('abort', () => reject(cursorClosedBeforeItRan()), { once: true });
  });
}

/** `promise`, or the call's timeout or abort if that comes first. */
function untilCallEnds<T>(promise: Promise<T>, call: CallContext): Promise<T> {
  if (call.reason !== undefined) return Promise.reject(call.reason);
  return new Promise<T>((resolve, reject) => {
    const onCancel = (reason: ConnError): void => reject(reason);
    call.onCancel(onCancel);
    promise.then(
      (value) => {
        call.offCancel(onCancel);
        resolve(value);
      },
      (error: unknown) => {
        call.offCancel(onCancel);
        reject(error);
      },
    );
  });
}
