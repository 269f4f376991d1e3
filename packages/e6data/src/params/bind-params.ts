import { ConfigError } from '@conn/core';
import { toSqlLiteral } from './literals.js';
import type { BindOptions, SqlParam, SqlParams } from './param-types.js';
import { paramsError } from './params-error.js';
import { findPlaceholders, type Placeholder } from './sql-scanner.js';

const STYLE_NAMES = { positional: '?', numbered: '$1', named: ':name' } as const;

/** Replaces every placeholder with the literal `literalFor` gives it, keeping the rest of `sql`. */
function substitute(
  sql: string,
  placeholders: readonly Placeholder[],
  literalFor: (p: Placeholder) => string,
): string {
  let out = '';
  let from = 0;
  for (const placeholder of placeholders) {
    out += sql.slice(from, placeholder.start) + literalFor(placeholder);
    from = placeholder.end;
  }
  return out + sql.slice(from);
}

function bindArray(
  sql: string,
  found: readonly Placeholder[],
  params: readonly SqlParam[],
  options: BindOptions,
): string {
  const kind = found[0]?.kind;
  if (kind === 'named')
    throw paramsError(
      `placeholder ${sql.slice(found[0]?.start, found[0]?.end)} needs parameters given as an object`,
    );
  if (kind === 'positional') {
    if (found.length > params.length)
      throw paramsError(
        `parameter ${params.length + 1} (?) is missing: ${params.length} given for ${found.length} placeholders`,
      );
    if (found.length < params.length)
      throw paramsError(`${params.length} parameters given for ${found.length} ? placeholders`);
    let position = 0;
    return substitute(sql, found, () => {
      position += 1;
      return toSqlLiteral(params[position - 1], String(position), options);
    });
  }
  const used = new Set<number>();
  for (const placeholder of found) {
    if (placeholder.kind !== 'numbered') continue;
    if (placeholder.index < 1)
      throw paramsError(`placeholder $${placeholder.index} is invalid: numbering starts at $1`);
    if (placeholder.index > params.length)
      throw paramsError(`parameter $${placeholder.index} is missing: ${params.length} given`);
    used.add(placeholder.index);
  }
  for (let index = 1; index <= params.length; index += 1) {
    if (!used.has(index)) throw paramsError(`parameter $${index} is given but not used in the SQL`);
  }
  const cache = new Map<number, string>();
  return substitute(sql, found, (placeholder) => {
    const index = placeholder.kind === 'numbered' ? placeholder.index : 0;
    const literal = cache.get(index) ?? toSqlLiteral(params[index - 1], `$${index}`, options);
    cache.set(index, literal);
    return literal;
  });
}

function bindNamed(
  sql: string,
  found: readonly Placeholder[],
  params: Readonly<Record<string, SqlParam>>,
  options: BindOptions,
): string {
  const first = found[0];
  if (first !== undefined && first.kind !== 'named') {
    throw paramsError(`placeholder ${STYLE_NAMES[first.kind]} needs parameters given as an array`);
  }
  return substitute(sql, found, (placeholder) => {
    const name = placeholder.kind === 'named' ? placeholder.name : '';
    // Own properties only: `:constructor` must not find Object.prototype.constructor.
    if (!Object.hasOwn(params, name)) throw paramsError(`parameter :${name} is missing`);
    return toSqlLiteral(params[name], `:${name}`, options);
  });
}

function countOf(params: SqlParams): number {
  return Array.isArray(params) ? params.length : Object.keys(params).length;
}

/**
 * Replaces placeholders in `sql` with SQL literals, client-side (e6data has no server-side
 * binding): `?` or `$1…$n` for an array, `:name` for an object. Placeholders inside strings,
 * quoted identifiers and comments are left alone, as is a `::` cast. Without `params` the SQL is
 * returned as written.
 * @throws ConfigError `CONN_CONFIG` (field `sql`) when `sql` is not a string;
 * ConfigError `CONN_E6DATA_PARAMS` (field `params`) for mixed styles, a missing or unused
 * parameter, `$0`, parameters for SQL without placeholders, or a value no literal can carry.
 * Messages never contain parameter values.
 */
export function bindParams(sql: string, params: SqlParams | undefined, options: BindOptions = {}): string {
  // Callers from plain JavaScript: a typed error rather than a TypeError from `trim`.
  if (typeof sql !== 'string') {
    throw new ConfigError(`the SQL statement must be a string, got ${sql === null ? 'null' : typeof sql}`, {
      field: 'sql',
    });
  }
  if (params === undefined) return sql;
  if (typeof params !== 'object' || params === null)
    throw paramsError('params must be an array or an object');
  const found = findPlaceholders(sql, options.stringEscape ?? 'standard');
  if (found.length === 0) {
    if (countOf(params) > 0) throw paramsError('parameters were given but the SQL has no placeholders');
    return sql;
  }
  const styles = new Set(found.map((placeholder) => STYLE_NAMES[placeholder.kind]));
  if (styles.size > 1) throw paramsError(`the SQL mixes placeholder styles (${[...styles].join(', ')})`);
  return Array.isArray(params)
    ? bindArray(sql, found, params as readonly SqlParam[], options)
    : bindNamed(sql, found, params as Readonly<Record<string, SqlParam>>, options);
}
