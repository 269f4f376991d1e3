import { ConfigError, type ConnError } from '@conn/core';
import { SqlError, type SqlErrorFields } from '../errors.js';
import { type ObjectName, quoteIdentifier, quoteObjectName } from '../identifiers.js';
import { checkSingleStatement } from '../sql/single-statement.js';

/** What `copyTo` reads: a query's text (no parameters: COPY takes none), or a table. */
export type CopySource = string | { readonly table: ObjectName; readonly columns?: readonly string[] };

function quotedColumns(columns: readonly string[], field: string): string {
  if (!Array.isArray(columns) || columns.length === 0) {
    throw new ConfigError(`${field} must be a non-empty array of column names`, { field });
  }
  return columns.map((column) => quoteIdentifier(column, field)).join(', ');
}

/** `COPY "t" ("a", "b") FROM STDIN`: text format, names quoted. */
export function copyFromStatement(table: ObjectName, columns: readonly string[]): string {
  return `COPY ${quoteObjectName(table)} (${quotedColumns(columns, 'columns')}) FROM STDIN`;
}

/** The COPY TO statement of a source, and the query that names its columns without running it. */
export function copyToStatements(source: CopySource): { copy: string; describe: string } {
  if (typeof source === 'string') {
    const query = source.trim().replace(/;\s*$/, '');
    if (query.length === 0) throw new ConfigError('sql must be a non-empty string', { field: 'sql' });
    checkSingleStatement(query);
    return {
      // The newline keeps a trailing `-- comment` from swallowing the closing parenthesis.
      copy: `COPY (${query}\n) TO STDOUT`,
      describe: `SELECT * FROM (${query}\n) AS q LIMIT 0`,
    };
  }
  if (source === null || typeof source !== 'object') {
    throw new ConfigError('copyTo needs a query or { table }', { field: 'source' });
  }
  const table = quoteObjectName(source.table);
  const columns = source.columns === undefined ? undefined : quotedColumns(source.columns, 'columns');
  return {
    copy: columns === undefined ? `COPY ${table} TO STDOUT` : `COPY ${table} (${columns}) TO STDOUT`,
    describe: `SELECT ${columns ?? '*'} FROM ${table} LIMIT 0`,
  };
}

/** The 1-based line PostgreSQL names in a COPY error's context (`COPY t, line 3, column b: …`). */
export function copyLineOf(where: string | undefined): number | undefined {
  if (where === undefined) return undefined;
  let line: number | undefined;
  for (const match of where.matchAll(/^COPY .*?, line (\d+)/gm)) line = Number(match[1]);
  return line;
}

/**
 * The same SQL error with `details.row` (the failing row, 1-based: one row per line) added, when
 * the server's context names the line. Other errors pass through.
 */
export function withCopyRow(error: ConnError, where: string | undefined): ConnError {
  const row = copyLineOf(where);
  if (row === undefined || !(error instanceof SqlError)) return error;
  const ErrorClass = error.constructor as new (
    message: string,
    options: { fields: SqlErrorFields; cause: unknown; details: Record<string, unknown> },
  ) => SqlError;
  return new ErrorClass(`${error.message} (row ${row})`, {
    fields: error,
    cause: error.cause,
    details: { ...error.details, row },
  });
}
