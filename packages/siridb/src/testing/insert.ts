/**
 * Insert validation and storage (`src/siri/db/insert.c`, `series.c:siridb_series_ensure_type`).
 * The whole payload is validated before anything is stored, as the server does; a series' type is
 * fixed by its first point and later values are converted the way the server converts them.
 * @internal
 */
import { decodeQpack, QpackFloat } from '../protocol/qpack.js';
import * as qpackTypes from '../protocol/qpack-types.js';
import { readUtf8 } from '../protocol/utf8-text.js';
import { truncateToInt64 } from './aggregates.js';
import type { PointValue, SeriesType, TestDatabase } from './store.js';
import { TestSeries } from './store.js';
import { INT64_MAX, INT64_MIN, isValidTimestamp, type Precision } from './time-expr.js';

// Module-local copies: code over imported bindings ran several times slower when the sources run
// as separate ES modules (tsx, vitest); bundled builds inline them either way.
const {
  QP_ARRAY_CLOSE,
  QP_ARRAY_OPEN,
  QP_ARRAY0,
  QP_ARRAY5,
  QP_DOUBLE,
  QP_FIXED_INT_MAX,
  QP_HOOK,
  QP_INT8,
  QP_INT16,
  QP_INT32,
  QP_INT64,
  QP_MAP_CLOSE,
  QP_MAP_OPEN,
  QP_MAP0,
  QP_MAP5,
  QP_RAW_FIXED,
  QP_RAW_FIXED_LAST,
  QP_RAW8,
  QP_RAW16,
  QP_RAW32,
} = qpackTypes;

/** `siridb_insert_err_msg`. */
export const InsertMessage = {
  EXPECTING_ARRAY: 'Expecting an array with points.',
  EXPECTING_SERIES_NAME:
    'Expecting a series name (string value) with an array of points where each point should be an integer time-stamp with a value.',
  EXPECTING_MAP_OR_ARRAY: 'Expecting an array or map containing series and points.',
  EXPECTING_INTEGER_TS: 'Expecting an integer value as time-stamp.',
  TIMESTAMP_OUT_OF_RANGE: 'Received at least one time-stamp which is out-of-range.',
  UNSUPPORTED_VALUE: 'Unsupported value received. (only integer, float and string values are supported).',
  EXPECTING_AT_LEAST_ONE_POINT: 'Expecting a series to have at least one point.',
  EXPECTING_NAME_AND_POINTS: 'Expecting a map with name and points.',
} as const;

/** `SIRIDB_SERIES_NAME_LEN_MAX`: names must be shorter. */
const SERIES_NAME_LEN_MAX = 65_535;

/** A value as received, before conversion to the series type. */
type RawValue = { readonly type: SeriesType; readonly value: PointValue };

/**
 * One series of an insert: point `i` is `values[i]` (as received) at `ts[i]` (safe integers as
 * numbers, or bigints). `type` is the type of the first value; `types` holds every value's type, or
 * is undefined when they all have that type.
 */
interface ParsedSeries {
  readonly name: string;
  readonly type: SeriesType;
  readonly ts: readonly number[] | readonly bigint[];
  readonly values: PointValue[];
  readonly types: SeriesType[] | undefined;
}

/** A validated insert, ready to be stored. */
export interface ValidInsert {
  readonly ok: true;
  readonly count: number;
  readonly series: readonly ParsedSeries[];
}

class InsertFailure extends Error {}

function isInt(value: unknown): value is number | bigint {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
}

function isMap(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof QpackFloat) &&
    !(value instanceof Uint8Array)
  );
}

