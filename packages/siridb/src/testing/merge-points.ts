/**
 * `merge as`: the points of several series become one list, the way SiriDB 2.0.55 merges them.
 * Points of equal time are not ordered by any rule a user would pick; their order falls out of
 * the server's three merge methods and of the order the series come in (the id-map order, see
 * series-ids.ts), so each method is followed step by step here (docs/protocols/siridb.md §13):
 * - fewer than 4 non-empty series: the latest remaining point of all series is taken, from the
 *   end backwards; on equal time the series that comes first wins (so its point ends up later);
 * - else, with at most 250,000 points (or one point per series): the series' points are taken in
 *   turns from the end backwards, then sorted by time, keeping that order for equal times;
 * - else: the latest point first, then more points of that same time from the series after it.
 * An exhausted series is replaced in the list by the last one, which changes the order.
 * @internal
 */
import type { Points } from './aggregates.js';
import { QueryFailure } from './query-failure.js';
import type { Point, SeriesType } from './store.js';

/** Above this many points (and with 4 or more series) the third method is used. */
const MAX_SORTED_MERGE = 250_000;

/** A series' points and the index of its last point not yet taken. */
interface Cursor {
  readonly points: readonly Point[];
  last: number;
}

function lastTs(cursor: Cursor): bigint {
  return (cursor.points[cursor.last] as Point).ts;
}

/** Takes the last point of `list[at]`; an exhausted list is replaced by the last list. */
function take(list: Cursor[], at: number): Point {
  const cursor = list[at] as Cursor;
  const point = cursor.points[cursor.last] as Point;
  cursor.last -= 1;
  if (cursor.last < 0) {
    const moved = list.pop() as Cursor;
    if (at < list.length) list[at] = moved;
  }
  return point;
}

function latestFirst(list: Cursor[], out: Point[]): void {
  let n = out.length;
  while (list.length > 0) {
    let at = 0;
    for (let i = 1; i < list.length; i++) if (lastTs(list[i] as Cursor) > lastTs(list[at] as Cursor)) at = i;
    out[--n] = take(list, at);
  }
}

function inTurnsThenSorted(list: Cursor[], out: Point[]): void {
  let n = out.length;
  while (list.length > 0) {
    for (let i = 0; i < list.length; i++) out[--n] = take(list, i);
  }
  // a stable sort by time (an insertion sort or glibc's merge sort on the server)
  out.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}

function latestThenSameTime(list: Cursor[], out: Point[]): void {
  let n = out.length;
  let at: number | undefined;
  let scan = 0;
  let highest = 0n;
  while (list.length > 0) {
    if (at !== undefined) {
      // look for another series whose last point has the time taken last
      let probe = at;
      at = undefined;
      for (; scan < list.length && probe < list.length; scan++, probe++) {
        if (lastTs(list[probe] as Cursor) === highest) {
          at = probe;
          break;
        }
      }
    }
    if (at === undefined) {
      at = 0;
      for (let i = 1; i < list.length; i++) {
        if (lastTs(list[i] as Cursor) > lastTs(list[at] as Cursor)) {
          at = i;
          scan = i;
          highest = lastTs(list[at] as Cursor);
        }
      }
    }
    const exhausted = (list[at] as Cursor).last === 0;
    out[--n] = take(list, at);
    if (!exhausted) {
      at += 1;
      scan += 1;
    }
  }
}

/** Merges the point lists of the series of a `merge as`, in the order the series were selected. */
export function mergePoints(lists: readonly Points[]): Points {
  const list: Cursor[] = [];
  const types: SeriesType[] = [];
  const pending = [...lists];
  let total = 0;
  let int2double = false;
  let previous: SeriesType | undefined;
  for (let i = 0; i < pending.length; ) {
    const entry = pending[i] as Points;
    if (entry.points.length === 0) {
      // an empty list is replaced by the last one; when all are empty the last looked at is the answer
      const last = pending.pop() as Points;
      if (pending.length === 0) return entry;
      if (i < pending.length) pending[i] = last;
      continue;
    }
    if (previous !== undefined && previous !== entry.type) {
      if (previous === 'string' || entry.type === 'string')
        throw new QueryFailure('Cannot merge string and number series.');
      int2double = true;
    }
    previous = entry.type;
    total += entry.points.length;
    list.push({ points: entry.points, last: entry.points.length - 1 });
    types.push(entry.type);
    i++;
  }
  if (list.length === 0) return lists[lists.length - 1] ?? { type: 'integer', points: [] };
  if (list.length === 1) return pending[0] as Points;
  const type: SeriesType = int2double ? 'float' : (previous as SeriesType);
  if (int2double) {
    for (let i = 0; i < list.length; i++) {
      if (types[i] !== 'integer') continue;
      const cursor = list[i] as Cursor;
      list[i] = {
        points: cursor.points.map((p) => ({ ts: p.ts, value: Number(p.value) })),
        last: cursor.last,
      };
    }
  }
  const out = new Array<Point>(total);
  if (list.length < 4) latestFirst(list, out);
  else if (total === list.length || total < MAX_SORTED_MERGE) inTurnsThenSorted(list, out);
  else latestThenSameTime(list, out);
  return { type, points: out };
}
