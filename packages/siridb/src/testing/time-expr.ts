/**
 * Time handling as SiriDB 2.0.55 does it: database precisions, `now`, duration literals, date
 * strings (read in the database's time zone) and the server-side time-precision conversion with
 * its `float` factor bug (docs/protocols/siridb.md §6.2, §13).
 * @internal
 */

import { NAIVE, wallTimeToUtc } from './timezones.js';

/** Database time precision as SiriDB numbers it: 0 = s, 1 = ms, 2 = us, 3 = ns. */
export type Precision = 0 | 1 | 2 | 3;

/** Short names, indexed by {@link Precision}. */
export const PRECISION_NAMES: readonly ['s', 'ms', 'us', 'ns'] = ['s', 'ms', 'us', 'ns'];

/** `1000 ** precision`: ticks per second. */
export function ticksPerSecond(precision: Precision): bigint {
  return 1000n ** BigInt(precision);
}

/** Valid timestamps: `0 <= ts < 2^32` for second databases, `ts >= 0` otherwise (§6.2). */
export function isValidTimestamp(precision: Precision, ts: bigint): boolean {
  return precision === 0 ? ts >= 0n && ts < 4_294_967_296n : ts >= 0n && ts <= INT64_MAX;
}

export const INT64_MAX: bigint = 2n ** 63n - 1n;
export const INT64_MIN: bigint = -(2n ** 63n);

/** Wraps to a signed 64-bit integer, as C arithmetic on `int64_t` does. */
export function int64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/**
 * `now` in the database precision, computed in double precision from a millisecond clock, so
 * that `ns` databases lose precision the way the server's `now` does.
 */
export function nowInPrecision(nowMs: number, precision: Precision): bigint {
  const seconds = Math.floor(nowMs / 1000);
  const nanos = Math.round((nowMs - seconds * 1000) * 1_000_000);
  const factor = 1000 ** precision;
  const whole = BigInt(seconds) * BigInt(factor);
  return BigInt(Math.trunc(Number(whole) + nanos * (factor / 1e9)));
}

/**
 * The conversion factor of a query request (§6.2): `0` means "no conversion"; otherwise
 * `1000 ** (tp - db_precision)` rounded to a 32-bit float, as the server stores it.
 *
 * @param requested the second element of the query payload, when it is an integer (any width);
 *   `undefined` for null, absent or non-integer values.
 */
export function queryFactor(requested: bigint | undefined, dbPrecision: Precision): number {
  if (requested === undefined) return 0;
  // the value is taken as a 32-bit int, then reduced modulo 4 unless it already equals the database
  // precision (the remainder truncates towards zero, as in JS), so 7 means ns and -1 no conversion
  let tp = Number(BigInt.asIntN(32, requested));
  if (tp !== dbPrecision) tp %= 4;
  if (tp === -1) return 0;
  return Math.fround(1000 ** (tp - dbPrecision));
}

/** `ts * factor` computed as a double and truncated back to an integer, as the server converts points. */
export function applyFactor(ts: bigint, factor: number): bigint {
  if (factor === 0) return ts;
  const product = Number(ts) * factor;
  if (!Number.isFinite(product)) return ts;
  return BigInt(Math.trunc(product));
}

/** A duration literal in seconds: `12h` → 43200. */
export function durationSeconds(text: string): bigint {
  const amount = BigInt(/^\d+/.exec(text)?.[0] ?? '0');
  switch (text[text.length - 1]) {
    case 'm':
      return amount * 60n;
    case 'h':
      return amount * 3600n;
    case 'd':
      return amount * 86_400n;
    case 'w':
      return amount * 604_800n;
    default:
      return amount;
  }
}

/**
 * A date string, `YYYY[-MM[-DD[( |T)HH[:MM[:SS]]]]]` with an optional `Z` or `±HH[:]MM` suffix
 * (§13). Without a suffix it is a wall-clock time in the database's time zone (`NAIVE`, the
 * default, reads as UTC). Returns seconds since the epoch, or -1 when the text is not a date or
 * the time is before the epoch.
 */
export function parseDateString(text: string, timezone: string = NAIVE): number {
  const match =
    /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:([ T])(\d{1,2})(?::(\d{1,2})(?::(\d{1,2}))?)?)?)?)?(Z|([+-])(\d)(\d):?(?:(\d)(\d))?)?$/.exec(
      text,
    );
  if (match === null) return -1;
  const [, year, month, day, , hour, minute, second, zone, sign] = match;
  // a `-HH` zone is only accepted after a full date
  if (sign === '-' && day === undefined) return -1;
  const values = {
    month: month === undefined ? 1 : Number(month),
    day: day === undefined ? 1 : Number(day),
    hour: hour === undefined ? 0 : Number(hour),
    minute: minute === undefined ? 0 : Number(minute),
    second: second === undefined ? 0 : Number(second),
  };
  // field ranges (a leap second is allowed)
  if (values.month < 1 || values.month > 12 || values.day < 1 || values.day > 31) return -1;
  if (values.hour > 23 || values.minute > 59 || values.second > 61) return -1;
  const wall =
    Date.UTC(Number(year), values.month - 1, values.day, values.hour, values.minute, values.second) / 1000;
  let seconds: number;
  if (zone === undefined) {
    seconds = wallTimeToUtc(timezone, wall);
  } else if (zone === 'Z') {
    seconds = wall;
  } else {
    const digits = zone.replace(/[^0-9]/g, '');
    const offset =
      Number(digits[0]) * 36_000 +
      Number(digits[1]) * 3600 +
      (digits.length > 2 ? Number(digits[2]) * 600 + Number(digits[3]) * 60 : 0);
    // "+01:00" means one hour ahead of UTC, so UTC is one hour earlier
    seconds = wall + (sign === '+' ? -offset : offset);
  }
  return seconds < 0 ? -1 : seconds;
}
