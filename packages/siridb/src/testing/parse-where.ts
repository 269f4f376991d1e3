/**
 * `where` conditions: `property operator value`, combined with `and` / `or` and parentheses. Which
 * properties exist and how their values are written depends on what is being listed; keyword
 * values are unquoted (`type == float`, docs/protocols/siridb.md §13).
 * @internal
 */

import { integerExpression, timeExpression } from './parse-expression.js';
import type { Condition, WhereValue } from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';
import { unquote } from './query-lexer.js';
import {
  KEYWORD_VALUES,
  Label,
  operatorsFor,
  type PropertyTable,
  type ValueKind,
} from './query-vocabulary.js';

function value(cursor: QueryCursor, kind: ValueKind): WhereValue {
  switch (kind) {
    case 'string':
      return { kind: 'string', value: unquote(cursor.require(cursor.kind('string', Label.string)).text) };
    case 'integer':
      return { kind: 'integer', expression: integerExpression(cursor) };
    case 'time':
      return { kind: 'time', expression: timeExpression(cursor) };
    default:
      return { kind: 'keyword', word: cursor.require(cursor.oneOf(KEYWORD_VALUES[kind])) };
  }
}

function comparison(cursor: QueryCursor, properties: PropertyTable): Condition {
  if (cursor.symbol('(')) {
    const inner = cursor.nested(() => condition(cursor, properties));
    cursor.require(cursor.symbol(')'));
    return inner;
  }
  const property = cursor.require(cursor.oneOf(Object.keys(properties)));
  const kind = properties[property] as ValueKind;
  const operator = cursor.require(cursor.oneOfSymbols(operatorsFor(kind)));
  return { kind: 'compare', property, operator, value: value(cursor, kind) };
}

function conjunction(cursor: QueryCursor, properties: PropertyTable): Condition {
  const items = [comparison(cursor, properties)];
  while (cursor.word('and')) items.push(comparison(cursor, properties));
  return items.length === 1 ? (items[0] as Condition) : { kind: 'and', items };
}

/** The condition after `where`. */
export function condition(cursor: QueryCursor, properties: PropertyTable): Condition {
  const items = [conjunction(cursor, properties)];
  while (cursor.word('or')) items.push(conjunction(cursor, properties));
  return items.length === 1 ? (items[0] as Condition) : { kind: 'or', items };
}

/** `where <condition>` if it comes next. */
export function optionalWhere(cursor: QueryCursor, properties: PropertyTable): Condition | undefined {
  return cursor.word('where') ? condition(cursor, properties) : undefined;
}
