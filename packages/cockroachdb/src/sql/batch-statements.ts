import { ConfigError } from '@conn/core';
import { type ObjectName, quoteIdentifier, quoteObjectName } from '../identifiers.js';
import { renderColumns } from './select-statement.js';
import { ParameterList, type Row, type Statement } from './statement.js';
import type { Returning } from './write-statements.js';

/** The wire protocol counts bind parameters in an unsigned 16-bit field. */
export const MAX_BIND_PARAMETERS = 65_535;

/** Default rows per statement of `batchInsert`/`batchUpdate` (CockroachDB advises 10..1000). */
export const DEFAULT_BATCH_ROWS = 1_000;

/** Rows per statement so that rows × columns never exceeds the bind-parameter limit. */
export function rowsPerStatement(columnCount: number, requested: number = DEFAULT_BATCH_ROWS): number {
  return Math.max(
    1,
    Math.min(checkChunkSize(requested), Math.floor(MAX_BIND_PARAMETERS / Math.max(1, columnCount))),
  );
}

/** Validates the `chunkSize` option: a positive integer (default 1000). */
export function checkChunkSize(requested: number = DEFAULT_BATCH_ROWS): number {
  if (!Number.isSafeInteger(requested) || requested < 1) {
    throw new ConfigError(`chunkSize must be a positive integer, got ${String(requested)}`, {
      field: 'chunkSize',
    });
  }
  return requested;
}

export function checkRecords(records: readonly Row[]): void {
  if (!Array.isArray(records))
    throw new ConfigError('records must be an array of objects', { field: 'records' });
  records.forEach((record, index) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new ConfigError(`records[${index}] must be an object of column: value`, {
        field: `records[${index}]`,
      });
    }
  });
}

/** Every column any record names, in first-seen order. */
export function unionColumns(records: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const record of records) for (const column of Object.keys(record)) seen.add(column);
  return [...seen];
}

/** What every batch INSERT builder needs of its records: their columns, quoted, and the RETURNING tail. */
export interface InsertShape {
  readonly columns: readonly string[];
  readonly quoted: readonly string[];
  readonly tail: string;
}

/**
 * Checks batchInsert's records (objects, at least one column) and returns their columns in
 * first-seen order; `undefined` when there are none.
 */
export function insertShape(
  records: readonly Row[],
  returning: Returning | false | undefined,
): InsertShape | undefined {
  checkRecords(records);
  if (records.length === 0) return undefined;
  const columns = unionColumns(records);
  if (columns.length === 0)
    throw new ConfigError('batchInsert records have no columns', { field: 'records' });
  const quoted = columns.map((column) => quoteIdentifier(column, 'record column'));
  const tail = returning === false ? '' : ` RETURNING ${renderColumns(returning ?? undefined, 'returning')}`;
  return { columns, quoted, tail };
}

/**
 * Multi-row INSERT statements for `records`, chunked by `chunkSize` and the bind-parameter limit.
 * A column a record does not have gets `DEFAULT` (not NULL), as a single-row insert would.
 */
export function batchInsertStatements(
  table: ObjectName,
  records: readonly Row[],
  options: { chunkSize?: number | undefined; returning?: Returning | false } = {},
): Statement[] {
  const shape = insertShape(records, options.returning);
  if (shape === undefined) return [];
  const { columns, quoted, tail } = shape;
  const target = `INSERT INTO ${quoteObjectName(table)} (${quoted.join(', ')}) VALUES `;
  const perStatement = rowsPerStatement(columns.length, options.chunkSize);
  const statements: Statement[] = [];
  for (let start = 0; start < records.length; start += perStatement) {
    const params = new ParameterList();
    const rows: string[] = [];
    const end = Math.min(records.length, start + perStatement);
    for (let index = start; index < end; index++) {
      const record = records[index] as Row;
      const cells = columns.map((column) => {
        if (!Object.hasOwn(record, column)) return 'DEFAULT';
        const value = record[column];
        if (value === undefined) {
          throw new ConfigError(`records[${index}].${column} is undefined; use null, or leave the key out`, {
            field: `records[${index}].${column}`,
          });
        }
        return params.add(value);
      });
      rows.push(`(${cells.join(', ')})`);
    }
    statements.push({ text: target + rows.join(', ') + tail, values: params.values });
  }
  return statements;
}

