/**
 * Integer and time expressions: `+ - * % /` with the usual precedence and parentheses. Time
 * expressions also take durations (`5m`, `1h`, `2d`, `1w`), `now` and quoted date strings
 * (docs/protocols/siridb.md §13). An integer may carry its sign (`-1`); an operand is tried as
 * those, in that order, then as a parenthesised expression.
 * @internal
 */
import type { ArithmeticOperator, Expression } from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';
import { unquote } from './query-lexer.js';
import { ARITHMETIC_OPERATORS, Label } from './query-vocabulary.js';
import { durationSeconds } from './time-expr.js';

/** `integer`: whole numbers only; `time`: also durations, `now` and dates. */
type ExpressionMode = 'integer' | 'time';

/** One operand at nesting `depth`, or undefined (with the expectations noted) when none starts here. */
function operand(cursor: QueryCursor, mode: ExpressionMode, depth: number): Expression | undefined {
  if (mode === 'time') {
    const duration = cursor.kind('time', Label.timeString);
    if (duration !== undefined) return { kind: 'duration', seconds: durationSeconds(duration.text) };
    if (cursor.word('now')) return { kind: 'now' };
    const date = cursor.kind('string', Label.string);
    if (date !== undefined) return { kind: 'date', text: unquote(date.text) };
  }
  const integer = cursor.signedInteger();
  if (integer !== undefined) return { kind: 'integer', value: BigInt(integer.text) };
  if (!cursor.symbol('(')) return undefined;
  cursor.enterFrame(depth + 1);
  const inner = rest(cursor, mode, depth + 1, cursor.require(operand(cursor, mode, depth + 1)));
  cursor.require(cursor.symbol(')'));
  return inner;
}

interface Step {
  readonly operator: ArithmeticOperator;
  readonly operand: Expression;
}

/** Operands joined at one precedence level, kept flat. */
function level(first: Expression, steps: readonly Step[]): Expression {
  return steps.length === 0 ? first : { kind: 'operation', first, rest: steps };
}

/** `operands` joined by `operators`, `* / %` binding before `+ -`, left to right within a level. */
function precedence(operands: readonly Expression[], operators: readonly ArithmeticOperator[]): Expression {
  let first: Expression | undefined;
  const sums: Step[] = [];
  let start = 0;
  for (let i = 0; i <= operators.length; i++) {
    const operator = operators[i];
    if (operator !== undefined && operator !== '+' && operator !== '-') continue;
    const steps = operators
      .slice(start, i)
      .map((inner, k) => ({ operator: inner, operand: operands[start + k + 1] as Expression }));
    const product = level(operands[start] as Expression, steps);
    if (first === undefined) first = product;
    else sums.push({ operator: operators[start - 1] as ArithmeticOperator, operand: product });
    start = i + 1;
  }
  return level(first as Expression, sums);
}

/**
 * The operators and operands that follow `first` (the operators tried as one alternative); each
 * operand to the right of an operator is one level deeper than the one before it.
 */
function rest(cursor: QueryCursor, mode: ExpressionMode, depth: number, first: Expression): Expression {
  const operands = [first];
  const operators: ArithmeticOperator[] = [];
  for (;;) {
    const operator = cursor.tokens(ARITHMETIC_OPERATORS);
    if (operator === undefined) return precedence(operands, operators);
    operators.push(operator);
    const level = depth + operators.length;
    cursor.enterFrame(level);
    operands.push(cursor.require(operand(cursor, mode, level)));
  }
}

/** A time expression if one starts here (for optional spans and bare calculations). */
export function optionalTimeExpression(cursor: QueryCursor): Expression | undefined {
  const first = operand(cursor, 'time', 0);
  return first === undefined ? undefined : rest(cursor, 'time', 0, first);
}

export function timeExpression(cursor: QueryCursor): Expression {
  return cursor.require(optionalTimeExpression(cursor));
}

export function integerExpression(cursor: QueryCursor): Expression {
  return rest(cursor, 'integer', 0, cursor.require(operand(cursor, 'integer', 0)));
}
