import { ConfigError } from '@conn/core';
import { type ObjectName, quoteObjectName } from '../identifiers.js';
import {
  batchInsertStatements,
  type ColumnTypes,
  castTypeName,
  checkChunkSize,
  groupUpdateRecords,
  insertShape,
  type UpdateGroup,
  updateFromText,
  valuesUpdateStatements,
} from './batch-statements.js';
import type { Row, Statement } from './statement.js';
import type { Returning } from './write-statements.js';

/**
 * Estimated bytes of bound values per statement, at most (one row may exceed it alone). Keeps each
 * message to the server, and the memory pg needs to serialise it, bounded whatever the row width.
 */
export const MAX_STATEMENT_BYTES: number = 8 * 1024 * 1024;

/** Limits of one unnest statement. */
export interface UnnestLimits {
  /** Rows per statement, at most. Default 1000. */
  readonly chunkSize?: number | undefined;
  /** Estimated parameter bytes per statement, at most. Default {@link MAX_STATEMENT_BYTES}. */
  readonly maxBytes?: number | undefined;
}

/**
 * Multi-row INSERTs as `INSERT INTO t (a, b) SELECT * FROM unnest($1::ta[], $2::tb[])`: one array
 * parameter per column, whatever the number of rows. Chunked by `chunkSize` rows and by
 * `maxBytes`. A chunk goes through the VALUES builder instead (same result, more parameters) when
 * unnest cannot carry it as is: its records do not all name the same columns (a missing column must
 * get DEFAULT, which an array cannot say), or a column is unknown to the catalog (the server then
 * reports it as it does today), or a column or value cannot ride in a one-dimensional array.
 */
export function unnestInsertStatements(
  table: ObjectName,
  records: readonly Row[],
  types: ColumnTypes,
  options: UnnestLimits & { returning?: Returning | false } = {},
): Statement[] {
  const shape = insertShape(records, options.returning);
  if (shape === undefined) return [];
  const { columns, quoted, tail } = shape;
  records.forEach((record, index) => {
    for (const column of Object.keys(record)) {
      if (record[column] === undefined) {
        throw new ConfigError(`records[${index}].${column} is undefined; use null, or leave the key out`, {
          field: `records[${index}].${column}`,
        });
      }
    }
  });
  const returning = options.returning;
  const casts = columns.map((column) => {
    const type = types.get(column);
    return type === undefined ? undefined : castTypeName(type, column);
  });
  const unnestable = casts.every((cast) => cast !== undefined && elementCast(cast) !== undefined);
  const head = `INSERT INTO ${quoteObjectName(table)} (${quoted.join(', ')}) SELECT * FROM unnest(`;
  const statements: Statement[] = [];
  for (const [start, end] of chunks(records, columns, options)) {
    const chunk = records.slice(start, end);
    const arrays = unnestable ? columnArrays(chunk, columns, casts as string[], true) : undefined;
    if (arrays === undefined) {
      // The VALUES builder never splits a chunk differently than by its own parameter cap.
      statements.push(...batchInsertStatements(table, chunk, { chunkSize: chunk.length, returning }));
      continue;
    }
    const params = casts.map((cast, i) => `$${i + 1}::${cast}[]`);
    statements.push({ text: `${head}${params.join(', ')})${tail}`, values: arrays });
  }
  return statements;
}

/**
 * `UPDATE t AS "__target" SET a = "__batch".a … FROM unnest($1::tk[], $2::ta[]) AS "__batch" (k, a)
 * WHERE "__target".k = "__batch".k RETURNING "__target".*`, one statement per chunk of records that
 * name the same columns. Same checks and meaning as the VALUES builder (a key with no row updates
 * nothing and is not returned); a group with an array-typed column, or a value an array cannot
 * carry, uses the VALUES builder.
 */
