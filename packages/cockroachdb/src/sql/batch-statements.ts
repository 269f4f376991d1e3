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
  if (!Number.isSafeInteger(requested) || requested < 1) {
    throw new ConfigError(`chunkSize must be a positive integer, got ${String(requested)}`, {
      field: 'chunkSize',
    });
  }
  return Math.max(1, Math.min(requested, Math.floor(MAX_BIND_PARAMETERS / Math.max(1, columnCount))));
}

function checkRecords(records: readonly Row[]): void {
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
function unionColumns(records: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const record of records) for (const column of Object.keys(record)) seen.add(column);
  return [...seen];
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
  checkRecords(records);
  if (records.length === 0) return [];
  const columns = unionColumns(records);
  if (columns.length === 0)
    throw new ConfigError('batchInsert records have no columns', { field: 'records' });
  const quoted = columns.map((column) => quoteIdentifier(column, 'record column'));
  const target = `INSERT INTO ${quoteObjectName(table)} (${quoted.join(', ')}) VALUES `;
  const tail =
    options.returning === false
      ? ''
      : ` RETURNING ${renderColumns(options.returning ?? undefined, 'returning')}`;
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

/**
 * `UPDATE t SET c = v.c FROM (VALUES …) AS v (…) WHERE t.key = v.key RETURNING t.*`, one statement
 * per chunk of records sharing the same columns. Values are cast to the table's column types so the
 * server can compare and assign them. Duplicate keys are refused: which one would win is undefined.
 */
export function batchUpdateStatements(
  table: ObjectName,
  records: readonly Row[],
  keyColumn: string,
  types: ColumnTypes,
  options: { chunkSize?: number | undefined } = {},
): Statement[] {
  checkRecords(records);
  const key = quoteIdentifier(keyColumn, 'keyColumn');
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
    const signature = JSON.stringify(columns.toSorted());
    const group = groups.get(signature);
    if (group === undefined) groups.set(signature, [record]);
    else group.push(record);
  });

  const statements: Statement[] = [];
  const target = quoteObjectName(table);
  for (const group of groups.values()) {
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
      return type;
    });
    const quoted = columns.map((column) => quoteIdentifier(column, 'record column'));
    const set = quoted.slice(1).map((column) => `${column} = "__batch".${column}`);
    const perStatement = rowsPerStatement(columns.length, options.chunkSize);
    for (let start = 0; start < group.length; start += perStatement) {
      const params = new ParameterList();
      const rows = group.slice(start, start + perStatement).map((record, offset) => {
        const cells = columns.map((column, i) => {
          const value = record[column];
          if (value === undefined) {
            throw new ConfigError(`records[${start + offset}].${column} is undefined; use null`, {
              field: column,
            });
          }
          return `${params.add(value)}::${casts[i]}`;
        });
        return `(${cells.join(', ')})`;
      });
      statements.push({
        text:
          `UPDATE ${target} AS "__target" SET ${set.join(', ')} FROM (VALUES ${rows.join(', ')}) AS "__batch" (${quoted.join(', ')}) ` +
          `WHERE "__target".${key} = "__batch".${key} RETURNING "__target".*`,
        values: params.values,
      });
    }
  }
  return statements;
}
