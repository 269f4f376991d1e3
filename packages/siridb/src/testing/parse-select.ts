/**
 * `select <functions> from <series> [where …] [range] [merge as "name" [using <functions>]]`
 * (docs/protocols/siridb.md §13). Functions chain with `=>`; several selections are separated by
 * commas and made distinct with `prefix` / `suffix`.
 * @internal
 */

import { quoted } from './parse-common.js';
import { integerExpression, optionalTimeExpression, timeExpression } from './parse-expression.js';
import { seriesMatch } from './parse-series-match.js';
import { optionalWhere } from './parse-where.js';
import type {
  FilterOperand,
  ReducerName,
  SelectColumn,
  SelectFunction,
  SelectRange,
  SelectStatement,
} from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';
import { unquote } from './query-lexer.js';
import {
  FILTER_OPERATORS,
  FUNCTION_WORDS,
  Label,
  LIMIT_REDUCERS,
  SERIES_PROPERTIES,
} from './query-vocabulary.js';

/** The alternatives of a filter's operand, each reading one kind of value. */
const FILTER_OPERANDS: readonly ((cursor: QueryCursor) => FilterOperand | undefined)[] = [
  (cursor) => {
    const text = cursor.kind('string', Label.string);
    return text === undefined ? undefined : { kind: 'string', value: unquote(text.text) };
  },
  (cursor) => {
    const integer = cursor.signedInteger();
    return integer === undefined ? undefined : { kind: 'integer', value: BigInt(integer.text) };
  },
  (cursor) => {
    const float = cursor.kind('float', Label.float);
    return float === undefined ? undefined : { kind: 'float', value: Number(float.text) };
  },
  (cursor) => {
    const regex = cursor.regex(Label.regex);
    return regex === undefined
      ? undefined
      : { kind: 'regex', pattern: regex.pattern, ignoreCase: regex.ignoreCase };
  },
  (cursor) => (cursor.word('nan') ? { kind: 'float', value: Number.NaN } : undefined),
  (cursor) => (cursor.word('inf') ? { kind: 'float', value: Number.POSITIVE_INFINITY } : undefined),
  (cursor) =>
    cursor.symbol('-') && cursor.word('inf') ? { kind: 'float', value: Number.NEGATIVE_INFINITY } : undefined,
];

/** A filter's operand: every alternative is tried and the longest match wins (`1.5` is a float). */
function filterOperand(cursor: QueryCursor): FilterOperand {
  const start = cursor.mark();
  let best: { operand: FilterOperand; end: number } | undefined;
  for (const read of FILTER_OPERANDS) {
    const operand = read(cursor);
    if (operand !== undefined && (best === undefined || cursor.lastEnd > best.end)) {
      best = { operand, end: cursor.lastEnd };
    }
    cursor.reset(start);
  }
  const found = cursor.require(best);
  cursor.reset(found.end);
  return found.operand;
}

/** The arguments and closing parenthesis of the function `name`. */
function functionBody(cursor: QueryCursor, name: string): SelectFunction {
  switch (name) {
    case 'interval':
    case 'timeval':
      return { kind: name };
    case 'derivative': {
      const span = optionalTimeExpression(cursor);
      const groupBy = span !== undefined && cursor.symbol(',') ? timeExpression(cursor) : undefined;
      return { kind: 'derivative', span, groupBy };
    }
    case 'filter': {
      const operator = cursor.tokens(FILTER_OPERATORS) ?? '==';
      return { kind: 'filter', operator, operand: filterOperand(cursor) };
    }
    case 'limit': {
      const count = integerExpression(cursor);
      cursor.require(cursor.symbol(','));
      return { kind: 'limit', count, reducer: cursor.require(cursor.oneOf(LIMIT_REDUCERS)) };
    }
    case 'offset':
      return { kind: 'offset', span: timeExpression(cursor) };
    default:
      return {
        kind: 'reduce',
        name: name as Exclude<ReducerName, 'derivative'>,
        span: optionalTimeExpression(cursor),
      };
  }
}

function selectFunction(cursor: QueryCursor): SelectFunction {
  if (cursor.symbol('*')) return { kind: 'points' };
  const name = cursor.require(cursor.oneOf(FUNCTION_WORDS));
  if (name === 'all' || name === 'points') return { kind: 'points' };
  cursor.require(cursor.symbol('('));
  const body = functionBody(cursor, name);
  cursor.require(cursor.symbol(')'));
  return body;
}

/** Functions joined by `=>`. */
export function functionChain(cursor: QueryCursor): SelectFunction[] {
  const chain = [selectFunction(cursor)];
  while (cursor.symbol('=>')) chain.push(selectFunction(cursor));
  return chain;
}

/** A chain with an optional `prefix "…"` and then an optional `suffix "…"`. */
function selectColumn(cursor: QueryCursor): SelectColumn {
  const chain = functionChain(cursor);
  const prefix = cursor.word('prefix') ? quoted(cursor) : undefined;
  const suffix = cursor.word('suffix') ? quoted(cursor) : undefined;
  return { chain, prefix, suffix };
}

function range(cursor: QueryCursor): SelectRange | undefined {
  switch (cursor.oneOf(['after', 'between', 'before', 'tail', 'head'])) {
    case 'after':
      return { kind: 'after', at: timeExpression(cursor) };
    case 'before':
      return { kind: 'before', at: timeExpression(cursor) };
    case 'between': {
      const from = timeExpression(cursor);
      cursor.require(cursor.word('and'));
      return { kind: 'between', from, to: timeExpression(cursor) };
    }
    case 'head':
      return { kind: 'head', count: integerExpression(cursor) };
    case 'tail':
      return { kind: 'tail', count: integerExpression(cursor) };
    default:
      return undefined;
  }
}

/** The rest of a `select` statement, after the keyword. */
export function selectStatement(cursor: QueryCursor): SelectStatement {
  const columns = [selectColumn(cursor)];
  while (cursor.symbol(',')) columns.push(selectColumn(cursor));
  cursor.require(cursor.word('from'));
  const match = seriesMatch(cursor);
  const where = optionalWhere(cursor, SERIES_PROPERTIES);
  const span = range(cursor);
  let merge: SelectStatement['merge'];
  if (cursor.word('merge')) {
    cursor.require(cursor.word('as'));
    const name = quoted(cursor);
    merge = { name, using: cursor.word('using') ? functionChain(cursor) : [] };
  }
  return { kind: 'select', columns, match, where, range: span, merge };
}