export function unnestUpdateStatements(
  table: ObjectName,
  records: readonly Row[],
  keyColumn: string,
  types: ColumnTypes,
  options: UnnestLimits = {},
): Statement[] {
  const groups = groupUpdateRecords(records, keyColumn, types);
  const statements: Statement[] = [];
  for (const group of groups) {
    const unnestable = group.casts.every((cast) => elementCast(cast) !== undefined);
    for (const [start, end] of chunks(group.records, group.columns, options)) {
      const chunk = group.records.slice(start, end);
      const arrays = unnestable ? columnArrays(chunk, group.columns, group.casts, false) : undefined;
      if (arrays === undefined) {
        const part: UpdateGroup = { ...group, records: chunk };
        statements.push(...valuesUpdateStatements(table, part, chunk.length));
        continue;
      }
      const params = group.casts.map((cast, i) => `$${i + 1}::${cast}[]`);
      statements.push({
        text: updateFromText(table, group.columns, `unnest(${params.join(', ')})`),
        values: arrays,
      });
    }
  }
  return statements;
}

/**
 * The element type to build an array parameter of, or undefined when the column is itself an
 * array: unnest flattens a multi-dimensional array into single elements, so an array of arrays
 * cannot give one array per row. Such columns go through the VALUES builder.
 */
function elementCast(cast: string): string | undefined {
  return cast.endsWith('[]') ? undefined : cast;
}

/**
 * One JS array per column, which pg sends as an array literal (NULLs included) with the same
 * text per element it would send for the value alone. Undefined when a value would not arrive
 * the same way in an array: a JS array (pg would nest it, and unnest flattens), or bytes bound to
 * a column that is not bytea (alone they go as raw binary, in an array as `\x…` text).
 */
function columnArrays(
  records: readonly Row[],
  columns: readonly string[],
  casts: readonly string[],
  missingIsDefault: boolean,
): unknown[][] | undefined {
  const arrays: unknown[][] = columns.map(() => new Array(records.length));
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c] as string;
    const isBytea = casts[c] === 'bytea';
    const array = arrays[c] as unknown[];
    for (let r = 0; r < records.length; r++) {
      const record = records[r] as Row;
      // An insert record without the column needs DEFAULT, which only VALUES can say.
      if (missingIsDefault && !Object.hasOwn(record, column)) return undefined;
      const value = record[column];
      if (Array.isArray(value)) return undefined;
      if (ArrayBuffer.isView(value) && !isBytea) return undefined;
      array[r] = isPlainJson(value) ? jsonText(value) : value;
    }
  }
  return arrays;
}

/** An object pg would send as JSON text: stringified here once, exactly as pg would. */
function isPlainJson(value: unknown): value is object {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Date) &&
    !ArrayBuffer.isView(value) &&
    typeof (value as { toPostgres?: unknown }).toPostgres !== 'function'
  );
}

/**
 * The JSON text pg itself would send for `value` (undefined for a `toJSON` that returns nothing),
 * with its failure (a cycle, a bigint inside) reported as pg's would be: a `ConfigError`.
 */
function jsonText(value: object): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new ConfigError(`a bound value could not be sent: ${(error as Error).message}`, {
      field: 'values',
      cause: error,
    });
  }
}

/** [start, end) ranges of at most `chunkSize` rows and (unless one row alone exceeds it) `maxBytes`. */
function chunks(
  records: readonly Row[],
  columns: readonly string[],
  limits: UnnestLimits,
): Array<[number, number]> {
  const rowLimit = checkChunkSize(limits.chunkSize);
  const byteLimit = limits.maxBytes ?? MAX_STATEMENT_BYTES;
  const ranges: Array<[number, number]> = [];
  let start = 0;
  let bytes = 0;
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as Row;
    let rowBytes = 0;
    for (const column of columns) rowBytes += estimatedBytes(record[column]);
    if (index > start && (index - start >= rowLimit || bytes + rowBytes > byteLimit)) {
      ranges.push([start, index]);
      start = index;
      bytes = 0;
    }
    bytes += rowBytes;
  }
  ranges.push([start, records.length]);
  return ranges;
}

/** Bytes a value takes in an array literal, roughly: its text, quotes and separator. */
export function estimatedBytes(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return Buffer.byteLength(value) + 3;
    case 'number':
    case 'bigint':
    case 'boolean':
      return 24;
    case 'object':
      if (value === null) return 5;
      if (ArrayBuffer.isView(value)) return value.byteLength * 2 + 5;
      if (value instanceof Date) return 34;
      if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + estimatedBytes(item), 2);
      if (isPlainJson(value)) return (jsonText(value)?.length ?? 4) + 3;
      return 64;
    default:
      return 8;
  }
}
