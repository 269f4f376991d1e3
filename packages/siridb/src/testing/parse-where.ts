/**
 * `where` conditions: `property operator value`, combined with `and` / `or` and parentheses. Which
 * properties exist and how their values are written depends on what is being listed; keyword
 * values are unquoted (`type == float`, docs/protocols/siridb.md §13).
 * @internal
 */

import { quoted } from './parse-common.js';
import { integerExpression, timeExpression } from './parse-expression.js';
import { whereOrder } from './property-order.js';
import type { Condition, WhereValue } from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';
import { KEYWORD_VALUES, operatorsFor, type PropertyTable, type ValueKind } from './query-vocabulary.js';

function value(cursor: QueryCursor, kind: ValueKind): WhereValue {
  switch (kind) {
    case 'string':
      return { kind: 'string', value: quoted(cursor) };
    case 'integer':
      return { kind: 'integer', expression: integerExpression(cursor) };
    case 'time':
      return { kind: 'time', expression: timeExpression(cursor) };
    default:
      return { kind: 'keyword', word: cursor.require(cursor.oneOf(KEYWORD_VALUES[kind])) };
  }
}

/** Parentheses nested deeper than this are refused once the query has parsed. */
const MAX_WHERE_PARENTHESES = 5;

/** Where a condition is: its nesting as the parser counts it, and its depth in parentheses. */
interface Level {
  readonly depth: number;
  readonly parentheses: number;
}

function comparison(cursor: QueryCursor, properties: PropertyTable, level: Level): Condition {
  const property = cursor.oneOf(whereOrder(properties));
  if (property === undefined) {
    cursor.require(cursor.symbol('('));
    cursor.enterFrame(level.depth + 1);
    const parentheses = level.parentheses + 1;
    if (parentheses > MAX_WHERE_PARENTHESES) cursor.defer("Max depth reached in 'where' expression!");
    const inner = condition(cursor, properties, { depth: level.depth + 1, parentheses });
    cursor.require(cursor.symbol(')'));
    return inner;
  }
  const kind = properties[property] as ValueKind;
  const operator = cursor.require(cursor.tokens(operatorsFor(kind)));
  return { kind: 'compare', property, operator, value: value(cursor, kind) };
}

/** Joins comparisons: `and` binds before `or`. */
function join(items: readonly Condition[], operators: readonly ('and' | 'or')[]): Condition {
  const alternatives: Condition[] = [];
  let all: Condition[] = [items[0] as Condition];
  operators.forEach((operator, index) => {
    const next = items[index + 1] as Condition;
    if (operator === 'and') {
      all.push(next);
      return;
    }
    alternatives.push(all.length === 1 ? (all[0] as Condition) : { kind: 'and', items: all });
    all = [next];
  });
  alternatives.push(all.length === 1 ? (all[0] as Condition) : { kind: 'and', items: all });
  return alternatives.length === 1 ? (alternatives[0] as Condition) : { kind: 'or', items: alternatives };
}

/** Comparisons joined by `and` / `or`; each comparison right of one is one level deeper. */
function condition(cursor: QueryCursor, properties: PropertyTable, level: Level): Condition {
  const items = [comparison(cursor, properties, level)];
  const operators: ('and' | 'or')[] = [];
  for (;;) {
    const operator = cursor.oneOf(['and', 'or'] as const);
    if (operator === undefined) return join(items, operators);
    operators.push(operator);
    const depth = level.depth + operators.length;
    cursor.enterFrame(depth);
    items.push(comparison(cursor, properties, { depth, parentheses: level.parentheses }));
  }
}

/** `where <condition>` if it comes next. */
export function optionalWhere(cursor: QueryCursor, properties: PropertyTable): Condition | undefined {
  return cursor.word('where') ? condition(cursor, properties, { depth: 0, parentheses: 0 }) : undefined;
}
