/**
 * The filter-condition AST of ZQL (`fc` elements): `{operator, operand}` or
 * `{operator, operand, result}`, nested conditions embedded as their own objects. Helper names,
 * operators and argument checks follow `docs/protocols/zteradb.md` (filter-condition AST): the
 * official helper names are kept so code written against the official clients reads the same.
 * Checks the official clients miss (empty lists, non-finite numbers) are added; the Node client's
 * bugs (nested conditions refused in comparisons or as an equality's `result`) are not copied.
 */
import { zqlError } from './zql-error.js';

/** A JSON scalar usable in a filter: by convention strings in operand lists are field names. */
export type ZqlScalar = string | number | boolean;

/** Every operator of the AST that has a helper. (`!=` exists only as an enum value upstream.) */
export type ZqlOperator =
  | '='
  | 'IN'
  | '>'
  | '>='
  | '<'
  | '<='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '%%'
  | 'i%%'
  | '^%%'
  | '^i%%'
  | '%%$'
  | 'i%%$'
  | '&&'
  | '||';

/** A scalar or a nested condition: what comparison and arithmetic lists hold. */
export type ZqlExpression = ZqlScalar | ZqlCondition;

/** One node of the AST, made only by the `ZT*` helpers. Key order is the wire's. */
export interface ZqlCondition {
  readonly operator: ZqlOperator;
  readonly operand: string | ZqlExpression | readonly ZqlExpression[];
  readonly result?: ZqlExpression | readonly ZqlExpression[];
}

/**
 * Marks conditions made by the helpers (a look-alike object is refused). A registered symbol, not
 * a module-level set, so that the ESM and CommonJS copies of this package accept each other's.
 */
const MADE_BY_HELPER: unique symbol = Symbol.for('@conn/zteradb/zql-condition') as never;

/** A helper over a list of expressions (comparisons, arithmetic). */
export type ZqlListHelper = (items: readonly ZqlExpression[]) => ZqlCondition;
/** A string-matching helper: a field and a non-empty text. */
export type ZqlMatchHelper = (field: string, text: string) => ZqlCondition;
/** A logical helper over a list of conditions. */
export type ZqlLogicalHelper = (conditions: readonly ZqlCondition[]) => ZqlCondition;

/** True when `value` was built by one of the `ZT*` helpers. */
export function isZqlCondition(value: unknown): value is ZqlCondition {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, MADE_BY_HELPER);
}

function node(
  operator: ZqlOperator,
  operand: ZqlCondition['operand'],
  result?: ZqlCondition['result'],
): ZqlCondition {
  const condition: ZqlCondition =
    result === undefined ? { operator, operand } : { operator, operand, result };
  // Not enumerable: JSON.stringify and spreads never see it.
  Object.defineProperty(condition, MADE_BY_HELPER, { value: true });
  return Object.freeze(condition);
}

function checkExpression(value: unknown, where: string): ZqlExpression {
  if (isZqlCondition(value)) return value;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw zqlError(`${String(value)} is not a finite number`, where);
    return value;
  }
  throw zqlError('expected a string, number, boolean or a ZT* condition', where);
}

function checkList(values: unknown, where: string, min: number): ZqlExpression[] {
  if (!Array.isArray(values)) throw zqlError('expected an array', where);
  if (values.length < min) {
    throw zqlError(`needs at least ${min} item${min === 1 ? '' : 's'}, got ${values.length}`, where);
  }
  return Object.freeze(
    values.map((value, index) => checkExpression(value, `${where}[${index}]`)),
  ) as ZqlExpression[];
}

function checkText(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw zqlError('expected a non-empty string', where);
  return value;
}

/** `a = b`: `a` a field name, literal or condition; `b` a literal or condition. */
export function ZTEQUAL(a: ZqlExpression, b: ZqlExpression): ZqlCondition {
  return node('=', checkExpression(a, 'ZTEQUAL(a)'), checkExpression(b, 'ZTEQUAL(b)'));
}

/** `field IN (values)`; `values` non-empty, nested conditions allowed. */
export function ZTIN(field: string, values: readonly ZqlExpression[]): ZqlCondition {
  return node('IN', checkText(field, 'ZTIN(field)'), checkList(values, 'ZTIN(values)', 1));
}