/** `INSERT_read_points`. */
function readPoints(db: TestDatabase, value: unknown, name: string): ParsedSeries {
  if (!Array.isArray(value)) throw new InsertFailure(InsertMessage.EXPECTING_ARRAY);
  const timestamps: bigint[] = [];
  const values: PointValue[] = [];
  const types: SeriesType[] = [];
  for (let index = 0; index < value.length; index++) {
    const point: unknown = value[index];
    if (!Array.isArray(point) || point.length !== 2) {
      // the first point must be an array of two; a later odd item ends the points array and is
      // then read where the next series name should be
      throw new InsertFailure(
        index === 0 ? InsertMessage.EXPECTING_AT_LEAST_ONE_POINT : InsertMessage.EXPECTING_SERIES_NAME,
      );
    }
    const [ts, raw] = point as [unknown, unknown];
    if (!isInt(ts)) throw new InsertFailure(InsertMessage.EXPECTING_INTEGER_TS);
    const timestamp = BigInt(ts);
    if (!isValidTimestamp(db.precision, timestamp))
      throw new InsertFailure(InsertMessage.TIMESTAMP_OUT_OF_RANGE);
    if (typeof raw === 'string') {
      types.push('string');
      values.push(raw);
    } else if (raw instanceof QpackFloat) {
      types.push('float');
      values.push(raw.value);
    } else if (isInt(raw)) {
      types.push('integer');
      values.push(BigInt(raw));
    } else {
      throw new InsertFailure(InsertMessage.UNSUPPORTED_VALUE);
    }
    timestamps.push(timestamp);
  }
  const type = types[0];
  if (type === undefined) throw new InsertFailure(InsertMessage.EXPECTING_AT_LEAST_ONE_POINT);
  return { name, type, ts: timestamps, values, types };
}

function validName(name: unknown): name is string {
  if (typeof name !== 'string' || name.length === 0) return false;
  return Buffer.byteLength(name, 'utf8') < SERIES_NAME_LEN_MAX && !name.startsWith('\u0000');
}

/** `INSERT_assign_by_array`: each item a map of exactly two keys (`name`, `points`, either order). */
function byArray(db: TestDatabase, items: readonly unknown[]): ParsedSeries[] {
  const out: ParsedSeries[] = [];
  for (const item of items) {
    if (!isMap(item) || Object.keys(item).length !== 2)
      throw new InsertFailure(InsertMessage.EXPECTING_SERIES_NAME);
    const [first, second] = Object.entries(item) as [[string, unknown], [string, unknown]];
    // keys are compared with strncmp(key, "points", len(key)): any prefix matches
    if ('points'.startsWith(first[0])) {
      const name = second[1];
      if (!'name'.startsWith(second[0]) || !validName(name))
        throw new InsertFailure(InsertMessage.EXPECTING_NAME_AND_POINTS);
      out.push(readPoints(db, first[1], name));
    } else if ('name'.startsWith(first[0])) {
      if (!validName(first[1])) throw new InsertFailure(InsertMessage.EXPECTING_NAME_AND_POINTS);
      if (!'points'.startsWith(second[0])) throw new InsertFailure(InsertMessage.EXPECTING_NAME_AND_POINTS);
      out.push(readPoints(db, second[1], first[1]));
    } else {
      throw new InsertFailure(InsertMessage.EXPECTING_NAME_AND_POINTS);
    }
  }
  return out;
}

/** `INSERT_assign_by_map`. */
function byMap(db: TestDatabase, map: Record<string, unknown>): ParsedSeries[] {
  const out: ParsedSeries[] = [];
  for (const [name, points] of Object.entries(map)) {
    if (!validName(name)) throw new InsertFailure(InsertMessage.EXPECTING_SERIES_NAME);
    out.push(readPoints(db, points, name));
  }
  return out;
}

