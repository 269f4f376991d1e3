/**
 * Insert validation and storage, as SiriDB 2.0.55 does them (docs/protocols/siridb.md §7). The
 * whole payload is validated before anything is stored; a series' type is fixed by its first
 * point and later values are converted the way the server converts them. Names and string values
 * end at a NUL, as the server keeps them as C strings.
 * @internal
 */
import * as qpackTypes from '../protocol/qpack-types.js';
import { readUtf8 } from '../protocol/utf8-text.js';
import { truncateToInt64 } from './aggregates.js';
import { isMapOfTwo, isOpenArray, opensPoint, QpackStream, type StreamItem } from './insert-stream.js';
import { assignSeriesId } from './series-ids.js';
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
  /** The server never answers (a series name starting with NUL ends what it stores). */
  readonly unanswered: boolean;
}

class InsertFailure extends Error {}

/** The text before the first NUL: the server keeps names and string values as C strings. */
function cutAtNul(text: string): string {
  const nul = text.indexOf('\u0000');
  return nul === -1 ? text : text.slice(0, nul);
}

/** `strncmp(key, word, len(key)) == 0`: `key` is a prefix of `word`, or equals it up to a NUL. */
function keyMatches(key: string, word: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const char = key[i];
    if (char !== (word[i] ?? '\u0000')) return false;
    if (char === '\u0000') return true;
  }
  return true;
}

/** A series name as the server takes it: a raw of 1 to 65,534 bytes. */
function isNameItem(item: StreamItem): item is Extract<StreamItem, { kind: 'raw' }> {
  return item.kind === 'raw' && item.bytes > 0 && item.bytes < SERIES_NAME_LEN_MAX;
}

/**
 * `INSERT_read_points`: the points of one series (added to `out`), returning the item after them.
 * An open point without its close byte ends the loop early; the caller then fails on that item.
 */
function streamPoints(db: TestDatabase, stream: QpackStream, name: string, out: ParsedSeries[]): StreamItem {
  if (stream.next().kind !== 'array') throw new InsertFailure(InsertMessage.EXPECTING_ARRAY);
  let item = stream.next();
  if (!opensPoint(item)) throw new InsertFailure(InsertMessage.EXPECTING_AT_LEAST_ONE_POINT);
  const timestamps: bigint[] = [];
  const values: PointValue[] = [];
  const types: SeriesType[] = [];
  for (; opensPoint(item); item = stream.next()) {
    const ts = stream.next();
    if (ts.kind !== 'int') throw new InsertFailure(InsertMessage.EXPECTING_INTEGER_TS);
    if (!isValidTimestamp(db.precision, ts.value))
      throw new InsertFailure(InsertMessage.TIMESTAMP_OUT_OF_RANGE);
    const value = stream.next();
    if (value.kind === 'raw') {
      types.push('string');
      values.push(cutAtNul(value.text));
    } else if (value.kind === 'int') {
      types.push('integer');
      values.push(value.value);
    } else if (value.kind === 'double') {
      types.push('float');
      values.push(value.value);
    } else {
      throw new InsertFailure(InsertMessage.UNSUPPORTED_VALUE);
    }
    timestamps.push(ts.value);
    if (isOpenArray(item) && stream.next().kind !== 'array_close') return item;
  }
  if (item.kind === 'array_close') item = stream.next();
  const type = types[0] as SeriesType;
  out.push({ name, type, ts: timestamps, values, types: types.every((t) => t === type) ? undefined : types });
  return item;
}

/** `INSERT_assign_by_map`: names and points until something that is not a name. */
function streamByMap(db: TestDatabase, stream: QpackStream): ParsedSeries[] {
  const out: ParsedSeries[] = [];
  let item = stream.next();
  while (isNameItem(item)) item = streamPoints(db, stream, item.text, out);
  if (item.kind !== 'end' && item.kind !== 'map_close')
    throw new InsertFailure(InsertMessage.EXPECTING_SERIES_NAME);
  return out;
}

