import { ConfigError } from '@conn/core';
import { type ObjectName, quoteIdentifier, quoteObjectName } from '../identifiers.js';
import { checkColumnDefinition } from './column-definition.js';

/** Column name to SQL definition, e.g. `{ id: 'UUID PRIMARY KEY DEFAULT gen_random_uuid()' }`. */
export type ColumnDefinitions = Readonly<Record<string, string>>;

/** Options of `createTable`. */
export interface CreateTableOptions {
  /** Default true: `CREATE TABLE IF NOT EXISTS`. */
  readonly ifNotExists?: boolean | undefined;
  /** Table constraints appended after the columns, e.g. `PRIMARY KEY (a, b)`; checked like column definitions. */
  readonly constraints?: readonly string[] | undefined;
}

/** `CREATE TABLE [IF NOT EXISTS] "t" ("c" def, …)`. */
export function createTableStatement(
  name: ObjectName,
  columns: ColumnDefinitions,
  options: CreateTableOptions = {},
): string {
  if (columns === null || typeof columns !== 'object' || Array.isArray(columns)) {
    throw new ConfigError('columns must be an object of name: definition', { field: 'columns' });
  }
  const parts = Object.entries(columns).map(
    ([column, definition]) =>
      `${quoteIdentifier(column, 'column name')} ${checkColumnDefinition(definition, `columns.${column}`)}`,
  );
  if (parts.length === 0)
    throw new ConfigError('createTable needs at least one column', { field: 'columns' });
  for (const [index, constraint] of (options.constraints ?? []).entries()) {
    parts.push(checkColumnDefinition(constraint, `constraints[${index}]`));
  }
  const ifNotExists = options.ifNotExists === false ? '' : 'IF NOT EXISTS ';
  return `CREATE TABLE ${ifNotExists}${quoteObjectName(name)} (${parts.join(', ')})`;
}

/** Options of `dropTable`. */
export interface DropTableOptions {
  /** Default true: `DROP TABLE IF EXISTS`. */
  readonly ifExists?: boolean | undefined;
  /** Default false: also drop objects that depend on the table. */
  readonly cascade?: boolean | undefined;
}

/** `DROP TABLE [IF EXISTS] "t" [CASCADE]`. */
export function dropTableStatement(name: ObjectName, options: DropTableOptions = {}): string {
  const ifExists = options.ifExists === false ? '' : 'IF EXISTS ';
  return `DROP TABLE ${ifExists}${quoteObjectName(name)}${options.cascade === true ? ' CASCADE' : ''}`;
}

/** Options of `createDatabase`. */
export interface CreateDatabaseOptions {
  /** Default true: `CREATE DATABASE IF NOT EXISTS` (on PostgreSQL, checked with a catalog lookup first). */
  readonly ifNotExists?: boolean | undefined;
}

/** `CREATE DATABASE "name"` (the `IF NOT EXISTS` form is added by the caller where the server has it). */
export function createDatabaseStatement(name: string, ifNotExists: boolean): string {
  return `CREATE DATABASE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${quoteIdentifier(name, 'database')}`;
}

/** `DROP DATABASE [IF EXISTS] "name"`. */
export function dropDatabaseStatement(
  name: string,
  options: { ifExists?: boolean | undefined } = {},
): string {
  return `DROP DATABASE ${options.ifExists === false ? '' : 'IF EXISTS '}${quoteIdentifier(name, 'database')}`;
}
