/**
 * Integer and time expressions: `+ - * / %` with the usual precedence and parentheses. Time
 * expressions also take `now`, durations (`5m`, `1h`, `2d`, `1w`) and quoted date strings
 * (docs/protocols/siridb.md §13).
 * @internal
 */
import type { ArithmeticOperator, Expression } from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';
import { unquote } from './query-lexer.js';
import { Label } from './query-vocabulary.js';
import { durationSeconds } from './time-expr.js';

/** `integer`: whole numbers only; `time`: also `now`, durations and dates. */
type ExpressionMode = 'integer' | 'time';

const ADDITIVE: readonly ArithmeticOperator[] = ['+', '-'];
const MULTIPLICATIVE: readonly ArithmeticOperator[] = ['*', '/', '%'];

/** One operand, or undefined (with the expectations noted) when none starts here. */
function operand(cursor: QueryCursor, mode: ExpressionMode): Expression | undefined {
  if (mode === 'time') {
    if (cursor.word('now')) return { kind: 'now' };
  }
  const integer = cursor.signedInteger(Label.integer);
  if (integer !== undefined) return { kind: 'integer', value: BigInt(integer.text) };
  if (mode === 'time') {
    const duration = cursor.kind('duration', Label.duration);
    if (duration !== undefined) return { kind: 'duration', seconds: durationSeconds(duration.text) };
    const date = cursor.kind('string', Label.date);
    if (date !== undefined) return { kind: 'date', text: unquote(date.text) };
  }
  if (!cursor.symbol('(')) return undefined;
  const inner = cursor.nested(() => sum(cursor, mode, cursor.require(operand(cursor, mode))));
  cursor.require(cursor.symbol(')'));
  return inner;
}

/** A run of one precedence level, kept flat. */
function level(
  cursor: QueryCursor,
  operators: readonly ArithmeticOperator[],
  first: Expression,
  next: () => Expression,
): Expression {
  const rest: { operator: ArithmeticOperator; operand: Expression }[] = [];
  for (;;) {
    const operator = cursor.oneOfSymbols(operators);
    if (operator === undefined) break;
    rest.push({ operator, operand: next() });
  }
  return rest.length === 0 ? first : { kind: 'operation', first, rest };
}

function product(cursor: QueryCursor, mode: ExpressionMode, first: Expression): Expression {
  return level(cursor, MULTIPLICATIVE, first, () => cursor.require(operand(cursor, mode)));
}

function sum(cursor: QueryCursor, mode: ExpressionMode, first: Expression): Expression {
  return level(cursor, ADDITIVE, product(cursor, mode, first), () =>
    product(cursor, mode, cursor.require(operand(cursor, mode))),
  );
}

/** A time expression if one starts here (for optional spans and bare calculations). */
export function optionalTimeExpression(cursor: QueryCursor): Expression | undefined {
  const first = operand(cursor, 'time');
  return first === undefined ? undefined : sum(cursor, 'time', first);
}

export function timeExpression(cursor: QueryCursor): Expression {
  return cursor.require(optionalTimeExpression(cursor));
}

export function integerExpression(cursor: QueryCursor): Expression {
  return sum(cursor, 'integer', cursor.require(operand(cursor, 'integer')));
}
