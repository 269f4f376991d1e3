import { isJsonObject, type JsonValue } from '../protocol/index.js';
import { TestServerFailure } from './error-codes.js';
import type { TestRow } from './table-store.js';

/** A value during evaluation: JSON scalars, `null` for SQL NULL (a missing field, a division by zero). */
type Value = string | number | boolean | null;

/** What a filter sees: the row and the table's known columns (empty: every name is accepted). */
export interface FilterContext {
  readonly row: TestRow;
  readonly columns: ReadonlySet<string>;
}

/**
 * Evaluates one `fc` element (docs/protocols/zteradb.md, filter-condition AST) against a row.
 * Conventions of the notes: strings in `operand` positions and in comparison/arithmetic lists are
 * field names, numbers and booleans literals, `result` strings literals. An array of conditions
 * (chained builder calls) is their AND. NULL compares false, as in SQL.
 * @throws TestServerFailure PARSE_QUERY_ERROR for a malformed node, FIELD_ERROR for an unknown field.
 */
export function matchesCondition(condition: JsonValue, context: FilterContext): boolean {
  if (Array.isArray(condition)) return condition.every((part) => matchesCondition(part, context));
  return evaluateNode(condition, context) === true;
}

function evaluateNode(node: JsonValue, context: FilterContext): Value {
  if (!isJsonObject(node) || typeof node.operator !== 'string' || node.operand === undefined) {
    throw parseError('a filter condition needs an operator and an operand');
  }
  const { operator, operand, result } = node;
  switch (operator) {
    case '=':
    case '!=': {
      const left = operandValue(operand, context);
      const right = resultValue(result, context);
      if (left === null || right === null) return false;
      return operator === '=' ? left === right : left !== right;
    }
    case 'IN': {
      if (!Array.isArray(result)) throw parseError('IN needs a list of values as its result');
      const left = operandValue(operand, context);
      return left !== null && result.some((item) => resultValue(item, context) === left);
    }
    case '>':
    case '>=':
    case '<':
    case '<=':
      return compareChain(
        operator,
        listOf(operand, 2, operator).map((item) => operandValue(item, context)),
      );
    case '+':
    case '-':
    case '*':
      return arithmetic(
        operator,
        listOf(operand, 1, operator).map((item) => operandValue(item, context)),
      );
    case '/':
    case '%':
      return divide(
        operator,
        listOf(operand, 2, operator).map((item) => operandValue(item, context)),
      );
    case '%%':
    case 'i%%':
    case '^%%':
    case '^i%%':
    case '%%$':
    case 'i%%$':
      return matchText(operator, operandValue(operand, context), result);
    case '&&':
      return listOf(operand, 1, operator).every((item) => matchesCondition(item, context));
    case '||':
      return listOf(operand, 1, operator).some((item) => matchesCondition(item, context));
    default:
      throw parseError(`unknown filter operator ${JSON.stringify(operator)}`);
  }
}

/** A field name (string), a literal (number, boolean) or a nested condition. */
function operandValue(item: JsonValue | undefined, context: FilterContext): Value {
  if (typeof item === 'string') return fieldValue(item, context);
  return literalOrNested(item, context);
}

/** A literal (string included) or a nested condition. */
function resultValue(item: JsonValue | undefined, context: FilterContext): Value {
  if (typeof item === 'string') return item;
  return literalOrNested(item, context);
}

function literalOrNested(item: JsonValue | undefined, context: FilterContext): Value {
  if (item === undefined) throw parseError('a filter condition lacks a value');
  if (item === null || typeof item === 'number' || typeof item === 'boolean') return item;
  if (Array.isArray(item) || typeof item === 'string') throw parseError('a list is not a filter value');
  return evaluateNode(item, context);
}

function fieldValue(name: string, context: FilterContext): Value {
  if (context.columns.size > 0 && !context.columns.has(name)) {
    throw new TestServerFailure('FIELD_ERROR', `unknown field ${JSON.stringify(name)}`);
  }
  const value = context.row[name];
  if (value === undefined || value === null) return null;
  if (typeof value === 'object') throw new TestServerFailure('FIELD_ERROR', `field ${name} is not a scalar`);
  return value;
}

function listOf(operand: JsonValue, minimum: number, operator: string): JsonValue[] {
  if (!Array.isArray(operand) || operand.length < minimum) {
    throw parseError(`${operator} needs a list of at least ${String(minimum)} items`);
  }
  return operand;
}

/** `a > b > c` holds when each neighbouring pair does; mixed types or NULL never hold. */
function compareChain(operator: '>' | '>=' | '<' | '<=', values: Value[]): boolean {
  for (let index = 1; index < values.length; index += 1) {
    const left = values[index - 1] as Value;
    const right = values[index] as Value;
    if (left === null || right === null || typeof left !== typeof right) return false;
    const holds =
      operator === '>'
        ? left > right
        : operator === '>='
          ? left >= right
          : operator === '<'
            ? left < right
            : left <= right;
    if (!holds) return false;
  }
  return true;
}

function numbers(values: Value[]): number[] | null {
  return values.every((value) => typeof value === 'number') ? (values as number[]) : null;
}

function arithmetic(operator: '+' | '-' | '*', values: Value[]): Value {
  const operands = numbers(values);
  if (operands === null) return null;
  const [first, ...rest] = operands as [number, ...number[]];
  return rest.reduce(
    (total, value) => (operator === '+' ? total + value : operator === '-' ? total - value : total * value),
    first,
  );
}

/** Division and modulo by zero give NULL, as SQL does, instead of Infinity/NaN. */
function divide(operator: '/' | '%', values: Value[]): Value {
  if (values.length !== 2) throw parseError(`${operator} needs exactly two items`);
  const operands = numbers(values);
  if (operands === null || operands[1] === 0) return null;
  const [dividend, divisor] = operands as [number, number];
  return operator === '/' ? dividend / divisor : dividend % divisor;
}

function matchText(operator: string, value: Value, pattern: JsonValue | undefined): boolean {
  if (typeof pattern !== 'string' || pattern.length === 0)
    throw parseError(`${operator} needs a non-empty text`);
  if (value === null) return false;
  const insensitive = operator.includes('i');
  const text = insensitive ? String(value).toLowerCase() : String(value);
  const needle = insensitive ? pattern.toLowerCase() : pattern;
  if (operator.startsWith('^')) return text.startsWith(needle);
  if (operator.endsWith('$')) return text.endsWith(needle);
  return text.includes(needle);
}

function parseError(message: string): TestServerFailure {
  return new TestServerFailure('PARSE_QUERY_ERROR', message);
}
