import { type BindOptions, SqlLiteral, type SqlParam } from './param-types.js';
import { paramsError } from './params-error.js';

/** Negative numbers are parenthesized so `x-?` bound to -1 reads `x-(-1)`, not the comment `x--1`. */
function signed(digits: string): string {
  return digits.startsWith('-') ? `(${digits})` : digits;
}

function stringLiteral(text: string, where: string, options: BindOptions): string {
  // No escape of any SQL dialect carries NUL through every engine and driver layer unchanged.
  if (text.includes('\0')) throw paramsError(`parameter ${where} contains a NUL character`);
  // Without a mode, a backslash could be read as an escape or as itself: only the engine knows.
  if (options.stringEscape === undefined && text.includes('\\')) {
    throw paramsError(
      `parameter ${where} contains a backslash: set stringEscape to 'standard' or 'backslash' (how the engine reads strings)`,
    );
  }
  const quoted = text.replaceAll("'", "''");
  return `'${options.stringEscape === 'backslash' ? quoted.replaceAll('\\', '\\\\') : quoted}'`;
}

/** `TIMESTAMP 'YYYY-MM-DD HH:MM:SS.mmm'` in UTC; years outside 0..9999 as ISO writes them (`+010000`). */
function timestampLiteral(date: Date, where: string): string {
  if (Number.isNaN(date.getTime())) throw paramsError(`parameter ${where} is an invalid Date`);
  const iso = date.toISOString();
  return `TIMESTAMP '${iso.slice(0, -1).replace('T', ' ')}'`;
}

function bytesLiteral(bytes: Uint8Array, options: BindOptions): string {
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return options.bytes === 'from-hex' ? `from_hex('${hex}')` : `X'${hex}'`;
}

function numberLiteral(value: number, where: string): string {
  if (!Number.isFinite(value)) throw paramsError(`parameter ${where} is not a finite number`);
  // Integers as digits (exact in any integer type). Others in exponent form: shortest digits that
  // read back as the same double, and typed DOUBLE by engines that read `0.1` as a DECIMAL
  // (DuckDB, Trino), whose DECIMAL-to-DOUBLE cast can be off by one unit in the last place.
  return signed(Number.isInteger(value) ? String(value) : value.toExponential());
}

/**
 * Writes one value as a SQL literal. `where` names the placeholder (`?2`, `$1`, `:id`) for errors;
 * `seen` holds the arrays being written, to refuse a cycle instead of recursing forever.
 * @throws ConfigError `CONN_E6DATA_PARAMS` for a value no literal can carry.
 */
export function toSqlLiteral(
  value: SqlParam,
  where: string,
  options: BindOptions,
  seen: Set<unknown> = new Set(),
): string {
  if (value === null || value === undefined) return 'NULL';
  switch (typeof value) {
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'number':
      return numberLiteral(value, where);
    case 'bigint':
      return signed(value.toString());
    case 'string':
      return stringLiteral(value, where, options);
  }
  if (value instanceof SqlLiteral) return value.text;
  if (value instanceof Date) return timestampLiteral(value, where);
  if (value instanceof Uint8Array) return bytesLiteral(value, options);
  if (Array.isArray(value)) {
    if (seen.has(value)) throw paramsError(`parameter ${where} is an array that contains itself`);
    seen.add(value);
    const items = value.map((item: SqlParam) => toSqlLiteral(item, where, options, seen));
    seen.delete(value);
    return `ARRAY[${items.join(', ')}]`;
  }
  throw paramsError(`parameter ${where} has an unsupported type (${typeof value})`);
}