/** Column name to SQL type (as `format_type` renders it), used to type the VALUES of a batch update. */
export type ColumnTypes = ReadonlyMap<string, string>;

// A type name as format_type renders it: words or quoted identifiers joined by spaces or dots, an
// optional (n) or (p,s) modifier, then `[]`s. Nothing else can reach the SQL text.
const TYPE_WORD = '(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"\\u0000]|"")+")';
const TYPE_NAME = new RegExp(`^${TYPE_WORD}(?:[ .]${TYPE_WORD}|\\(\\d+(?:, ?\\d+)?\\))*(?:\\[\\])*$`);

// Without a length, `character` and `bit` mean length 1, so a cast to them silently truncates;
// `bpchar` and `"bit"` keep the value whole and the column's own length is checked on assignment.
const UNBOUNDED_SPELLING: ReadonlyMap<string, string> = new Map([
  ['character', 'bpchar'],
  ['bit', '"bit"'],
]);

/**
 * The SQL text of a column type to cast to: checked against the shape of a type name (a
 * `ConfigError` otherwise, so no SQL can ride in on it) and spelled so the cast never truncates.
 */
export function castTypeName(type: string, column: string): string {
  if (typeof type !== 'string' || !TYPE_NAME.test(type)) {
    throw new ConfigError(`column ${column} has a type name that is not a plain SQL type`, { field: column });
  }
  const base = type.replace(/(?:\[\])+$/, '');
  const spelled = UNBOUNDED_SPELLING.get(base);
  return spelled === undefined ? type : spelled + type.slice(base.length);
}

/** Records of a batch update that name the same columns: `[key, ...others sorted]` and their cast types. */
export interface UpdateGroup {
  readonly columns: readonly string[];
  readonly casts: readonly string[];
  readonly records: Row[];
}

/**
 * Validates the records of a batch update and groups them by the columns they name, in order of
 * first appearance. Refuses missing or repeated keys (which one would win is undefined), key-only
 * records, unknown columns and undefined values.
 */
export function groupUpdateRecords(
  records: readonly Row[],
  keyColumn: string,
  types: ColumnTypes,
): UpdateGroup[] {
  quoteIdentifier(keyColumn, 'keyColumn');
  checkRecords(records);
  const groups = new Map<string, Row[]>();
  const seenKeys = new Set<string>();
  records.forEach((record, index) => {
    if (!Object.hasOwn(record, keyColumn) || record[keyColumn] === undefined || record[keyColumn] === null) {
      throw new ConfigError(`records[${index}] has no value for the key column ${keyColumn}`, {
        field: `records[${index}]`,
      });
    }
    const keyText = JSON.stringify(String(record[keyColumn]));
    if (seenKeys.has(keyText)) {
      throw new ConfigError(`records[${index}] repeats key ${keyText}`, { field: `records[${index}]` });
    }
    seenKeys.add(keyText);
    const columns = Object.keys(record).filter((column) => column !== keyColumn);
    if (columns.length === 0) {
      throw new ConfigError(`records[${index}] has no column to update besides ${keyColumn}`, {
        field: `records[${index}]`,
      });
    }
    for (const column of columns) {
      if (record[column] === undefined) {
        throw new ConfigError(`records[${index}].${column} is undefined; use null`, { field: column });
      }
    }
    const signature = JSON.stringify(columns.toSorted());
    const group = groups.get(signature);
    if (group === undefined) groups.set(signature, [record]);
    else group.push(record);
  });
  return [...groups.values()].map((group) => {
    const columns = [
      keyColumn,
      ...Object.keys(group[0] as Row)
        .filter((column) => column !== keyColumn)
        .toSorted(),
    ];
    const casts = columns.map((column) => {
      const type = types.get(column);
      if (type === undefined)
        throw new ConfigError(`column ${column} does not exist in the table`, { field: column });
      return castTypeName(type, column);
    });
    return { columns, casts, records: group };
  });
}

