import { type CallOptions, ConfigError, QueryError } from '@conn/core';
import type { CockroachConnection } from '../connection.js';

/** Options of `copyFrom`. */
export interface CopyFromOptions extends CallOptions {
  /**
   * `rows` (default): each item is one row, an array in `columns` order or an object keyed by
   * column, encoded by the driver. `raw`: each item is ready COPY text-format data (a string or
   * bytes; chunks need not end at a line).
   */
  readonly format?: 'rows' | 'raw' | undefined;
}

/** Options of `copyTo`. */
export interface CopyToOptions extends CallOptions {
  /**
   * `rows` (default): objects keyed by column name, values parsed as queries parse them. `raw`:
   * the COPY text-format data as the server sends it, in `Buffer` chunks.
   */
  readonly format?: 'rows' | 'raw' | undefined;
}

/**
 * Refuses a `format` other than `rows` or `raw` before anything is sent: a misspelt or unsupported
 * one (`'csv'`, `'binary'`) would otherwise be read as the default and its data misread.
 */
export function checkCopyFormat(format: unknown): void {
  if (format === undefined || format === 'rows' || format === 'raw') return;
  throw new ConfigError(`format must be 'rows' or 'raw', got ${describeFormat(format)}`, { field: 'format' });
}

function describeFormat(format: unknown): string {
  return typeof format === 'string' ? `'${format.slice(0, 40)}'` : typeof format;
}

/** What `copyFrom` returns. */
export interface CopyResult {
  /** Rows the server stored (its `COPY n` count). */
  readonly rowCount: number;
}

/** Code of the error raised when a COPY is started while other statements run on the same session. */
export const SESSION_BUSY_CODE = 'CONN_COCKROACHDB_SESSION_BUSY';

/**
 * Refuses a COPY on a session with statements still unanswered (a transaction used concurrently):
 * a COPY owns the session's wire until it ends.
 */
export function checkSessionIdle(connection: CockroachConnection): void {
  if (connection.busy) {
    throw new QueryError('a COPY needs the session to itself: wait for the statements running on it', {
      code: SESSION_BUSY_CODE,
    });
  }
}
