import type { CallOptions } from '@conn/core';

/** Options of every statement-running method: `signal` / `timeoutMs` cancel the statement on the server. */
export interface QueryOptions extends CallOptions {
  /** `array` returns each row as an array of values in column order. Default: objects. */
  readonly rowMode?: 'object' | 'array' | undefined;
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
