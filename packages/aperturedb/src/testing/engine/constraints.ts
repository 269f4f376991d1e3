import { abort } from './abort.js';
import type { JsonValue } from './json.js';
import { isJsonObject } from './json.js';
import type { PropertyValue } from './values.js';
import { compareSameKind, isPropertyValue } from './values.js';

/** Reads a property (or a system property such as `_uniqueid`) of the record under test. */
export type PropertyReader = (key: string) => PropertyValue | undefined;

const operators = new Set(['==', '!=', '<', '<=', '>', '>=', 'in', 'not in']);
/** The docs allow only these on `_uniqueid`; `!=` is added because `remove_all_objects` sends it. */
const uniqueIdOperators = new Set(['==', '!=', 'in', 'not in']);

/**
 * A compiled `constraints` object: `key → [op, value, (op, value)…]` joined by AND, with `any` (OR)
 * and `all` (AND) wrappers that may nest (docs/protocols/aperturedb.md §5.2). Validation happens once,
 * so a malformed constraint aborts the transaction even when no record is tested.
 */
export type Predicate = (read: PropertyReader) => boolean;

export function compileConstraints(constraints: JsonValue | undefined): Predicate {
  if (constraints === undefined) return () => true;
  if (!isJsonObject(constraints)) abort('constraints must be an object');
  const parts: Predicate[] = [];
  for (const [key, spec] of Object.entries(constraints)) {
    if (key === 'any' || key === 'all') {
      const members = groupMembers(spec);
      parts.push(
        key === 'any' ? (read) => members.some((p) => p(read)) : (read) => members.every((p) => p(read)),
      );
    } else {
      parts.push(compileKey(key, spec));
    }
  }
  return (read) => parts.every((p) => p(read));
}

/**
 * The alternatives of an `any`/`all` group: each key of an object is one member; in the array form
 * each object is one member (its keys joined by AND).
 */
function groupMembers(spec: JsonValue): Predicate[] {
  if (Array.isArray(spec)) return spec.map((member) => compileConstraints(member));
  if (!isJsonObject(spec)) abort('any/all must hold constraints');
  return Object.entries(spec).map(([key, value]) => compileConstraints({ [key]: value }));
}

function compileKey(key: string, spec: JsonValue): Predicate {
  if (!Array.isArray(spec) || spec.length === 0 || spec.length % 2 !== 0) {
    abort(`constraint on "${key}" must be [op, value, …]`);
  }
  const tests: Array<(value: PropertyValue) => boolean> = [];
  for (let i = 0; i < spec.length; i += 2) {
    const op = spec[i];
    const operand = spec[i + 1] as JsonValue;
    if (typeof op !== 'string' || !operators.has(op))
      abort(`unknown constraint operator ${JSON.stringify(op)}`);
    if (key === '_uniqueid' && !uniqueIdOperators.has(op))
      abort(`operator ${op} is not supported on _uniqueid`);
    tests.push(compileOperator(key, op, operand));
  }
  return (read) => {
    const value = read(key);
    // A record without the property matches no constraint on it.
    return value !== undefined && tests.every((test) => test(value));
  };
}

function compileOperator(key: string, op: string, operand: JsonValue): (value: PropertyValue) => boolean {
  if (op === 'in' || op === 'not in') {
    if (!Array.isArray(operand) || !operand.every(isPropertyValue)) {
      abort(`"${op}" on "${key}" needs an array of values`);
    }
    const list = operand as PropertyValue[];
    const member = (value: PropertyValue) =>
      list.some((candidate) => compareSameKind(value, candidate) === 0);
    return op === 'in' ? member : (value) => !member(value);
  }
  if (!isPropertyValue(operand)) abort(`invalid value for "${op}" on "${key}"`);
  switch (op) {
    case '==':
      return (value) => compareSameKind(value, operand) === 0;
    case '!=':
      return (value) => compareSameKind(value, operand) !== 0;
    case '<':
      return (value) => (compareSameKind(value, operand) ?? 0) < 0;
    case '<=':
      return (value) => within(compareSameKind(value, operand), (c) => c <= 0);
    case '>':
      return (value) => (compareSameKind(value, operand) ?? 0) > 0;
    default:
      return (value) => within(compareSameKind(value, operand), (c) => c >= 0);
  }
}

function within(comparison: number | undefined, test: (c: number) => boolean): boolean {
  return comparison !== undefined && test(comparison);
}
