import { floorDays, formatCivilDate, formatUtcDateTime } from './values/civil-date.js';
import { formatDate, formatDateTime } from './values/date-time.js';
import { decimalAt } from './values/decimal.js';

/**
 * The read position in a list located by the first pass (chunk-data.ts), already checked to lie
 * within the input: the next element at `at`, for row `row`, whose `nullSet` byte is at
 * `nullsAt + row`. Each reader below writes the next `count` rows to `out[0 … count - 1]` straight
 * from the bytes (no reader, no per-value closures) and moves the position past them; a null row's
 * element is only stepped over. Reading a batch a slice at a time into reused arrays lets each
 * slice's values die young and allocates nothing but the values.
 */
export interface ListCursor {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  at: number;
  row: number;
  readonly nullsAt: number;
  /** `decimal128Data.scale` (0 for other lists). */
  readonly scale: number;
}

const TWO_32 = 4_294_967_296;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** i64 values: `'auto'` number when safe else bigint, `'bigint'` always, `'number'` always (rounded). */
export function readI64List(
  cursor: ListCursor,
  count: number,
  out: unknown[],
  mode: 'auto' | 'bigint' | 'number',
): void {
  const { bytes, view } = cursor;
  const nulls = cursor.nullsAt + cursor.row;
  let at = cursor.at;
  if (mode === 'bigint') {
    for (let r = 0; r < count; r++, at += 8) out[r] = bytes[nulls + r] === 0 ? view.getBigInt64(at) : null;
  } else {
    const auto = mode === 'auto';
    for (let r = 0; r < count; r++, at += 8) {
      if (bytes[nulls + r] !== 0) {
        out[r] = null;
        continue;
      }
      // hi × 2^32 is exact and adding lo rounds once, so outside ±(2^53 − 1) this is Number(bigint).
      const value = view.getInt32(at) * TWO_32 + view.getUint32(at + 4);
      out[r] = auto && (value < -MAX_SAFE || value > MAX_SAFE) ? view.getBigInt64(at) : value;
    }
  }
  cursor.at = at;
  cursor.row += count;
}

/** DATE: `YYYY-MM-DD` of epoch microseconds (values/date-time.ts), Number arithmetic when safe. */
export function readDateList(cursor: ListCursor, count: number, out: unknown[]): void {
  const { bytes, view } = cursor;
  const nulls = cursor.nullsAt + cursor.row;
  let at = cursor.at;
  for (let r = 0; r < count; r++, at += 8) {
    if (bytes[nulls + r] !== 0) {
      out[r] = null;
      continue;
    }
    const micros = view.getInt32(at) * TWO_32 + view.getUint32(at + 4);
    out[r] =
      micros >= -MAX_SAFE && micros <= MAX_SAFE
        ? formatCivilDate(floorDays(micros))
        : formatDate(view.getBigInt64(at));
  }
  cursor.at = at;
  cursor.row += count;
}

/** DATETIME: `YYYY-MM-DDTHH:MM:SS.mmm+00:00` of epoch microseconds, Number arithmetic when safe. */
export function readDateTimeList(cursor: ListCursor, count: number, out: unknown[]): void {
  const { bytes, view } = cursor;
  const nulls = cursor.nullsAt + cursor.row;
  let at = cursor.at;
  for (let r = 0; r < count; r++, at += 8) {
    if (bytes[nulls + r] !== 0) {
      out[r] = null;
      continue;
    }
    const micros = view.getInt32(at) * TWO_32 + view.getUint32(at + 4);
    out[r] =
      micros >= -MAX_SAFE && micros <= MAX_SAFE
        ? formatUtcDateTime(micros)
        : formatDateTime(view.getBigInt64(at));
  }
  cursor.at = at;
  cursor.row += count;
}

/** DECIMAL128 exact strings (values/decimal.ts), optionally passed through the caller's `convert`. */
export function readDecimalList(
  cursor: ListCursor,
  count: number,
  out: unknown[],
  convert: ((text: string) => unknown) | undefined,
): void {
  const { bytes, view, scale } = cursor;
  const nulls = cursor.nullsAt + cursor.row;
  let at = cursor.at;
  for (let r = 0; r < count; r++) {
    const length = view.getInt32(at);
    const start = at;
    at += 4 + length;
    if (bytes[nulls + r] !== 0) {
      out[r] = null;
      continue;
    }
    const text = decimalAt(bytes, start + 4, length, scale, start);
    out[r] = text === null || convert === undefined ? text : convert(text);
  }
  cursor.at = at;
  cursor.row += count;
}