/** Validates an insert payload; `{ ok: false, message }` is answered with 66. */
export function validateInsert(
  db: TestDatabase,
  payload: Buffer,
): ValidInsert | { readonly ok: false; readonly message: string } {
  const fast = payload.length === 0 ? undefined : readCommonInsert(payload, db.precision);
  if (fast !== undefined) return { ok: true, count: fast.count, series: fast.series };
  let data: unknown;
  try {
    data = payload.length === 0 ? undefined : decodeQpack(payload, { floats: 'wrap', int64: 'auto' });
  } catch {
    // undecodable: the server reads tokens until it fails; what it says depends on the first byte
    const first = payload[0] ?? 0;
    const container = (first >= 0xed && first <= 0xf8) || first === 0xfc || first === 0xfd;
    return {
      ok: false,
      message: container ? InsertMessage.EXPECTING_SERIES_NAME : InsertMessage.EXPECTING_MAP_OR_ARRAY,
    };
  }
  try {
    let series: ParsedSeries[];
    if (Array.isArray(data)) series = byArray(db, data);
    else if (isMap(data)) series = byMap(db, data);
    else throw new InsertFailure(InsertMessage.EXPECTING_MAP_OR_ARRAY);
    let count = 0;
    for (const entry of series) count += entry.ts.length;
    return { ok: true, count, series };
  } catch (error) {
    if (error instanceof InsertFailure) return { ok: false, message: error.message };
    throw error;
  }
}

/** Stores a validated insert. */
export function applyInsert(db: TestDatabase, insert: ValidInsert): void {
  for (const entry of insert.series) {
    const { values, types } = entry;
    let series = db.series.get(entry.name);
    if (series === undefined) {
      // the type of a new series is that of its first point
      series = new TestSeries(entry.name, entry.type);
      db.series.set(entry.name, series);
    }
    const type = series.type;
    if (types === undefined && entry.type === type) {
      series.addAll(entry.ts, values);
      continue;
    }
    const converted: PointValue[] = [];
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as PointValue;
      const raw = types === undefined ? entry.type : (types[i] as SeriesType);
      converted.push(raw === type ? value : convert({ type: raw, value }, type));
    }
    series.addAll(entry.ts, converted);
  }
  db.receivedPoints += insert.count;
}

/** `siridb_series_ensure_type`. */
export function convert(raw: RawValue, type: SeriesType): PointValue {
  if (raw.type === type) return raw.value;
  switch (type) {
    case 'integer':
      return raw.type === 'float' ? truncateToInt64(raw.value as number) : strtoll(raw.value as string);
    case 'float':
      return raw.type === 'integer' ? Number(raw.value) : strtod(raw.value as string);
    default:
      return raw.type === 'integer' ? (raw.value as bigint).toString() : formatFixed(raw.value as number);
  }
}

/** `strtoll(s, NULL, 10)`: leading digits, saturating; 0 when there are none. */
export function strtoll(text: string): bigint {
  const match = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  if (match === null) return 0n;
  const value = BigInt(match[1] as string);
  return value > INT64_MAX ? INT64_MAX : value < INT64_MIN ? INT64_MIN : value;
}

/** `strtod(s, NULL)` for decimal input; 0 when nothing parses. */
export function strtod(text: string): number {
  const match = /^[ \t\n\v\f\r]*([+-]?(?:inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))/i.exec(
    text,
  );
  if (match === null) return 0;
  const token = (match[1] as string).toLowerCase();
  const sign = token.startsWith('-') ? -1 : 1;
  const body = token.replace(/^[+-]/, '');
  if (body.startsWith('inf')) return sign * Number.POSITIVE_INFINITY;
  if (body === 'nan') return Number.NaN;
  return Number(token);
}

/** `printf("%f", value)`. */
export function formatFixed(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Math.abs(value) < 1e21) return value.toFixed(6);
  return `${BigInt(value)}.000000`;
}

// ---- the common case, straight from the bytes ------------------------------------------------------

const TWO_POW_32 = 4_294_967_296;
/** `hi * 2^32 + lo` is a safe integer for |hi| below this. */
const SAFE_HIGH_WORD = 2 ** 21;
/** Array indices (and only they) are listed first by `Object.entries`, whatever the insertion order. */
const INDEX_LIKE = /^(?:0|[1-9]\d*)$/;
const NAME_KEY = 'name';
const POINTS_KEY = 'points';

