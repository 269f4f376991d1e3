/**
 * Evaluates `where` conditions. Values are evaluated once, before any object is tested; strings
 * compare by UTF-8 bytes, `~` / `!~` test whether a string contains another.
 * @internal
 */

import { logLevelRank } from './object-properties.js';
import type { CompareOperator, Condition, WhereValue } from './query-ast.js';
import type { QueryContext } from './query-context.js';
import type { TestSeries } from './store.js';
import { accessFromName, type TestUser } from './users.js';

/** A property of the object under test, by name. */
export type PropertyLookup = (name: string) => bigint | string;

/** Tests one object. */
export type ObjectTest = (lookup: PropertyLookup) => boolean;

/** Byte order of the UTF-8 encodings. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function order(left: bigint | string, right: bigint | string): number {
  if (typeof left === 'string' && typeof right === 'string') return compareBytes(left, right);
  return left < right ? -1 : left > right ? 1 : 0;
}

function compare(operator: CompareOperator, left: bigint | string, right: bigint | string): boolean {
  switch (operator) {
    case '~':
      return String(left).includes(String(right));
    case '!~':
      return !String(left).includes(String(right));
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return order(left, right) < 0;
    case '>':
      return order(left, right) > 0;
    case '<=':
      return order(left, right) <= 0;
    default:
      return order(left, right) >= 0;
  }
}

function operand(context: QueryContext, property: string, value: WhereValue): bigint | string {
  switch (value.kind) {
    case 'string':
      return value.value;
    case 'integer':
      return context.integer(value.expression);
    case 'time':
      return context.timestamp(value.expression);
    default:
      // access rights compare as bit sets, log levels by severity
      if (property === 'access') return BigInt(accessFromName(value.word));
      return property === 'log_level' ? logLevelRank(value.word) : value.word;
  }
}

/** Objects that meet `where` (all of them without one); `lookup` gives each one's properties. */
export function objectsWhere<T>(
  context: QueryContext,
  where: Condition | undefined,
  objects: readonly T[],
  lookup: (object: T) => PropertyLookup,
): T[] {
  if (where === undefined) return [...objects];
  const test = compileCondition(context, where);
  return objects.filter((object) => test(lookup(object)));
}

/** Turns a condition into a test, evaluating its values now. */
export function compileCondition(context: QueryContext, condition: Condition): ObjectTest {
  switch (condition.kind) {
    case 'and': {
      const tests = condition.items.map((item) => compileCondition(context, item));
      return (lookup) => tests.every((test) => test(lookup));
    }
    case 'or': {
      const tests = condition.items.map((item) => compileCondition(context, item));
      return (lookup) => tests.some((test) => test(lookup));
    }
    default: {
      const { property, operator } = condition;
      const right = operand(context, property, condition.value);
      return (lookup) => compare(operator, lookup(property), right);
    }
  }
}

/** The shard duration of a series: 0 until some of its points were written to a shard. */
export function shardDuration(context: QueryContext, series: TestSeries): bigint {
  return context.db.shards.durationOf(series);
}

/** A series' `where` properties (and `list series` columns). */
export function seriesProperty(context: QueryContext, series: TestSeries): PropertyLookup {
  return (name) => {
    switch (name) {
      case 'length':
        return BigInt(series.length);
      case 'pool':
        return 0n;
      case 'start':
        return series.start;
      case 'end':
        return series.end;
      case 'shard_duration':
        return shardDuration(context, series);
      case 'type':
        return series.type;
      default:
        return series.name;
    }
  };
}

/** Series that meet `condition` (all of them without one). */
export function filterSeries(
  context: QueryContext,
  series: TestSeries[],
  condition: Condition | undefined,
): TestSeries[] {
  if (condition === undefined) return series;
  const test = compileCondition(context, condition);
  return series.filter((entry) => test(seriesProperty(context, entry)));
}

/** A user's `where` properties: `name`, and `access` as a bit set. */
export function userProperty(user: TestUser): PropertyLookup {
  return (name) => (name === 'access' ? BigInt(user.access) : user.name);
}
