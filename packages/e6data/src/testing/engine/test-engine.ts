import type { ResultMetadata } from '../../protocol/metadata.js';

/** Options of one statement run by a {@link TestEngine}. */
export interface ExecuteOptions {
  /** The schema (e6data "database") the statement runs in; unqualified names resolve there. */
  readonly schema: string;
  /** Aborting interrupts the running statement; `execute` then rejects with an `AbortError`. */
  readonly signal?: AbortSignal;
}

/** The SQL engine behind the test server: runs statements and hands out their rows as result batches. */
export interface TestEngine {
  /** Runs `sql` (DuckDB dialect) to completion in `schema`; rows are kept (materialized) for fetching. */
  execute(sql: string, options: ExecuteOptions): Promise<EngineResult>;
  listSchemas(): Promise<string[]>;
  listTables(schema: string): Promise<string[]>;
  /** Columns with e6data type names: `int`, `long`, `decimal(7,2)`, `varchar`, `array<int>`, ... */
  listColumns(schema: string, table: string): Promise<{ name: string; type: string }[]>;
  close(): Promise<void>;
}

/** Timings of one statement in milliseconds, as the engine reports them. */
export interface EngineTimings {
  readonly parsingMs: number;
  readonly queueingMs: number;
  readonly executionMs: number;
}

/** The materialized result of one statement. */
export interface EngineResult {
  /** Column names and e6data type names; `rowCount` is the total number of rows. */
  readonly metadata: ResultMetadata;
  /** The next batch as Thrift `Chunk` bytes, `undefined` after the last (never a zero-row chunk). */
  nextBatch(): Promise<Uint8Array | undefined>;
  readonly timings: EngineTimings;
  /** Releases the rows; later `nextBatch` calls give `undefined`. */
  close(): Promise<void>;
}

/** A failed statement: `message` is the engine's text, shown to the client as the server's message. */
export class EngineQueryError extends Error {
  override readonly name = 'EngineQueryError';
}

/** The rejection of a statement whose `signal` was aborted (same `name` as a DOM `AbortError`). */
export function abortError(signal: AbortSignal): Error {
  const error = new Error('The statement was aborted', { cause: signal.reason });
  error.name = 'AbortError';
  return error;
}
