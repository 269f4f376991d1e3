/**
 * Aggregate and filter functions of `select` (docs/protocols/siridb.md §13): result types, bucket
 * timestamps (the end of the bucket, aligned to the epoch, so a point at exactly a
 * bucket boundary belongs to the bucket that ends there) and the server's error messages.
 * @internal
 */
import type { ReducerName } from './query-ast.js';
import type { Point, PointValue, SeriesType } from './store.js';
import { INT64_MAX, INT64_MIN } from './time-expr.js';

/** Points of one series (or of a previous aggregation step). */
export interface Points {
  readonly type: SeriesType;
  readonly points: readonly Point[];
}

/** A select function as parsed from the query: a reducer, or a function that keeps one value per point. */
export type AggregateName = ReducerName | 'interval' | 'timeval' | 'filter';

/** A filter's operand. */
export type FilterValue =
  | { readonly kind: 'integer'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'regex'; readonly value: RegExp };

/** One step of an `=>` chain. `groupBy` 0 means "no time buckets". */
export interface Aggregate {
  readonly name: AggregateName;
  groupBy: bigint;
  offset: bigint;
  /** `limit(n, fn)`: 0 when not a limit. */
  readonly limit: bigint;
  timespan: number;
  readonly filter?: { readonly operator: string; readonly operand: FilterValue };
}

/** An aggregation failed; the message is the server's (answered as 65). */
export class AggregateFailure extends Error {}

function resultType(name: AggregateName, source: SeriesType): SeriesType {
  switch (name) {
    case 'mean':
    case 'median':
    case 'pvariance':
    case 'variance':
    case 'stddev':
    case 'derivative':
      return 'float';
    case 'count':
    case 'timeval':
    case 'interval':
      return 'integer';
    default:
      return source;
  }
}

function num(value: PointValue): number {
  return typeof value === 'bigint' ? Number(value) : (value as number);
}

function variance(points: readonly Point[]): number {
  let mean = 0;
  for (const point of points) mean += num(point.value);
  mean /= points.length;
  let sum = 0;
  for (const point of points) sum += (num(point.value) - mean) ** 2;
  return sum;
}