/** `INSERT_assign_by_array`: fixed maps of two, `name` and `points` in either order. */
function streamByArray(db: TestDatabase, stream: QpackStream): ParsedSeries[] {
  const out: ParsedSeries[] = [];
  let item = stream.next();
  while (isMapOfTwo(item)) {
    let key = stream.next();
    if (key.kind !== 'raw') throw new InsertFailure(InsertMessage.EXPECTING_NAME_AND_POINTS);
    const early: ParsedSeries[] = [];
    if (keyMatches(key.text, 'points')) {
      key = streamPoints(db, stream, '', early);
      if (key.kind !== 'raw') throw new InsertFailure(InsertMessage.EXPECTING_NAME_AND_POINTS);
    }
    if (!keyMatches(key.text, 'name')) throw new InsertFailure(InsertMessage.EXPECTING_NAME_AND_POINTS);
    const name = stream.next();
    if (!isNameItem(name)) throw new InsertFailure(InsertMessage.EXPECTING_NAME_AND_POINTS);
    const points = early[0];
    if (points !== undefined) {
      out.push({ ...points, name: name.text });
      item = stream.next();
    } else {
      const second = stream.next();
      if (second.kind !== 'raw' || !keyMatches(second.text, 'points'))
        throw new InsertFailure(InsertMessage.EXPECTING_NAME_AND_POINTS);
      item = streamPoints(db, stream, name.text, out);
    }
  }
  if (item.kind !== 'end' && item.kind !== 'array_close')
    throw new InsertFailure(InsertMessage.EXPECTING_SERIES_NAME);
  return out;
}

/** `siridb_insert_assign_pools`: a map or an array at the top. */
function streamInsert(db: TestDatabase, payload: Buffer): ParsedSeries[] {
  const stream = new QpackStream(payload);
  const first = stream.next();
  if (first.kind === 'map') return streamByMap(db, stream);
  if (first.kind === 'array') return streamByArray(db, stream);
  throw new InsertFailure(InsertMessage.EXPECTING_MAP_OR_ARRAY);
}

function validName(name: string | undefined): name is string {
  if (name === undefined || name.length === 0) return false;
  return Buffer.byteLength(name, 'utf8') < SERIES_NAME_LEN_MAX && !name.includes('\u0000');
}

/**
 * Names cut at their first NUL, as the server stores them. A name that is empty once cut (it
 * starts with NUL) stops the server: the series before it are stored, that one and those after it
 * are not, and the insert is never answered.
 */
function cutNames(series: ParsedSeries[]): { series: ParsedSeries[]; unanswered: boolean } {
  const out: ParsedSeries[] = [];
  for (const entry of series) {
    if (!entry.name.includes('\u0000')) {
      out.push(entry);
      continue;
    }
    const name = cutAtNul(entry.name);
    if (name.length === 0) return { series: out, unanswered: true };
    out.push({ ...entry, name });
  }
  return { series: out, unanswered: false };
}

/**
 * Validates an insert payload; `{ ok: false, message }` is answered with 66. The common shapes are
 * read straight from the bytes; anything else is read item by item as the server reads it.
 */
export function validateInsert(
  db: TestDatabase,
  payload: Buffer,
): ValidInsert | { readonly ok: false; readonly message: string } {
  const fast = payload.length === 0 ? undefined : readCommonInsert(payload, db.precision);
  if (fast !== undefined) return { ok: true, count: fast.count, series: fast.series, unanswered: false };
  try {
    const parsed = streamInsert(db, payload);
    let count = 0;
    for (const entry of parsed) count += entry.ts.length;
    const { series, unanswered } = cutNames(parsed);
    return { ok: true, count, series, unanswered };
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
      assignSeriesId(db, series);
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
      // text with a NUL is cut by the general path
      if (text === undefined || text.includes('\u0000')) return undefined;
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
