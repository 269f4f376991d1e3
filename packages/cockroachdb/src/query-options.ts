import type { CallContext, CallOptions } from '@conn/core';

/** Options of every statement-running method: `signal` / `timeoutMs` cancel the statement on the server. */
export interface QueryOptions extends CallOptions {
  /** `array` returns each row as an array of values in column order. Default: objects. */
  readonly rowMode?: 'object' | 'array' | undefined;
  /**
   * Default true: without parameters the text goes over the simple query protocol and may hold
   * several statements separated by `;` (see `execute()`). `false` refuses such text before anything
   * is sent, with a `ConfigError` coded `CONN_COCKROACHDB_MULTIPLE_STATEMENTS`, and sends the rest
   * over the extended protocol, where the server refuses a second statement too: a safety net for
   * text assembled at run time (values still belong in parameters).
   */
  readonly multipleStatements?: boolean | undefined;
}

/** Options of `stream()`. */
export interface StreamOptions extends QueryOptions {
  /** Rows fetched per round trip. Default: the client's `streamBatchSize` (1000). */
  readonly batchSize?: number | undefined;
}

/** What `execute()` returns. */
export interface ExecuteResult<T = Record<string, unknown>> {
  /** The rows the statement returned (empty for statements without rows). */
  readonly rows: T[];
  /** Rows returned or affected, from the server's command tag; `null` for commands without a count. */
  readonly rowCount: number | null;
  /** The command tag's verb, e.g. `INSERT`, `SELECT`, `CREATE TABLE`. */
  readonly command: string;
  /** Column names and type OIDs, in order. */
  readonly fields: readonly { readonly name: string; readonly dataTypeID: number }[];
}

/**
 * What the client's call path adds to a statement's options: the call it belongs to (one deadline
 * for everything the public method does) and whether the caller set that deadline. @internal
 */
export interface InCall {
  readonly call?: CallContext | undefined;
  /** The caller passed `signal` or `timeoutMs`: at the deadline statements are cancelled on the server. */
  readonly ownDeadline?: boolean | undefined;
}

/** What a public method tells the call path about itself. @internal */
export interface InCallSpec {
  /** The statement, masked before it is published. */
  readonly statement?: string | undefined;
  /** Changes data: a timeout or abort after sending says it may have executed. */
  readonly write: boolean;
  /** Runs the caller's callbacks, whose own errors pass through unchanged. */
  readonly runsCallerCode?: boolean;
}
