import { ConfigError } from '@conn/core';

// Constraints map a property key to `[op, value]` or a range `[op, value, op, value]`; `any` / `all`
// wrap a set of them for OR / AND (docs/protocols/aperturedb.md §5.2).

/** A date property value. */
export interface DateValue {
  readonly _date: string;
}

/** A property value: integer, float, string, boolean or date. */
export type PropertyValue = string | number | boolean | DateValue;

/** Comparison operators. */
export type ComparisonOperator = '<' | '<=' | '==' | '!=' | '>' | '>=';
/** Every constraint operator. */
export type ConstraintOperator = ComparisonOperator | 'in' | 'not in';

/** One key's condition: `[op, value]`, or two comparisons that must both hold (a range). */
export type ConstraintTerm =
  | readonly [ComparisonOperator, PropertyValue]
  | readonly ['in' | 'not in', readonly PropertyValue[]]
  | readonly [ComparisonOperator, PropertyValue, ComparisonOperator, PropertyValue];

/** Conditions on property keys, all of which must hold, or an `any` / `all` group. */
export type Constraints =
  | { readonly [key: string]: ConstraintTerm }
  | { readonly any: Constraints }
  | { readonly all: Constraints };

/** `["==", value]` */
export function equal(value: PropertyValue): readonly ['==', PropertyValue] {
  return ['==', value];
}
/** `["!=", value]` */
export function notEqual(value: PropertyValue): readonly ['!=', PropertyValue] {
  return ['!=', value];
}
/** `[">", value]` */
export function greater(value: PropertyValue): readonly ['>', PropertyValue] {
  return ['>', value];
}
/** `[">=", value]` */
export function greaterOrEqual(value: PropertyValue): readonly ['>=', PropertyValue] {
  return ['>=', value];
}
/** `["<", value]` */
export function less(value: PropertyValue): readonly ['<', PropertyValue] {
  return ['<', value];
}
/** `["<=", value]` */
export function lessOrEqual(value: PropertyValue): readonly ['<=', PropertyValue] {
  return ['<=', value];
}
/** `["in", values]`: the property is one of `values`. */
export function isIn(values: readonly PropertyValue[]): readonly ['in', readonly PropertyValue[]] {
  return ['in', checkList(values, 'isIn')];
}
/** `["not in", values]`: the property is none of `values`. */
export function notIn(values: readonly PropertyValue[]): readonly ['not in', readonly PropertyValue[]] {
  return ['not in', checkList(values, 'notIn')];
}
/** Two comparisons that must both hold: `both(greaterOrEqual(20), lessOrEqual(90))` → `[">=", 20, "<=", 90]`. */
export function both(
  first: readonly [ComparisonOperator, PropertyValue],
  second: readonly [ComparisonOperator, PropertyValue],
): readonly [ComparisonOperator, PropertyValue, ComparisonOperator, PropertyValue] {
  return [first[0], first[1], second[0], second[1]];
}
/** `{ any: constraints }`: at least one of the conditions holds (OR). */
export function any(constraints: Constraints): { readonly any: Constraints } {
  return { any: constraints };
}
/** `{ all: constraints }`: every condition holds (AND, also the default without a wrapper). */
export function all(constraints: Constraints): { readonly all: Constraints } {
  return { all: constraints };
}
/** A date value: `{ _date: ISO-8601 }`; a `Date` is written in UTC. */
export function date(value: Date | string): DateValue {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime()))
      throw new ConfigError('date() was given an invalid Date', { code: 'CONN_APERTUREDB_QUERY_ARGUMENT' });
    return { _date: value.toISOString() };
  }
  return { _date: value };
}

function checkList(values: readonly PropertyValue[], name: string): readonly PropertyValue[] {
  if (!Array.isArray(values))
    throw new ConfigError(`${name}() needs an array of values`, { code: 'CONN_APERTUREDB_QUERY_ARGUMENT' });
  return values;
}