/** The SQL of a batch update: `SET c = "__batch".c, …` and the join on the key, around a row source. */
export function updateFromText(table: ObjectName, columns: readonly string[], source: string): string {
  const quoted = columns.map((column) => quoteIdentifier(column, 'record column'));
  const key = quoted[0] as string;
  const set = quoted.slice(1).map((column) => `${column} = "__batch".${column}`);
  return (
    `UPDATE ${quoteObjectName(table)} AS "__target" SET ${set.join(', ')} FROM ${source} AS "__batch" (${quoted.join(', ')}) ` +
    `WHERE "__target".${key} = "__batch".${key} RETURNING "__target".*`
  );
}

/**
 * `UPDATE t SET c = v.c FROM (VALUES …) AS v (…) WHERE t.key = v.key RETURNING t.*`, one statement
 * per chunk of records sharing the same columns. Values are cast to the table's column types so the
 * server can compare and assign them. A key with no row updates nothing and returns nothing.
 */
export function batchUpdateStatements(
  table: ObjectName,
  records: readonly Row[],
  keyColumn: string,
  types: ColumnTypes,
  options: { chunkSize?: number | undefined } = {},
): Statement[] {
  return groupUpdateRecords(records, keyColumn, types).flatMap((group) =>
    valuesUpdateStatements(table, group, options.chunkSize),
  );
}

/** The VALUES statements of one group of a batch update. */
export function valuesUpdateStatements(
  table: ObjectName,
  group: UpdateGroup,
  chunkSize: number | undefined,
): Statement[] {
  const { columns, casts } = group;
  const perStatement = rowsPerStatement(columns.length, chunkSize);
  const statements: Statement[] = [];
  for (let start = 0; start < group.records.length; start += perStatement) {
    const params = new ParameterList();
    const rows = group.records.slice(start, start + perStatement).map((record) => {
      const cells = columns.map((column, i) => `${params.add(record[column])}::${casts[i]}`);
      return `(${cells.join(', ')})`;
    });
    statements.push({
      text: updateFromText(table, columns, `(VALUES ${rows.join(', ')})`),
      values: params.values,
    });
  }
  return statements;
}

/** How `batchInsert` sends its rows. */
export type InsertPath = 'copy' | 'unnest' | 'values';

/**
 * The one place that picks how `batchInsert` sends rows. COPY, the fastest way in, when no rows
 * are returned and every record names the same columns with no `undefined` value (COPY has no
 * DEFAULT for a missing column; an `undefined` keeps its ConfigError from the statement builders).
 * Otherwise unnest (one array parameter per column), which falls back to VALUES per chunk by itself
 * where arrays cannot carry the values.
 */
export function chooseInsertPath(request: {
  readonly returning: boolean;
  readonly records: readonly Row[];
}): InsertPath {
  const { records } = request;
  if (request.returning || !Array.isArray(records) || records.length === 0) return 'unnest';
  return sameColumnsEverywhere(records) ? 'copy' : 'unnest';
}

/** True when every record is a plain object naming exactly the first record's columns, none undefined. */
function sameColumnsEverywhere(records: readonly Row[]): boolean {
  const first = records[0];
  if (first === null || typeof first !== 'object' || Array.isArray(first)) return false;
  const columns = Object.keys(first);
  if (columns.length === 0) return false;
  for (const record of records) {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) return false;
    let named = 0;
    for (const column in record) {
      if (!Object.hasOwn(record, column)) continue;
      if (!Object.hasOwn(first, column) || record[column] === undefined) return false;
      named++;
    }
    if (named !== columns.length) return false;
  }
  return true;
}
