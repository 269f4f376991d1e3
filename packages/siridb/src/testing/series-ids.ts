/**
 * Series ids as SiriDB 2.0.55 gives them: each new series of a database gets the next id (1, 2,
 * …), never reused after a drop. A `select` walks the series it matched in the order of the map
 * the server keeps them in, keyed by id: ids compared by their base-32 digits from the lowest one
 * up, a shorter id first. That order decides how `merge as` orders points of equal time
 * (docs/protocols/siridb.md §13).
 * @internal
 */
import type { TestDatabase, TestSeries } from './store.js';

const IDS = new WeakMap<TestSeries, number>();
const LAST_ID = new WeakMap<TestDatabase, number>();

/** Gives a series that was just added to `db` the next id of that database. */
export function assignSeriesId(db: TestDatabase, series: TestSeries): void {
  const id = (LAST_ID.get(db) ?? 0) + 1;
  LAST_ID.set(db, id);
  IDS.set(series, id);
}

/** The digits the server's id map files an id under, first level first. */
function idDigits(id: number): number[] {
  const digits = [id % 32];
  let rest = Math.floor(id / 32);
  while (rest > 0) {
    rest -= 1;
    digits.push(rest % 32);
    rest = Math.floor(rest / 32);
  }
  return digits;
}

function compareDigits(a: readonly number[], b: readonly number[]): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const diff = (a[i] as number) - (b[i] as number);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

/**
 * `series` in the server's id-map order. Series without an id (not created by an insert) keep
 * their relative order after those with one.
 */
export function inIdMapOrder(series: readonly TestSeries[]): TestSeries[] {
  const keyed = series.map((entry, index) => {
    const id = IDS.get(entry);
    return { entry, index, digits: id === undefined ? undefined : idDigits(id) };
  });
  keyed.sort((a, b) => {
    if (a.digits === undefined || b.digits === undefined) {
      if (a.digits !== b.digits) return a.digits === undefined ? 1 : -1;
      return a.index - b.index;
    }
    return compareDigits(a.digits, b.digits);
  });
  return keyed.map((item) => item.entry);
}