function sorted(type: SeriesType, points: readonly Point[]): PointValue[] {
  const values = points.map((point) => point.value);
  if (type === 'integer') return (values as bigint[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return (values as number[]).sort((a, b) => a - b);
}

/** One value for a group of points. */
function reduce(
  name: AggregateName,
  type: SeriesType,
  points: readonly Point[],
  aggregate: Aggregate,
): PointValue {
  const first = points[0] as Point;
  const last = points[points.length - 1] as Point;
  if (type === 'string' && name !== 'count' && name !== 'first' && name !== 'last') {
    throw new AggregateFailure(`Cannot use ${name}() on string type.`);
  }
  switch (name) {
    case 'count':
      return BigInt(points.length);
    case 'first':
      return first.value;
    case 'last':
      return last.value;
    case 'max':
    case 'min': {
      let best = first.value;
      for (const point of points) {
        if (name === 'max' ? point.value > best : point.value < best) best = point.value;
      }
      return best;
    }
    case 'sum': {
      if (type === 'integer') {
        let sum = 0n;
        for (const point of points) {
          sum += point.value as bigint;
          if (sum > INT64_MAX || sum < INT64_MIN)
            throw new AggregateFailure('Overflow detected while using sum().');
        }
        return sum;
      }
      let sum = 0;
      for (const point of points) sum += point.value as number;
      return sum;
    }
    case 'mean': {
      let sum = 0;
      for (const point of points) sum += num(point.value);
      return sum / points.length;
    }
    case 'median': {
      const values = sorted(type, points);
      if (values.length % 2 === 1) return num(values[values.length >> 1] as PointValue);
      const n = values.length / 2;
      return (num(values[n - 1] as PointValue) + num(values[n] as PointValue)) / 2;
    }
    case 'median_high':
      return sorted(type, points)[points.length >> 1] as PointValue;
    case 'median_low':
      return sorted(type, points)[(points.length - 1) >> 1] as PointValue;
    case 'variance':
      return points.length > 1 ? variance(points) / (points.length - 1) : 0;
    case 'pvariance':
      return variance(points) / points.length;
    case 'stddev':
      return points.length > 1 ? Math.sqrt(variance(points) / (points.length - 1)) : 0;
    case 'difference':
      if (type === 'integer') {
        if (points.length === 1) return 0n;
        const diff = (last.value as bigint) - (first.value as bigint);
        if (diff > INT64_MAX || diff < INT64_MIN)
          throw new AggregateFailure('Overflow detected while using difference().');
        return diff;
      }
      return points.length === 1 ? 0 : (last.value as number) - (first.value as number);
    case 'derivative':
      return points.length === 1 ? 0 : (num(last.value) - num(first.value)) * aggregate.timespan;
    default:
      throw new AggregateFailure(`${name}() cannot be used with a time-span.`);
  }
}

function groupTs(ts: bigint, aggregate: Aggregate): bigint {
  const g = aggregate.groupBy;
  return ((ts + g - 1n) / g) * g + aggregate.offset;
}

/** One point per time bucket, stamped with the bucket's end. */
function groupBy(source: Points, aggregate: Aggregate): Points {
  const type = resultType(aggregate.name, source.type);
  const out: Point[] = [];
  const points = source.points;
  let bucket = groupTs((points[0] as Point).ts, aggregate);
  let start = 0;
  const emit = (end: number): void => {
    const group = points.slice(start, end);
    const value = reduce(aggregate.name, source.type, group, aggregate);
    // first() and last() on string series keep the time of the point they pick
    let ts = bucket;
    if (source.type === 'string' && (aggregate.name === 'first' || aggregate.name === 'last')) {
      ts = (aggregate.name === 'first' ? (group[0] as Point) : (group[group.length - 1] as Point)).ts;
    }
    out.push({ ts, value });
  };
  for (let end = 0; end < points.length; end++) {
    const point = points[end] as Point;
    if (point.ts > bucket) {
      emit(end);
      start = end;
      bucket = groupTs(point.ts, aggregate);
    }
  }
  emit(points.length);
  return { type, points: out };
}

/** Without a time-span: one point, at the first point's time for `first`, else at the last one's. */
function toOne(source: Points, aggregate: Aggregate): Points {
  const points = source.points;
  const value = reduce(aggregate.name, source.type, points, aggregate);
  const at = aggregate.name === 'first' ? (points[0] as Point) : (points[points.length - 1] as Point);
  return { type: resultType(aggregate.name, source.type), points: [{ ts: at.ts, value }] };
}

function pairwise(source: Points, aggregate: Aggregate): Points {
  const points = source.points;
  const out: Point[] = [];
  if (aggregate.name === 'interval' || aggregate.name === 'timeval') {
    if (aggregate.name === 'timeval') {
      for (const point of points) out.push({ ts: point.ts, value: point.ts });
      return { type: 'integer', points: out };
    }
    for (let i = 1; i < points.length; i++) {
      const current = points[i] as Point;
      out.push({ ts: current.ts, value: current.ts - (points[i - 1] as Point).ts });
    }
    return { type: 'integer', points: out };
  }
  if (source.type === 'string') throw new AggregateFailure(`Cannot use ${aggregate.name}() on string type.`);
  for (let i = 1; i < points.length; i++) {
    const previous = points[i - 1] as Point;
    const current = points[i] as Point;
    if (aggregate.name === 'derivative') {
      const value =
        ((num(current.value) - num(previous.value)) / Number(current.ts - previous.ts)) * aggregate.timespan;
      out.push({ ts: current.ts, value });
    } else if (source.type === 'integer') {
      const diff = (current.value as bigint) - (previous.value as bigint);
      if (diff > INT64_MAX || diff < INT64_MIN)
        throw new AggregateFailure('Overflow detected while using difference().');
      out.push({ ts: current.ts, value: diff });
    } else {
      out.push({ ts: current.ts, value: (current.value as number) - (previous.value as number) });
    }
  }
  return { type: aggregate.name === 'derivative' ? 'float' : source.type, points: out };
}

function compare(operator: string, a: PointValue, b: PointValue): boolean {
  switch (operator) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
    case '~':
      return (a as string).includes(b as string);
    default:
      return !(a as string).includes(b as string);
  }
}

/** Keeps the points whose value passes the filter; the operand must suit the series type. */
function filter(source: Points, aggregate: Aggregate): Points {
  const spec = aggregate.filter;
  if (spec === undefined) return source;
  const { operator, operand } = spec;
  if (source.type === 'string') {
    if (operand.kind !== 'string' && operand.kind !== 'regex') {
      throw new AggregateFailure('Cannot use a number filter on string type.');
    }
    const keep = source.points.filter((point) => {
      if (operand.kind === 'regex') {
        const match = operand.value.test(point.value as string);
        return operator === '==' ? match : !match;
      }
      return compare(operator, point.value, operand.value);
    });
    return { type: source.type, points: keep };
  }
  if (operand.kind === 'string' || operand.kind === 'regex') {
    throw new AggregateFailure('Cannot use a string filter on number type.');
  }
  let value: PointValue;
  if (source.type === 'integer') {
    value = operand.kind === 'integer' ? operand.value : truncateToInt64(operand.value);
  } else {
    value = operand.kind === 'float' ? operand.value : Number(operand.value);
  }
  return {
    type: source.type,
    points: source.points.filter((point) => compare(operator, point.value, value)),
  };
}

const TWO_POW_63 = 2 ** 63;

/** `(int64_t) d` as x86-64 does it: out-of-range and NaN become INT64_MIN. */
export function truncateToInt64(value: number): bigint {
  if (!Number.isFinite(value) || value >= TWO_POW_63 || value < -TWO_POW_63) {
    return INT64_MIN;
  }
  return BigInt(Math.trunc(value));
}

/** Runs one step of a `=>` chain; `source` has at least one point. */
export function runAggregate(source: Points, aggregate: Aggregate): Points {
  if (aggregate.limit > 0n) {
    // limit(n, fn): no-op when short enough, else buckets sized to give at most `n` points
    if (BigInt(source.points.length) <= aggregate.limit) return source;
    const first = (source.points[0] as Point).ts;
    const timespan = (source.points[source.points.length - 1] as Point).ts - first;
    aggregate.groupBy = timespan / aggregate.limit + 1n;
    aggregate.offset = (first - 1n) % aggregate.groupBy;
    return groupBy(source, aggregate);
  }
  if (aggregate.groupBy > 0n) return groupBy(source, aggregate);
  switch (aggregate.name) {
    case 'difference':
    case 'derivative':
    case 'interval':
    case 'timeval':
      return pairwise(source, aggregate);
    case 'filter':
      return filter(source, aggregate);
    default:
      return toOne(source, aggregate);
  }
}
