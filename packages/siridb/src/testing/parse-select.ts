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
import { FILTER_OPERATORS, FUNCTION_WORDS, Label, REDUCERS, SERIES_PROPERTIES } from './query-vocabulary.js';

/** A number, `inf` or `nan` after an optional minus sign. */
function numberOperand(cursor: QueryCursor, negative: boolean): FilterOperand | undefined {
  const sign = negative ? -1 : 1;
  const integer = cursor.kind('integer', Label.integer);
  if (integer !== undefined) {
    const value = BigInt(integer.text);
    return { kind: 'integer', value: negative ? -value : value };
  }
  const float = cursor.kind('float', Label.float);
  if (float !== undefined) return { kind: 'float', value: sign * Number(float.text) };
  if (cursor.word('inf')) return { kind: 'float', value: sign * Number.POSITIVE_INFINITY };
  if (!negative && cursor.word('nan')) return { kind: 'float', value: Number.NaN };
  return undefined;
}

function filterOperand(cursor: QueryCursor): FilterOperand {
  const text = cursor.kind('string', Label.string);
  if (text !== undefined) return { kind: 'string', value: unquote(text.text) };
  const regex = cursor.regex(Label.regex);
  if (regex !== undefined) return { kind: 'regex', pattern: regex.pattern, ignoreCase: regex.ignoreCase };
  const number = numberOperand(cursor, false);
  if (number !== undefined) return number;
  cursor.require(cursor.symbol('-'));
  return cursor.require(numberOperand(cursor, true));
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
      const operator = cursor.oneOfSymbols(FILTER_OPERATORS) ?? '==';
      return { kind: 'filter', operator, operand: filterOperand(cursor) };
    }
    case 'limit': {
      const count = integerExpression(cursor);
      cursor.require(cursor.symbol(','));
      return { kind: 'limit', count, reducer: cursor.require(cursor.oneOf(REDUCERS)) };
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

function selectColumn(cursor: QueryCursor): SelectColumn {
  const chain = functionChain(cursor);
  let prefix: string | undefined;
  let suffix: string | undefined;
  for (;;) {
    const open = [...(prefix === undefined ? ['prefix'] : []), ...(suffix === undefined ? ['suffix'] : [])];
    const word = cursor.oneOf(open);
    if (word === undefined) return { chain, prefix, suffix };
    if (word === 'prefix') prefix = quoted(cursor);
    else suffix = quoted(cursor);
  }
}

function range(cursor: QueryCursor): SelectRange | undefined {
  switch (cursor.oneOf(['after', 'before', 'between', 'head', 'tail'])) {
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
