import { ConfigError } from '@conn/core';
import { prepareValue } from '../pg-values.js';

/**
 * PostgreSQL's COPY text format (docs/protocols/cockroachdb.md): one row per line, columns split by
 * a tab, `\N` for NULL, and backslash escapes for the characters that would break that layout.
 */

/** The NULL marker of the text format. */
export const COPY_NULL = '\\N';

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const ESCAPED: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Escapes one column's text so it stays one field on one line (an empty string stays empty, unlike NULL). */
export function escapeCopyText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(ESCAPES, (char) => ESCAPED[char] as string);
}

/**
 * One value as a COPY text field. Strings, numbers, bigints and booleans are written directly;
 * bytes as bytea hex; Dates, arrays and objects through pg's own parameter serialiser, so COPY and
 * a bound parameter store the same thing.
 */
export function encodeCopyValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return escapeCopyText(value);
    case 'number':
      // String() gives NaN, Infinity and -Infinity as PostgreSQL spells them; -0 keeps its sign.
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 't' : 'f';
    case 'undefined':
      return COPY_NULL;
    case 'function':
    case 'symbol':
      throw new ConfigError(`a ${typeof value} cannot be copied into a column`, { field: 'rows' });
    default:
      break;
  }
  if (value === null) return COPY_NULL;
  if (ArrayBuffer.isView(value)) return `\\\\x${bytesOf(value).toString('hex')}`;
  const prepared = preparedValue(value);
  if (prepared === null) return COPY_NULL;
  if (typeof prepared !== 'string') return `\\\\x${prepared.toString('hex')}`;
  return escapeCopyText(prepared);
}

/** pg's text form of a value; one it cannot serialise (a cyclic object, a bigint in JSON) is a ConfigError. */
function preparedValue(value: unknown): string | Buffer | null {
  try {
    return prepareValue(value);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`a value could not be copied: ${text}`, { field: 'rows', cause: error });
  }
}

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** One row (values in column order) as a COPY text line, newline included. */
export function encodeCopyRow(values: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += '\t';
    line += encodeCopyValue(values[i]);
  }
  return `${line}\n`;
}

/** The values of one row, in `columns` order: an array as given, an object by its keys. */
export function rowValues(row: unknown, columns: readonly string[], index: number): readonly unknown[] {
  if (Array.isArray(row)) {
    if (row.length !== columns.length) {
      throw new ConfigError(`row ${index + 1} has ${row.length} values for ${columns.length} columns`, {
        field: 'rows',
      });
    }
    return row;
  }
  if (row === null || typeof row !== 'object') {
    throw new ConfigError(`row ${index + 1} must be an array or an object`, { field: 'rows' });
  }
  const record = row as Record<string, unknown>;
  return columns.map((column) => record[column]);
}

const UNESCAPED: Readonly<Record<string, string>> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** One field of a COPY text line back to its text, or null for `\N`. */
export function decodeCopyField(field: string): string | null {
  if (field === COPY_NULL) return null;
  if (!field.includes('\\')) return field;
  let text = '';
  for (let i = 0; i < field.length; i++) {
    const char = field[i] as string;
    if (char !== '\\' || i + 1 >= field.length) {
      text += char;
      continue;
    }
    const next = field[++i] as string;
    const octal = /^[0-7]{1,3}/.exec(field.slice(i, i + 3));
    const hex = next === 'x' ? /^[0-9a-fA-F]{1,2}/.exec(field.slice(i + 1, i + 3)) : null;
    if (octal !== null) {
      text += String.fromCharCode(Number.parseInt(octal[0], 8));
      i += octal[0].length - 1;
    } else if (hex !== null) {
      text += String.fromCharCode(Number.parseInt(hex[0], 16));
      i += hex[0].length;
    } else {
      text += UNESCAPED[next] ?? next;
    }
  }
  return text;
}

/** One COPY text line (without its newline) split into decoded fields. */
export function decodeCopyLine(line: string): (string | null)[] {
  return line.split('\t').map(decodeCopyField);
}
