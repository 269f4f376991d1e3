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

/**
 * Options of `stream()`. `timeoutMs` and `signal` cover the whole stream and cancel the statement
 * on the server; the loop then rejects with `TimeoutError` / `AbortError`.
 */
export interface StreamOptions extends QueryOptions {
  /**
   * Rows fetched per round trip through the portal, exactly. Unset, the first read fetches the
   * client's `streamBatchSize` (1000) and each later read doubles, up to 4096 rows and about
   * 4 MiB of rows on the wire (sized from the rows just read): few round trips for small rows,
   * bounded memory for wide ones. Not allowed with `portal: false`.
   */
  readonly batchSize?: number | undefined;
  /**
   * Default true: rows are read through a portal, one round trip per batch, and only while the
   * loop asks for more.
   *
   * `false` sends the statement once and lets the server send the whole result, as fast as the
   * loop takes it: while the loop is behind (10 000 rows or 4 MiB queued), the socket is not read,
   * so the server waits. No round trip per batch, so faster for large results. Leaving the loop
   * early cancels the statement on the server and reads to its end before the session is reused
   * (a session that does not stop within 5 s is closed instead). Only outside a transaction: on a
   * transaction's `stream()` it is a `ConfigError` (field `portal`), since an early exit there
   * would cancel a statement of the transaction and abort it.
   */
  readonly portal?: boolean | undefined;
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

/**
 * The options a method was given, `{}` for `null`: untyped callers pass `null` for "no options",
 * which would otherwise be a TypeError deep inside the call.
 */
export function optionsOf<O extends object>(options: O | null | undefined): O {
  return options ?? ({} as O);
}