/**
 * Reads the inserts clients send (the map or array form, points as fixed 2-arrays of an integer
 * timestamp and an integer, double or string) directly from the payload into columns: no decoded
 * tree, no object per point. Anything else, valid or not, makes it give up (return `undefined`) and the
 * general path decides: so for every payload this reader accepts, it returns what the general
 * path returns. Map-form names the general path would see reordered (array-index-like keys) or
 * merged (duplicates) are left to it too.
 */
function readCommonInsert(
  buf: Buffer,
  precision: Precision,
): { series: ParsedSeries[]; count: number } | undefined {
  const reader = new CommonInsertReader(buf, precision);
  const series = reader.insert();
  if (series === undefined || reader.pos !== buf.length) return undefined;
  let count = 0;
  for (const entry of series) count += entry.ts.length;
  return { series, count };
}

class CommonInsertReader {
  readonly buf: Buffer;
  readonly view: DataView;
  readonly end: number;
  readonly precision: Precision;
  pos = 0;
  /** The type of the value `value()` read last. */
  type: SeriesType = 'integer';
  /** The last valid timestamp seen at each point index (see `timestamp()`). */
  readonly validTs: number[] = [];

  constructor(buf: Buffer, precision: Precision) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    this.end = buf.length;
    this.precision = precision;
  }

  /** Both forms; `undefined` to leave the payload to the general path. */
  insert(): ParsedSeries[] | undefined {
    const tp = this.buf[0] as number;
    if ((tp >= QP_MAP0 && tp <= QP_MAP5) || tp === QP_MAP_OPEN) return this.byMap(tp);
    if ((tp >= QP_ARRAY0 && tp <= QP_ARRAY5) || tp === QP_ARRAY_OPEN) return this.byArray(tp);
    return undefined;
  }

  /** `{ name: points, … }`; an open map ends at its close byte or at the end of the payload. */
  byMap(tp: number): ParsedSeries[] | undefined {
    const buf = this.buf;
    const end = this.end;
    const n = tp === QP_MAP_OPEN ? -1 : tp - QP_MAP0;
    this.pos = 1;
    const out: ParsedSeries[] = [];
    const names = new Set<string>();
    for (let i = 0; n < 0 || i < n; i++) {
      if (this.pos >= end) {
        if (n < 0) break;
        return undefined;
      }
      if (n < 0 && buf[this.pos] === QP_MAP_CLOSE) {
        this.pos++;
        break;
      }
      const name = this.text();
      if (name === undefined || !validName(name) || names.has(name) || INDEX_LIKE.test(name))
        return undefined;
      names.add(name);
      const series = this.points(name);
      if (series === undefined) return undefined;
      out.push(series);
    }
    return out;
  }

  /** `[{ name, points }, …]`, each item a fixed 2-map with exactly these keys, in either order. */
  byArray(tp: number): ParsedSeries[] | undefined {
    const buf = this.buf;
    const end = this.end;
    const n = tp === QP_ARRAY_OPEN ? -1 : tp - QP_ARRAY0;
    this.pos = 1;
    const out: ParsedSeries[] = [];
    for (let i = 0; n < 0 || i < n; i++) {
      if (this.pos >= end) {
        if (n < 0) break;
        return undefined;
      }
      if (n < 0 && buf[this.pos] === QP_ARRAY_CLOSE) {
        this.pos++;
        break;
      }
      if (buf[this.pos] !== QP_MAP0 + 2) return undefined;
      this.pos++;
      const first = this.text();
      let series: ParsedSeries | undefined;
      if (first === NAME_KEY) {
        const name = this.text();
        if (name === undefined || !validName(name) || this.text() !== POINTS_KEY) return undefined;
        series = this.points(name);
      } else if (first === POINTS_KEY) {
        const unnamed = this.points('');
        if (unnamed === undefined || this.text() !== NAME_KEY) return undefined;
        const name = this.text();
        if (name === undefined || !validName(name)) return undefined;
        series = { ...unnamed, name };
      }
      if (series === undefined) return undefined;
      out.push(series);
    }
    return out;
  }

  /** At least one point, each a fixed 2-array; an open array ends at its close byte or the end. */
  points(name: string): ParsedSeries | undefined {
    const buf = this.buf;
    const end = this.end;
    const tp = buf[this.pos] as number;
    let n: number;
    if (tp >= QP_ARRAY0 && tp <= QP_ARRAY5) n = tp - QP_ARRAY0;
    else if (tp === QP_ARRAY_OPEN) n = -1;
    else return undefined;
    this.pos++;
    // timestamps as numbers while they are safe integers, as bigints from the first one that is not
    const numbers: number[] = [];
    let bigints: bigint[] | undefined;
    const values: PointValue[] = [];
    let first: SeriesType | undefined;
    let types: SeriesType[] | undefined;
    const view = this.view;
    const valid = this.validTs;
    for (let i = 0; n < 0 || i < n; i++) {
      const p = this.pos;
      if (p >= end) {
        if (n < 0) break;
        return undefined;
      }
      const head = buf[p] as number;
      if (head !== QP_ARRAY0 + 2) {
        if (n < 0 && head === QP_ARRAY_CLOSE) {
          this.pos = p + 1;
          break;
        }
        return undefined;
      }
      // the most common point by far, [int64 timestamp, double], read in place
      if (
        buf[p + 1] === QP_INT64 &&
        buf[p + 10] === QP_DOUBLE &&
        p + 19 <= end &&
        bigints === undefined &&
        types === undefined &&
        first !== 'integer' &&
        first !== 'string'
      ) {
        const hi = view.getInt32(p + 6, true);
        if (hi < SAFE_HIGH_WORD && hi >= -SAFE_HIGH_WORD) {
          const ts = hi * TWO_POW_32 + view.getUint32(p + 2, true);
          if (!(i < valid.length && valid[i] === ts) && !this.validate(i, ts)) return undefined;
          numbers.push(ts);
          values.push(view.getFloat64(p + 11, true));
          first = 'float';
          this.pos = p + 19;
          continue;
        }
      }
      this.pos = p + 1;
      const ts = this.timestamp(i);
      if (ts === undefined) return undefined;
      const value = this.value();
      if (value === undefined) return undefined;
      const type = this.type;
      if (first === undefined) first = type;
      else if (type !== first || types !== undefined) {
        if (types === undefined) types = new Array<SeriesType>(values.length).fill(first);
        types.push(type);
      }
      if (typeof ts === 'number' && bigints === undefined) numbers.push(ts);
      else {
        bigints ??= numbers.map((number) => BigInt(number));
        bigints.push(BigInt(ts));
      }
      values.push(value);
    }
    if (first === undefined) return undefined;
    return { name, type: first, ts: bigints ?? numbers, values, types };
  }

  /**
   * The timestamp of point `index` of a series (any integer encoding) if it is valid, else
   * `undefined`: a number when it is a safe integer, else a bigint. Series of one insert usually
   * share their timestamps, so the validity of point `index` of the previous series is reused
   * when the timestamp is the same.
   */
  timestamp(index: number): number | bigint | undefined {
    const buf = this.buf;
    const p = this.pos;
    const tp = buf[p] as number;
    let n: number;
    if (tp === QP_INT64) {
      if (p + 9 > this.end) return undefined;
      this.pos = p + 9;
      const hi = this.view.getInt32(p + 5, true);
      if (hi >= SAFE_HIGH_WORD || hi < -SAFE_HIGH_WORD) {
        const ts = buf.readBigInt64LE(p + 1);
        return isValidTimestamp(this.precision, ts) ? ts : undefined;
      }
      n = hi * TWO_POW_32 + this.view.getUint32(p + 1, true);
    } else if (tp <= QP_FIXED_INT_MAX) {
      n = tp;
      this.pos = p + 1;
    } else if (tp === QP_INT32) {
      if (p + 5 > this.end) return undefined;
      n = buf.readInt32LE(p + 1);
      this.pos = p + 5;
    } else if (tp === QP_INT16) {
      if (p + 3 > this.end) return undefined;
      n = buf.readInt16LE(p + 1);
      this.pos = p + 3;
    } else if (tp === QP_INT8) {
      if (p + 2 > this.end) return undefined;
      n = buf.readInt8(p + 1);
      this.pos = p + 2;
    } else {
      return undefined;
    }
    const valid = this.validTs;
    if (index < valid.length && valid[index] === n) return n;
    return this.validate(index, n) ? n : undefined;
  }

  /** Whether the safe integer `ts` is a valid timestamp; remembered as point `index`'s when it is. */
  validate(index: number, ts: number): boolean {
    if (!isValidTimestamp(this.precision, BigInt(ts))) return false;
    const valid = this.validTs;
    if (index < valid.length) valid[index] = ts;
    else if (index === valid.length) valid.push(ts);
    return true;
  }

  /** An integer, double or string value, with its type in `this.type`; else `undefined`. */
  value(): PointValue | undefined {
    const buf = this.buf;
    const p = this.pos;
    if (p >= this.end) return undefined;
    const tp = buf[p] as number;
    if (tp === QP_DOUBLE) {
      if (p + 9 > this.end) return undefined;
      this.pos = p + 9;
      this.type = 'float';
      return this.view.getFloat64(p + 1, true);
    }
    if (tp < QP_HOOK) {
      this.pos = p + 1;
      this.type = 'integer';
      return BigInt(tp <= QP_FIXED_INT_MAX ? tp : 63 - tp);
    }
    if (tp < QP_RAW_FIXED) {
      if (tp === QP_HOOK) return undefined; // null
      this.pos = p + 1;
      this.type = 'float';
      return tp - 126; // -1, 0, 1
    }
    if (tp <= QP_RAW32) {
      const text = this.text();
      if (text === undefined) return undefined;
      this.type = 'string';
      return text;
    }
    let value: bigint;
    if (tp === QP_INT64) {
      if (p + 9 > this.end) return undefined;
      value = this.int64(p + 1);
      this.pos = p + 9;
    } else if (tp === QP_INT32) {
      if (p + 5 > this.end) return undefined;
      value = BigInt(buf.readInt32LE(p + 1));
      this.pos = p + 5;
    } else if (tp === QP_INT16) {
      if (p + 3 > this.end) return undefined;
      value = BigInt(buf.readInt16LE(p + 1));
      this.pos = p + 3;
    } else if (tp === QP_INT8) {
      if (p + 2 > this.end) return undefined;
      value = BigInt(buf.readInt8(p + 1));
      this.pos = p + 2;
    } else {
      return undefined;
    }
    this.type = 'integer';
    return value;
  }

  int64(at: number): bigint {
    const buf = this.buf;
    const hi = buf.readInt32LE(at + 4);
    if (hi < SAFE_HIGH_WORD && hi >= -SAFE_HIGH_WORD) return BigInt(hi * TWO_POW_32 + buf.readUInt32LE(at));
    return buf.readBigInt64LE(at);
  }

  /** A raw of at most 2^32 - 1 bytes as a string (as the decoder makes it), else `undefined`. */
  text(): string | undefined {
    const buf = this.buf;
    const end = this.end;
    let p = this.pos;
    if (p >= end) return undefined;
    const tp = buf[p] as number;
    let n: number;
    if (tp >= QP_RAW_FIXED && tp <= QP_RAW_FIXED_LAST) {
      n = tp - QP_RAW_FIXED;
      p += 1;
    } else if (tp === QP_RAW8) {
      if (p + 2 > end) return undefined;
      n = buf[p + 1] as number;
      p += 2;
    } else if (tp === QP_RAW16) {
      if (p + 3 > end) return undefined;
      n = buf.readUInt16LE(p + 1);
      p += 3;
    } else if (tp === QP_RAW32) {
      if (p + 5 > end) return undefined;
      n = buf.readUInt32LE(p + 1);
      p += 5;
    } else {
      return undefined;
    }
    const to = p + n;
    if (to > end) return undefined;
    this.pos = to;
    return readUtf8(buf, p, to);
  }
}
