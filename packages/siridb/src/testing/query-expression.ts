/**
 * Evaluates integer and time expressions with signed 64-bit wrap-around arithmetic. Durations and
 * dates are scaled to the database precision; a time expression must give a valid timestamp
 * (docs/protocols/siridb.md §6.2, §13).
 * @internal
 */
import type { ArithmeticOperator, Expression } from './query-ast.js';
import { QueryFailure } from './query-failure.js';
import { int64, isValidTimestamp, type Precision, parseDateString, ticksPerSecond } from './time-expr.js';

/** What a time expression needs from the database. */
export interface TimeContext {
  readonly precision: Precision;
  /** `now` in the database precision. */
  readonly now: bigint;
  /** The database's time zone, for date strings without an offset (`NAIVE` when left out). */
  readonly timezone?: string;
}

function apply(operator: ArithmeticOperator, left: bigint, right: bigint): bigint {
  switch (operator) {
    case '+':
      return int64(left + right);
    case '-':
      return int64(left - right);
    case '*':
      return int64(left * right);
    case '/':
      if (right === 0n) throw new QueryFailure('Division by zero error.');
      return int64(left / right);
    default:
      if (right === 0n) throw new QueryFailure('Modulo by zero error.');
      return int64(left % right);
  }
}

/** The value of `expression` (integer expressions only hold integer literals). */
export function evaluateExpression(expression: Expression, time: TimeContext): bigint {
  switch (expression.kind) {
    case 'integer':
      return int64(expression.value);
    case 'duration':
      return int64(expression.seconds * ticksPerSecond(time.precision));
    case 'now':
      return time.now;
    case 'date': {
      const seconds = parseDateString(expression.text, time.timezone);
      if (seconds < 0) throw new QueryFailure('Invalid date string.');
      return int64(BigInt(seconds) * ticksPerSecond(time.precision));
    }
    default: {
      let result = evaluateExpression(expression.first, time);
      for (const step of expression.rest) {
        result = apply(step.operator, result, evaluateExpression(step.operand, time));
      }
      return result;
    }
  }
}

/** A time expression's value, which must be a valid timestamp for the database. */
export function evaluateTime(expression: Expression, time: TimeContext): bigint {
  const value = evaluateExpression(expression, time);
  if (!isValidTimestamp(time.precision, value)) throw new QueryFailure('Time expression out-of-range.');
  return value;
}
