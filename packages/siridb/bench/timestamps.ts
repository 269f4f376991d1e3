/**
 * Timestamps of the benchmark's points, in the database's own precision: point `k` of a series
 * is `BASE_SECONDS` plus `k` units. Nanoseconds past 2023 do not fit a double, so a nanosecond
 * database gets bigint timestamps (what a user of such a database writes too).
 */
export type Precision = 's' | 'ms' | 'us' | 'ns';

/** 2023-11-14, in seconds: every point lands in the same few shards on a real server. */
export const BASE_SECONDS = 1_700_000_000;

const UNITS_PER_SECOND: Readonly<Record<Precision, number>> = { s: 1, ms: 1e3, us: 1e6, ns: 1e9 };

export function unitsPerSecond(precision: Precision): number {
  return UNITS_PER_SECOND[precision];
}

/** Reads `show time_precision`'s answer. */
export function precisionOf(answer: Record<string, unknown>): Precision {
  const data = answer['data'] as { name: string; value: unknown }[] | undefined;
  const value = data?.find((entry) => entry.name === 'time_precision')?.value;
  if (value === 's' || value === 'ms' || value === 'us' || value === 'ns') return value;
  throw new Error(`show time_precision answered ${JSON.stringify(answer)}`);
}

/** The timestamp of point `k`, in `precision`. */
export function timestampClock(precision: Precision): (k: number) => number | bigint {
  const units = UNITS_PER_SECOND[precision];
  if (BASE_SECONDS * units < Number.MAX_SAFE_INTEGER / 2) {
    const base = BASE_SECONDS * units;
    return (k) => base + k;
  }
  const base = BigInt(BASE_SECONDS) * BigInt(units);
  return (k) => base + BigInt(k);
}
