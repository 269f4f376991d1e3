import { ConfigError } from '@conn/core';
import { quoteIdentifier } from '../identifiers.js';
import type { ParameterList } from './statement.js';

/**
 * Equality filters, ANDed: `{ id: 7 }` is `"id" = $1`. `null` means `IS NULL`; an array means
 * "any of these" (`= ANY($1)`). Values are always bound as parameters, never put into the SQL.
 */
export type Where = Readonly<Record<string, unknown>>;

/**
 * Renders ` WHERE …` (with the leading space) or `''` for no filter. `undefined` values are refused:
 * silently dropping them would widen the filter to rows the caller did not mean.
 */
export function renderWhere(where: Where | undefined, params: ParameterList, field = 'where'): string {
  if (where === undefined) return '';
  if (where === null || typeof where !== 'object' || Array.isArray(where)) {
    throw new ConfigError(`${field} must be an object of column: value`, { field });
  }
  const terms: string[] = [];
  for (const [column, value] of Object.entries(where)) {
    const name = quoteIdentifier(column, `${field} column`);
    if (value === undefined) {
      throw new ConfigError(`${field}.${column} is undefined; use null for IS NULL or leave the key out`, {
        field: `${field}.${column}`,
      });
    }
    if (value === null) terms.push(`${name} IS NULL`);
    else if (Array.isArray(value)) terms.push(`${name} = ANY(${params.add(value)})`);
    else terms.push(`${name} = ${params.add(value)}`);
  }
  return terms.length === 0 ? '' : ` WHERE ${terms.join(' AND ')}`;
}

/** True when `where` filters nothing (absent or without keys). */
export function isEmptyWhere(where: Where | undefined): boolean {
  return where === undefined || Object.keys(where).length === 0;
}
