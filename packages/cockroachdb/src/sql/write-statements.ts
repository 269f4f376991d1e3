import { ConfigError } from '@conn/core';
import { type ObjectName, quoteIdentifier, quoteObjectName } from '../identifiers.js';
import { renderColumns } from './select-statement.js';
import { ParameterList, type Row, type Statement } from './statement.js';
import { isEmptyWhere, renderWhere, type Where } from './where.js';

/** What a write returns: every column (`*`, the default) or the listed ones. */
export type Returning = readonly string[] | undefined;

function dataEntries(data: Row, field: string): [string, unknown][] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`${field} must be an object of column: value`, { field });
  }
  const entries = Object.entries(data);
  for (const [column, value] of entries) {
    if (value === undefined) {
      throw new ConfigError(`${field}.${column} is undefined; use null, or leave the key out`, {
        field: `${field}.${column}`,
      });
    }
  }
  return entries;
}

/** `INSERT INTO t (…) VALUES (…) RETURNING …`; an empty object inserts `DEFAULT VALUES`. */
export function insertStatement(table: ObjectName, data: Row, returning?: Returning): Statement {
  const params = new ParameterList();
  const entries = dataEntries(data, 'data');
  const target = quoteObjectName(table);
  const tail = ` RETURNING ${renderColumns(returning, 'returning')}`;
  if (entries.length === 0) return { text: `INSERT INTO ${target} DEFAULT VALUES${tail}`, values: [] };
  const columns = entries.map(([column]) => quoteIdentifier(column, 'data column'));
  const placeholders = entries.map(([, value]) => params.add(value));
  return {
    text: `INSERT INTO ${target} (${columns.join(', ')}) VALUES (${placeholders.join(', ')})${tail}`,
    values: params.values,
  };
}

/** How `upsert` decides that a row already exists. */
export interface UpsertTarget {
  /** CockroachDB's `UPSERT` (primary key as the arbiter); only valid on CockroachDB. */
  readonly useUpsertStatement: boolean;
  /** Columns of the `ON CONFLICT (…)` arbiter when not using `UPSERT`. */
  readonly conflictColumns: readonly string[];
}

/**
 * `UPSERT INTO t (…) VALUES (…)` on CockroachDB (columns not listed keep their values), or
 * `INSERT … ON CONFLICT (keys) DO UPDATE SET c = excluded.c` elsewhere; both return the row.
 */
export function upsertStatement(
  table: ObjectName,
  data: Row,
  target: UpsertTarget,
  returning?: Returning,
): Statement {
  const params = new ParameterList();
  const entries = dataEntries(data, 'data');
  if (entries.length === 0) throw new ConfigError('upsert needs at least one column', { field: 'data' });
  const columns = entries.map(([column]) => quoteIdentifier(column, 'data column'));
  const placeholders = entries.map(([, value]) => params.add(value));
  const tail = ` RETURNING ${renderColumns(returning, 'returning')}`;
  const into = `${quoteObjectName(table)} (${columns.join(', ')}) VALUES (${placeholders.join(', ')})`;
  if (target.useUpsertStatement) return { text: `UPSERT INTO ${into}${tail}`, values: params.values };
  if (target.conflictColumns.length === 0) {
    throw new ConfigError('upsert needs conflictColumns (the table has no primary key?)', {
      field: 'conflictColumns',
    });
  }
  const keys = target.conflictColumns.map((column) => quoteIdentifier(column, 'conflictColumns'));
  const keySet = new Set(keys);
  let updates = columns.filter((column) => !keySet.has(column));
  // Every column is a key: a no-op update still lets RETURNING give back the existing row.
  if (updates.length === 0) updates = [keys[0] as string];
  const set = updates.map((column) => `${column} = excluded.${column}`).join(', ');
  return {
    text: `INSERT INTO ${into} ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${set}${tail}`,
    values: params.values,
  };
}

/** Options of `update` and `delete`. */
export interface FilteredWriteOptions {
  /** Allow an empty `where` (every row of the table). Default false: an empty filter is refused. */
  readonly allowAll?: boolean | undefined;
}

function checkFilter(where: Where | undefined, options: FilteredWriteOptions, what: string): void {
  if (isEmptyWhere(where) && options.allowAll !== true) {
    throw new ConfigError(
      `${what} with an empty where would touch every row; pass { allowAll: true } to mean it`,
      {
        field: 'where',
        code: 'CONN_COCKROACHDB_EMPTY_WHERE',
      },
    );
  }
}

/** `UPDATE t SET … WHERE … RETURNING …`. */
export function updateStatement(
  table: ObjectName,
  data: Row,
  where: Where | undefined,
  options: FilteredWriteOptions = {},
  returning?: Returning,
): Statement {
  const params = new ParameterList();
  const entries = dataEntries(data, 'data');
  if (entries.length === 0)
    throw new ConfigError('update needs at least one column to set', { field: 'data' });
  checkFilter(where, options, 'update');
  const set = entries.map(
    ([column, value]) => `${quoteIdentifier(column, 'data column')} = ${params.add(value)}`,
  );
  const text = `UPDATE ${quoteObjectName(table)} SET ${set.join(', ')}${renderWhere(where, params)} RETURNING ${renderColumns(returning, 'returning')}`;
  return { text, values: params.values };
}

/** `DELETE FROM t WHERE …` (one statement: the count comes from the server's command tag). */
export function deleteStatement(
  table: ObjectName,
  where: Where | undefined,
  options: FilteredWriteOptions = {},
): Statement {
  const params = new ParameterList();
  checkFilter(where, options, 'delete');
  return {
    text: `DELETE FROM ${quoteObjectName(table)}${renderWhere(where, params)}`,
    values: params.values,
  };
}
