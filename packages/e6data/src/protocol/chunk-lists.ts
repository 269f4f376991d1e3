import { floorDays, formatCivilDate, formatUtcDateTime } from './values/civil-date.js';
import { formatDate, formatDateTime } from './values/date-time.js';
import { decimalAt } from './values/decimal.js';

/**
 * A list located by the first pass (chunk-data.ts), already checked to lie within the input: its
 * first element at `at`, one `nullSet` byte per row at `nullsAt`. The loops below read it straight
 * from the bytes (no reader, no per-value closures); a null row's element is only stepped over.
 */
export interface ListSource {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly at: number;
  readonly nullsAt: number;
  readonly rows: number;
  /** `decimal128Data.scale` (0 for other lists). */
  readonly scale: number;
}

const TWO_32 = 4_294_967_296;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** i64 values: `'auto'` number when safe else bigint, `'bigint'` always, `'number'` always (rounded). */
export function readI64List(source: ListSource, mode: 'auto' | 'bigint' | 'number'): unknown[] {
  const { bytes, view, nullsAt, rows } = source;
  const values = new Array<unknown>(rows);
  let at = source.at;
  if (mode === 'bigint') {
    for (let row = 0; row < rows; row++, at += 8)
      values[row] = bytes[nullsAt + row] === 0 ? view.getBigInt64(at) : null;
    return values;
  }
  const auto = mode === 'auto';
  for (let row = 0; row < rows; row++, at += 8) {
    if (bytes[nullsAt + row] !== 0) {
      values[row] = null;
      continue;
    }
    // hi × 2^32 is exact and adding lo rounds once, so outside ±(2^53 − 1) this is Number(bigint).
    const value = view.getInt32(at) * TWO_32 + view.getUint32(at + 4);
    values[row] = auto && (value < -MAX_SAFE || value > MAX_SAFE) ? view.getBigInt64(at) : value;
  }
  return values;
}

/** DATE: `YYYY-MM-DD` of epoch microseconds (values/date-time.ts), Number arithmetic when safe. */
export function readDateList(source: ListSource): unknown[] {
  const { bytes, view, nullsAt, rows } = source;
  const values = new Array<unknown>(rows);
  let at = source.at;
  for (let row = 0; row < rows; row++, at += 8) {
    if (bytes[nullsAt + row] !== 0) {
      values[row] = null;
      continue;
    }
    const micros = view.getInt32(at) * TWO_32 + view.getUint32(at + 4);
    values[row] =
      micros >= -MAX_SAFE && micros <= MAX_SAFE
        ? formatCivilDate(floorDays(micros))
        : formatDate(view.getBigInt64(at));
  }
  return values;
}

/** DATETIME: `YYYY-MM-DDTHH:MM:SS.mmm+00:00` of epoch microseconds, Number arithmetic when safe. */
export function readDateTimeList(source: ListSource): unknown[] {
  const { bytes, view, nullsAt, rows } = source;
  const values = new Array<unknown>(rows);
  let at = source.at;
  for (let row = 0; row < rows; row++, at += 8) {
    if (bytes[nullsAt + row] !== 0) {
      values[row] = null;
      continue;
    }
    const micros = view.getInt32(at) * TWO_32 + view.getUint32(at + 4);
    values[row] =
      micros >= -MAX_SAFE && micros <= MAX_SAFE
        ? formatUtcDateTime(micros)
        : formatDateTime(view.getBigInt64(at));
  }
  return values;
}

/** DECIMAL128 exact strings (values/decimal.ts), optionally passed through the caller's `convert`. */
export function readDecimalList(
  source: ListSource,
  convert: ((text: string) => unknown) | undefined,
): unknown[] {
  const { bytes, view, nullsAt, rows, scale } = source;
  const values = new Array<unknown>(rows);
  let at = source.at;
  for (let row = 0; row < rows; row++) {
    const length = view.getInt32(at);
    const start = at;
    at += 4 + length;
    if (bytes[nullsAt + row] !== 0) {
      values[row] = null;
      continue;
    }
    const text = decimalAt(bytes, start + 4, length, scale, start);
    values[row] = text === null || convert === undefined ? text : convert(text);
  }
  return values;
}
