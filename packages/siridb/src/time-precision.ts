import { ConfigError } from '@conn/core';

/** A SiriDB time precision. */
export type TimePrecision = 's' | 'ms' | 'us' | 'ns';

/** How 64-bit integers come back: `number` when safe and `bigint` otherwise (`auto`), always one, or always the other. */
export type Int64Mode = 'auto' | 'bigint' | 'number';

const EXPONENT: Readonly<Record<TimePrecision, number>> = { s: 0, ms: 1, us: 2, ns: 3 };

/** The server's number for a precision (0 = s ... 3 = ns). */
export function precisionNumber(precision: TimePrecision): number {
  const value = EXPONENT[precision];
  if (value === undefined) {
    throw new ConfigError(`timePrecision must be 's', 'ms', 'us' or 'ns', got ${String(precision)}`, {
      field: 'timePrecision',
    });
  }
  return value;
}

/** Parses the `time_precision` value of `show time_precision`. */
export function parsePrecision(value: unknown): TimePrecision {
  if (value === 's' || value === 'ms' || value === 'us' || value === 'ns') return value;
  throw new ConfigError(`unknown time precision ${String(value)}`, { field: 'timePrecision' });
}

/**
 * Converts a timestamp exactly, with BigInt arithmetic: finer precisions multiply, coarser ones
 * truncate (1700000000123 ms is 1700000000 s). The server's own conversion goes through a C
 * `float` and is off by up to tens of seconds; this one is not.
 */
export function convertTimestamp(
  timestamp: number | bigint,
  from: TimePrecision,
  to: TimePrecision,
  int64: Int64Mode,
): number | bigint {
  const shift = EXPONENT[to] - EXPONENT[from];
  let value = BigInt(timestamp);
  if (shift > 0) value *= 1000n ** BigInt(shift);
  else if (shift < 0) value /= 1000n ** BigInt(-shift);
  return fromBigInt(value, int64);
}

/** A bigint as the `int64` mode wants it. */
export function fromBigInt(value: bigint, int64: Int64Mode): number | bigint {
  if (int64 === 'bigint') return value;
  if (int64 === 'number') return Number(value);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/**
 * Converts the timestamps the server would have converted: the points of a `select` result and
 * the value of a `calc` result. Other result shapes (`list`, `count`, `show` ...) carry no
 * converted timestamps and are returned as they are.
 */
export function convertResult(
  result: Record<string, unknown>,
  from: TimePrecision,
  to: TimePrecision,
  int64: Int64Mode,
): Record<string, unknown> {
  if (from === to) return result;
  if ('calc' in result) {
    const calc = result['calc'];
    if (typeof calc === 'number' || typeof calc === 'bigint')
      result['calc'] = convertTimestamp(calc, from, to, int64);
    return result;
  }
  if (!isSelectResult(result)) return result;
  for (const [key, points] of Object.entries(result)) {
    if (key === '__timeit__' || !Array.isArray(points)) continue;
    for (const point of points) {
      if (Array.isArray(point) && (typeof point[0] === 'number' || typeof point[0] === 'bigint')) {
        point[0] = convertTimestamp(point[0], from, to, int64);
      }
    }
  }
  return result;
}

// Keys that mark a result as something other than a select (libsiridb classifies the same way).
const NON_SELECT_KEYS = new Set(['columns', 'data', 'success_msg', 'help', 'motd', 'error_msg']);

function isSelectResult(result: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(result)) {
    if (NON_SELECT_KEYS.has(key)) return false;
    if (key !== '__timeit__' && !Array.isArray(value)) return false;
  }
  return true;
}
