/**
 * A value inserted into SQL exactly as written: the caller vouches that it is valid and safe.
 * Made by {@link sqlLiteral}.
 */
export class SqlLiteral {
  /** The SQL text inserted in place of the placeholder. */
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** A value a placeholder can be bound to. Arrays become `ARRAY[…]`, nested as deep as given. */
export type SqlParam =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | Date
  | Uint8Array
  | readonly SqlParam[]
  | SqlLiteral;

/** Positional values (`?` or `$1…$n`) as an array, or named values (`:name`) as an object. */
export type SqlParams = readonly SqlParam[] | Readonly<Record<string, SqlParam>>;

/** How values are written as SQL literals; the defaults suit a standard-SQL engine. */
export interface BindOptions {
  /**
   * `'standard'`: strings double their single quotes and keep backslashes as they are.
   * `'backslash'`: for engines that read `\` as an escape character in strings; backslashes are
   * doubled as well. Choosing the mode the engine does not use makes hostile strings unsafe, so
   * when neither is given (default) a string holding a backslash is refused with
   * `CONN_E6DATA_PARAMS`; every other string is written the same way in both modes.
   */
  readonly stringEscape?: 'standard' | 'backslash' | undefined;
  /**
   * `'x-literal'` (default): bytes as the standard `X'0aff'` (Presto/Trino dialects).
   * `'from-hex'`: `from_hex('0aff')`, for engines (DuckDB) that read `X'…'` as something else.
   */
  readonly bytes?: 'x-literal' | 'from-hex' | undefined;
}

/**
 * Marks `text` to be inserted as written, e.g. `sqlLiteral("INTERVAL '1' DAY")`.
 * Never pass text that came from a user: it is not quoted or checked.
 */
export function sqlLiteral(text: string): SqlLiteral {
  return new SqlLiteral(String(text));
}
