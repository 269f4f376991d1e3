/**
 * Runs `select`: matches series, applies the `where` filter and range, runs each selection's
 * function chain per series (or on the merged points) and answers `{name: [[ts, value], …]}` with
 * keys in byte order (docs/protocols/siridb.md §6.3, §12, §13).
 * @internal
 */
import { type Aggregate, type Points, runAggregate } from './aggregates.js';
import { matchSeries } from './match-series.js';
import { mergePoints } from './merge-points.js';
import type { SelectFunction, SelectRange, SelectStatement } from './query-ast.js';
import type { QueryContext } from './query-context.js';
import { QueryFailure } from './query-failure.js';
import { ResponseWriter } from './response-writer.js';
import { aggregateSteps } from './select-functions.js';
import { inIdMapOrder } from './series-ids.js';
import type { Point, TestSeries } from './store.js';
import { Access } from './users.js';
import { compareBytes, filterSeries } from './where-filter.js';

const MAX_HEAD_TAIL = 1_000_000n;

/** Where to read points: a time window, or the first (> 0) / last (< 0) `headTail` points. */
interface PointWindow {
  readonly start: bigint | undefined;
  readonly end: bigint | undefined;
  readonly headTail: bigint;
}

function pointsLimit(limit: number): QueryFailure {
  return new QueryFailure(
    `Query has reached the maximum number of selected points (${limit}). Please use another time window, an aggregation function or select less series to reduce the number of points.`,
  );
}

function pointWindow(context: QueryContext, range: SelectRange | undefined): PointWindow {
  if (range === undefined) return { start: undefined, end: undefined, headTail: 0n };
  switch (range.kind) {
    case 'after':
      return { start: context.timestamp(range.at), end: undefined, headTail: 0n };
    case 'before':
      return { start: undefined, end: context.timestamp(range.at), headTail: 0n };
    case 'between': {
      const start = context.timestamp(range.from);
      const end = context.timestamp(range.to);
      if (start > end)
        throw new QueryFailure(`Start time (${start}) should not be greater than end time (${end})`);
      return { start, end, headTail: 0n };
    }
    case 'head': {
      const count = context.integer(range.count);
      if (count <= 0n || count > MAX_HEAD_TAIL) {
        throw new QueryFailure(`Head must be a value between 1 and 1000000, got ${count}`);
      }
      return { start: undefined, end: undefined, headTail: count };
    }
    default: {
      const count = context.integer(range.count);
      if (count < 1n || count > MAX_HEAD_TAIL) {
        throw new QueryFailure(`Tail must be a value between 1 and 1000000, got ${count}`);
      }
      return { start: undefined, end: undefined, headTail: -count };
    }
  }
}

function readPoints(series: TestSeries, window: PointWindow, ignoreHeadTail: boolean): Point[] {
  const headTail = ignoreHeadTail ? 0n : window.headTail;
  if (headTail > 0n) return series.points.slice(0, Number(headTail));
  if (headTail < 0n) return series.points.slice(Math.max(0, series.points.length + Number(headTail)));
  if (window.start === undefined && window.end === undefined) return series.points;
  return series.range(window.start, window.end);
}

function runChain(points: Points, steps: readonly Aggregate[]): Points {
  let current = points;
  for (const step of steps) {
    if (current.points.length === 0) break;
    current = runAggregate(current, step);
  }
  return current;
}

/** True when the chain starts with `count()`, `first()` or `last()` without a time-span. */
function startsWithWholeSeriesReducer(chain: readonly SelectFunction[]): boolean {
  const first = chain[0];
  return (
    first?.kind === 'reduce' &&
    first.span === undefined &&
    (first.name === 'count' || first.name === 'first' || first.name === 'last')
  );
}

export function runSelect(context: QueryContext, statement: SelectStatement): ResponseWriter {
  context.check(Access.select);
  const db = context.db;
  const matched = matchSeries(db, statement.match);
  const mergeSteps = statement.merge === undefined ? [] : aggregateSteps(context, statement.merge.using);
  const window = pointWindow(context, statement.range);
  // the server walks the selected series in the order of its id map (this orders merged points)
  const series = inIdMapOrder(filterSeries(context, matched.series, statement.where));
  const result = new Map<string, Points>();
  const merged = new Map<string, Points[]>();
  const seen = new Set<string>();
  let total = 0;
  // the last selection is handled first, so a duplicate is found on the earlier one
  for (const column of [...statement.columns].reverse()) {
    const key = JSON.stringify([column.prefix ?? null, column.suffix ?? null]);
    if (seen.has(key)) {
      throw new QueryFailure(
        'When using multiple select methods, add a prefix and/or suffix to the selection to make them unique.',
      );
    }
    seen.add(key);
    const rename = (name: string): string => `${column.prefix ?? ''}${name}${column.suffix ?? ''}`;
    if (statement.merge !== undefined) merged.set(rename(statement.merge.name), []);
    if (series.length === 0) continue;
    const steps = aggregateSteps(context, column.chain);
    // count(), first() and last() over whole series need no points read, so skip the limit check
    const wholeSeries =
      window.start === undefined && window.end === undefined && startsWithWholeSeriesReducer(column.chain);
    for (const entry of series) {
      if (!wholeSeries && total > db.selectPointsLimit) throw pointsLimit(db.selectPointsLimit);
      const points = runChain({ type: entry.type, points: readPoints(entry, window, wholeSeries) }, steps);
      total += points.points.length;
      if (statement.merge !== undefined) {
        merged.get(rename(statement.merge.name))?.push(points);
        continue;
      }
      const key = rename(entry.name);
      if (result.has(key)) throw new QueryFailure('Error adding points to map.');
      result.set(key, points);
    }
  }
  if (!matched.namesOnly && total > db.selectPointsLimit) throw pointsLimit(db.selectPointsLimit);
  db.selectedPoints += total;
  for (const [name, lists] of merged) result.set(name, runChain(mergePoints(lists), mergeSteps));
  const writer = new ResponseWriter().openMap();
  for (const name of [...result.keys()].sort(compareBytes)) {
    const points = result.get(name) as Points;
    writer.value(name).openArray();
    for (const point of points.points) writer.point(context.ts(point.ts), point.value, points.type);
    writer.closeArray();
  }
  return writer;
}