function comparison(operator: '>' | '>=' | '<' | '<=', name: string) {
  return (items: readonly ZqlExpression[]): ZqlCondition =>
    node(operator, checkList(items, `${name}(items)`, 2));
}

/** `items[0] > items[1] ...`; at least two fields, literals or conditions. */
export const ZTGT: ZqlListHelper = comparison('>', 'ZTGT');
/** `items[0] >= items[1] ...`; at least two items. */
export const ZTGTE: ZqlListHelper = comparison('>=', 'ZTGTE');
/** `items[0] < items[1] ...`; at least two items. */
export const ZTLT: ZqlListHelper = comparison('<', 'ZTLT');
/** `items[0] <= items[1] ...`; at least two items. */
export const ZTLTE: ZqlListHelper = comparison('<=', 'ZTLTE');

function arithmetic(operator: '+' | '-' | '*', name: string) {
  return (items: readonly ZqlExpression[]): ZqlCondition =>
    node(operator, checkList(items, `${name}(items)`, 1));
}

/** Sum of the items (fields, numbers or conditions); the list must not be empty. */
export const ZTADD: ZqlListHelper = arithmetic('+', 'ZTADD');
/** Difference of the items, left to right; the list must not be empty. */
export const ZTSUB: ZqlListHelper = arithmetic('-', 'ZTSUB');
/** Product of the items; the list must not be empty. */
export const ZTMUL: ZqlListHelper = arithmetic('*', 'ZTMUL');

function divisor(value: unknown, where: string): ZqlExpression {
  // The official client refuses a falsy divisor; 0, -0, '' and false all divide by zero or nothing.
  if (value === 0 || value === '' || value === false) throw zqlError('must not be zero or empty', where);
  return checkExpression(value, where);
}

/** `a / b`; `b` must not be zero. */
export function ZTDIV(a: ZqlExpression, b: ZqlExpression): ZqlCondition {
  return node('/', Object.freeze([checkExpression(a, 'ZTDIV(a)'), divisor(b, 'ZTDIV(divisor)')]));
}

/** `a % b`; `b` must not be zero. */
export function ZTMOD(a: ZqlExpression, b: ZqlExpression): ZqlCondition {
  return node('%', Object.freeze([checkExpression(a, 'ZTMOD(a)'), divisor(b, 'ZTMOD(divisor)')]));
}

function match(operator: '%%' | 'i%%' | '^%%' | '^i%%' | '%%$' | 'i%%$', name: string) {
  return (field: string, text: string): ZqlCondition =>
    node(operator, checkText(field, `${name}(field)`), checkText(text, `${name}(text)`));
}

/** `field LIKE '%text%'`. */
export const ZTCONTAINS: ZqlMatchHelper = match('%%', 'ZTCONTAINS');
/** Case-insensitive contains. */
export const ZTICONTAINS: ZqlMatchHelper = match('i%%', 'ZTICONTAINS');
/** `field LIKE 'text%'`. */
export const ZTSTARTSWITH: ZqlMatchHelper = match('^%%', 'ZTSTARTSWITH');
/** Case-insensitive starts-with. */
export const ZTISTARTSWITH: ZqlMatchHelper = match('^i%%', 'ZTISTARTSWITH');
/** `field LIKE '%text'`. */
export const ZTENDSWITH: ZqlMatchHelper = match('%%$', 'ZTENDSWITH');
/** Case-insensitive ends-with. */
export const ZTIENDSWITH: ZqlMatchHelper = match('i%%$', 'ZTIENDSWITH');

function logical(operator: '&&' | '||', name: string) {
  return (conditions: readonly ZqlCondition[]): ZqlCondition => {
    const where = `${name}(conditions)`;
    if (!Array.isArray(conditions)) throw zqlError('expected an array of conditions', where);
    if (conditions.length === 0) throw zqlError('needs at least 1 condition, got 0', where);
    conditions.forEach((condition, index) => {
      if (!isZqlCondition(condition)) throw zqlError('expected a ZT* condition', `${where}[${index}]`);
    });
    return node(operator, Object.freeze([...conditions]));
  };
}

/** All conditions hold. */
export const ZTAND: ZqlLogicalHelper = logical('&&', 'ZTAND');
/** At least one condition holds. */
export const ZTOR: ZqlLogicalHelper = logical('||', 'ZTOR');
