import type { JsonObject, JsonValue } from './json.js';
import { isJsonObject } from './json.js';

/** A stored property value: integer/float, string, boolean, or a `{"_date": "<ISO-8601>"}` time. */
export type PropertyValue = number | string | boolean | DateValue;
export type DateValue = { readonly _date: string };
export type Properties = Readonly<Record<string, PropertyValue>>;

export function isDateValue(value: unknown): value is DateValue {
  return isJsonObject(value) && typeof value['_date'] === 'string' && Object.keys(value).length === 1;
}

export function isPropertyValue(value: unknown): value is PropertyValue {
  return (
    (typeof value === 'number' && Number.isFinite(value)) ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    isDateValue(value)
  );
}

/** The type names GetSchema reports for a property. */
export function schemaTypeName(value: PropertyValue): string {
  if (typeof value === 'number') return 'Number';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  return 'DateTime';
}

/** Comparable form of a value, or undefined for a date string that does not parse. */
type Comparable = { readonly rank: number; readonly key: number | string | boolean };

function comparable(value: PropertyValue): Comparable | undefined {
  if (typeof value === 'number') return { rank: 0, key: value };
  if (typeof value === 'string') return { rank: 1, key: value };
  if (typeof value === 'boolean') return { rank: 2, key: value };
  const millis = Date.parse(value._date);
  return Number.isNaN(millis) ? undefined : { rank: 3, key: millis };
}

/**
 * Compares two values of the same kind (-1, 0, 1), or returns undefined when their kinds differ:
 * a number never equals a string, and ordering across kinds matches nothing.
 */
export function compareSameKind(left: PropertyValue, right: PropertyValue): number | undefined {
  const a = comparable(left);
  const b = comparable(right);
  if (a === undefined || b === undefined || a.rank !== b.rank) return undefined;
  if (a.key === b.key) return 0;
  return a.key < b.key ? -1 : 1;
}

/** A total order for sorting results: numbers, strings, booleans, dates, and missing values last. */
export function compareForSort(left: PropertyValue | undefined, right: PropertyValue | undefined): number {
  if (left === undefined || right === undefined) {
    if (left === right) return 0;
    return left === undefined ? 1 : -1;
  }
  const a = comparable(left);
  const b = comparable(right);
  const rankA = a?.rank ?? 4;
  const rankB = b?.rank ?? 4;
  if (rankA !== rankB) return rankA - rankB;
  if (a === undefined || b === undefined || a.key === b.key) return 0;
  return a.key < b.key ? -1 : 1;
}

export function propertyToJson(value: PropertyValue): JsonValue {
  return isDateValue(value) ? ({ _date: value._date } satisfies JsonObject) : value;
}
