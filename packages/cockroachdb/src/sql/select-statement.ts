import { ConfigError } from '@conn/core';
import { type ObjectName, quoteIdentifier, quoteObjectName } from '../identifiers.js';
import { ParameterList, type Statement } from './statement.js';
import { renderWhere, type Where } from './where.js';

/** One sort key of `select`. */
export interface OrderBy {
  readonly column: string;
  /** Default `asc`. */
  readonly direction?: 'asc' | 'desc' | 'ASC' | 'DESC' | undefined;
  /** Where NULLs sort; default: the server's (last for asc, first for desc). */
  readonly nulls?: 'first' | 'last' | undefined;
}

/** Options of `select` and `selectOne`. */
export interface SelectOptions {
  /** Columns to return; default all (`*`). */
  readonly columns?: readonly string[] | undefined;
  readonly where?: Where | undefined;
  readonly orderBy?: readonly OrderBy[] | undefined;
  /** Non-negative integer. `0` returns no rows (it is not ignored). */
  readonly limit?: number | bigint | undefined;
  /** Non-negative integer. */
  readonly offset?: number | bigint | undefined;
  /** Appends `FOR UPDATE` (inside a transaction, locks the rows read). */
  readonly forUpdate?: boolean | undefined;
}

/** Validates a LIMIT/OFFSET value: a non-negative safe integer or bigint. */
export function checkCount(value: number | bigint | undefined, field: string): number | bigint | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'bigint') {
    if (value < 0n) throw new ConfigError(`${field} must not be negative`, { field });
    return value;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(`${field} must be a non-negative integer, got ${String(value)}`, { field });
  }
  return value;
}

function renderOrderBy(orderBy: readonly OrderBy[] | undefined): string {
  if (orderBy === undefined) return '';
  if (!Array.isArray(orderBy)) {
    throw new ConfigError('orderBy must be an array of { column, direction }', { field: 'orderBy' });
  }
  if (orderBy.length === 0) return '';
  const keys = orderBy.map((key, index) => {
    const field = `orderBy[${index}]`;
    if (key === null || typeof key !== 'object')
      throw new ConfigError(`${field} must be { column, direction }`, { field });
    const direction = (key.direction ?? 'asc').toLowerCase();
    if (direction !== 'asc' && direction !== 'desc') {
      throw new ConfigError(`${field}.direction must be 'asc' or 'desc'`, { field: `${field}.direction` });
    }
    let sql = `${quoteIdentifier(key.column, `${field}.column`)} ${direction.toUpperCase()}`;
    if (key.nulls !== undefined) {
      if (key.nulls !== 'first' && key.nulls !== 'last') {
        throw new ConfigError(`${field}.nulls must be 'first' or 'last'`, { field: `${field}.nulls` });
      }
      sql += ` NULLS ${key.nulls.toUpperCase()}`;
    }
    return sql;
  });
  return ` ORDER BY ${keys.join(', ')}`;
}

/** Renders the column list of a SELECT or RETURNING: quoted names, or `*`. */
export function renderColumns(columns: readonly string[] | undefined, field = 'columns'): string {
  if (columns === undefined) return '*';
  if (!Array.isArray(columns) || columns.length === 0) {
    throw new ConfigError(`${field} must be a non-empty array of column names`, { field });
  }
  return columns.map((column) => quoteIdentifier(column, field)).join(', ');
}

/** `SELECT … FROM … [WHERE] [ORDER BY] [LIMIT] [OFFSET] [FOR UPDATE]` with every value bound. */
export function selectStatement(table: ObjectName, options: SelectOptions = {}): Statement {
  const params = new ParameterList();
  let text = `SELECT ${renderColumns(options.columns)} FROM ${quoteObjectName(table)}`;
  text += renderWhere(options.where, params);
  text += renderOrderBy(options.orderBy);
  const limit = checkCount(options.limit, 'limit');
  const offset = checkCount(options.offset, 'offset');
  if (limit !== undefined) text += ` LIMIT ${params.add(limit)}`;
  if (offset !== undefined) text += ` OFFSET ${params.add(offset)}`;
  if (options.forUpdate === true) text += ' FOR UPDATE';
  return { text, values: params.values };
}
