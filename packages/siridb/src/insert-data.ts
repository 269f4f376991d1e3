import { InsertError } from './errors.js';
import { shownText } from './message-text.js';
import { takeAnsweredBuffer } from './protocol/payload-reuse.js';
import { encodeQpack } from './protocol/qpack.js';
import { QpackFloat } from './protocol/qpack-float.js';
import * as qpackTypes from './protocol/qpack-types.js';
import * as qpackWriter from './protocol/qpack-writer.js';
import * as safeText from './safe-text.js';

// Module-local copies: code over imported bindings ran several times slower when the sources run
// as separate ES modules (tsx, vitest); bundled builds inline them either way.
const { copyOut, putDouble, putInteger, QpackWriter, releaseScratch, takeScratch } = qpackWriter;
const { isSafeText, refuseUnsafeText } = safeText;
const {
  QP_ARRAY_CLOSE,
  QP_ARRAY_OPEN,
  QP_ARRAY0,
  QP_DOUBLE,
  QP_FIXED_CONTAINER_LIMIT,
  QP_INT64,
  QP_MAP_CLOSE,
  QP_MAP_OPEN,
  QP_MAP0,
  QP_NULL,
  QP_RAW_FIXED,
} = qpackTypes;
type QpackWriter = qpackWriter.QpackWriter;

/** A point value: an integer, a float, or a string. Wrap a float that looks integral with `qpackFloat(22)`. */
export type SiriDBValue = number | bigint | string | QpackFloat;

/** A point: `[timestamp, value]`, the timestamp an integer in the database's precision. */
export type SiriDBPoint = readonly [timestamp: number | bigint, value: SiriDBValue];

/** One series in the array form of an insert. */
export interface SiriDBSeriesPoints {
  readonly name: string;
  readonly points: readonly SiriDBPoint[];
}

/** What `insert()` accepts: `{ name: points }` (or a `Map`), or `[{ name, points }]`. */
export type SiriDBInsertData =
  | Readonly<Record<string, readonly SiriDBPoint[]>>
  | ReadonlyMap<string, readonly SiriDBPoint[]>
  | readonly SiriDBSeriesPoints[];

/** An insert validated and encoded once, ready to be sent (and re-sent to another host). */
export interface EncodedInsert {
  readonly payload: Buffer;
  /** The payload is the start of a buffer of its own (give it back once answered: `giveAnsweredBuffer`). */
  readonly ownsBuffer: boolean;
  readonly seriesCount: number;
  readonly pointCount: number;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -INT64_MAX - 1n;
const TWO_POW_32 = 2 ** 32;
const TWO_POW_63 = 2 ** 63;
const MAX_NAME_BYTES = 65_534;
/** Names of at most this many UTF-16 units cannot exceed MAX_NAME_BYTES (3 UTF-8 bytes per unit). */
const SURELY_SHORT_NAME = Math.floor(MAX_NAME_BYTES / 3);

const QP_ARRAY2 = QP_ARRAY0 + 2;
const QP_MAP2 = QP_MAP0 + 2;
/** The raw `"name"` and `"points"` keys of the array form. */
const NAME_KEY = [QP_RAW_FIXED + 4, ...Buffer.from('name')];
const POINTS_KEY = [QP_RAW_FIXED + 6, ...Buffer.from('points')];
/** Most bytes one point takes before a string value: ARRAY2, an int64 timestamp, a double or int64. */
const POINT_BYTES = 19;

/** How a series is named in messages. */
const FORM_ARRAY = 0;
const FORM_KEYED = 1;

/** Inserts at least this large (judging by the previous one) get their own output buffer. */
const DIRECT_MIN_BYTES = 16 << 10;
/** Size of the last payload encoded. */
let expectedBytes = 0;

/**
 * Set while encoding when a point holds what only the generic encoder can report on (an integral
 * number outside the signed 64-bit range): once everything is validated, the generic encoder runs
 * on the same data and throws its own error, exactly as when validation and encoding were separate.
 */
let needsGenericEncode = false;

/**
 * Validates every point before anything is sent (a bad point would otherwise reject the whole
 * package on the server), then encodes the payload: points as fixed 2-arrays, and in the array
 * form each series as a fixed 2-key map, which is what the server requires.
 *
 * One pass: each point is validated and written straight into one growing buffer; the bytes are
 * those of `encodeQpack` of the same data (canonical qpack).
 * @throws InsertError (`CONN_SIRIDB_INVALID_INSERT`) naming the series and point; ConfigError
 * (`CONN_SIRIDB_NUL`, `CONN_SIRIDB_LONE_SURROGATE`) for a name or string value SiriDB would cut or
 * change.
 */
export function encodeInsert(data: SiriDBInsertData): EncodedInsert {
  const outer = needsGenericEncode; // a getter in the data could insert too
  needsGenericEncode = false;
  // Large inserts are written straight into their own buffer, sized from the previous one (the
  // bytes are not copied again when it fits well); small ones into the shared scratch buffer.
  const direct = expectedBytes >= DIRECT_MIN_BYTES;
  const directBytes = expectedBytes + (expectedBytes >>> 4) + 64;
  const writer = new QpackWriter(
    direct ? (takeAnsweredBuffer(directBytes) ?? Buffer.allocUnsafeSlow(directBytes)) : takeScratch(0),
    0,
  );
  try {
    let seriesCount: number;
    let pointCount: number;
    let generic: () => Buffer;
    if (Array.isArray(data)) {
      const list = data as readonly SiriDBSeriesPoints[];
      seriesCount = list.length;
      pointCount = writeArrayForm(writer, list);
      generic = () => encodeQpack(list.map((entry) => ({ name: entry.name, points: entry.points })));
    } else if (data instanceof Map) {
      seriesCount = data.size;
      pointCount = writeMapForm(writer, data);
      generic = () => encodeQpack(data);
    } else {
      if (typeof data !== 'object' || data === null) {
        invalid('insert data must be { name: points }, a Map, or an array of { name, points }');
      }
      const record = data as Readonly<Record<string, readonly SiriDBPoint[]>>;
      const proto: unknown = Object.getPrototypeOf(record);
      // not a plain object: the generic encoder decides (it refuses class instances)
      if (proto !== Object.prototype && proto !== null) needsGenericEncode = true;
      const names = Object.keys(record);
      seriesCount = names.length;
      pointCount = writeRecordForm(writer, record, names);
      generic = () => encodeQpack(record);
    }
    if (needsGenericEncode) return { payload: generic(), ownsBuffer: false, seriesCount, pointCount };
    const size = writer.pos;
    expectedBytes = size;
    // an own buffer is returned as it is unless more than a ninth of it would be wasted
    const buf = writer.buf;
    const ownsBuffer =
      direct && size * 9 >= buf.length * 8 && buf.byteOffset === 0 && buf.length === buf.buffer.byteLength;
    const payload = ownsBuffer ? writer.buf.subarray(0, size) : copyOut(writer, 0);
    return { payload, ownsBuffer, seriesCount, pointCount };
  } finally {
    needsGenericEncode = outer;
    if (!direct) releaseScratch(writer.buf);
  }
}

function containerHeader(writer: QpackWriter, n: number, fixedBase: number, open: number): void {
  writer.byte(n < QP_FIXED_CONTAINER_LIMIT ? fixedBase + n : open);
}

function writeArrayForm(writer: QpackWriter, list: readonly SiriDBSeriesPoints[]): number {
  const n = list.length;
  containerHeader(writer, n, QP_ARRAY0, QP_ARRAY_OPEN);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const entry = list[i];
    if (entry === undefined && !(i in list)) {
      // a hole: skipped by validation, written as null (as the generic encoder writes it)
      writer.byte(QP_NULL);
      continue;
    }
    if (typeof entry !== 'object' || entry === null) invalid(`series #${i} must be { name, points }`);
    const { name, points } = entry;
    checkName(name, FORM_ARRAY, i);
    writer.byte(QP_MAP2);
    writeBytes(writer, NAME_KEY);
    writer.string(name);
    writeBytes(writer, POINTS_KEY);
    count += writePoints(writer, points, FORM_ARRAY, name, i);
  }
  if (n >= QP_FIXED_CONTAINER_LIMIT) writer.byte(QP_ARRAY_CLOSE);
  return count;
}

function writeMapForm(writer: QpackWriter, map: ReadonlyMap<string, readonly SiriDBPoint[]>): number {
  const n = map.size;
  containerHeader(writer, n, QP_MAP0, QP_MAP_OPEN);
  let count = 0;
  for (const [name, points] of map) {
    checkName(name, FORM_KEYED, 0);
    writer.string(name);
    count += writePoints(writer, points, FORM_KEYED, name, 0);
  }
  if (n >= QP_FIXED_CONTAINER_LIMIT) writer.byte(QP_MAP_CLOSE);
  return count;
}

function writeRecordForm(
  writer: QpackWriter,
  record: Readonly<Record<string, readonly SiriDBPoint[]>>,
  names: readonly string[],
): number {
  const n = names.length;
  containerHeader(writer, n, QP_MAP0, QP_MAP_OPEN);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const name = names[i] as string;
    checkName(name, FORM_KEYED, 0);
    writer.string(name);
    count += writePoints(writer, record[name], FORM_KEYED, name, 0);
  }
  if (n >= QP_FIXED_CONTAINER_LIMIT) writer.byte(QP_MAP_CLOSE);
  return count;
}

function writeBytes(writer: QpackWriter, bytes: readonly number[]): void {
  writer.ensure(bytes.length);
  const buf = writer.buf;
  let p = writer.pos;
  for (let i = 0; i < bytes.length; i++) buf[p++] = bytes[i] as number;
  writer.pos = p;
}

/**
 * How messages name a series: `series #3` (array form) or `series "cpu"`, a long name cut to its
 * first characters and its length.
 */
function where(form: number, name: unknown, index: number): string {
  return form === FORM_ARRAY ? `series #${index}` : `series ${shownText(String(name))}`;
}

function checkName(name: unknown, form: number, index: number): asserts name is string {
  if (typeof name !== 'string' || name.length === 0)
    invalid(`${where(form, name, index)}: the name must be a non-empty string`);
  if (name.length > SURELY_SHORT_NAME && Buffer.byteLength(name) > MAX_NAME_BYTES)
    invalid(`${where(form, name, index)}: the name is longer than ${MAX_NAME_BYTES} bytes`);
  // SiriDB cuts names at NUL (two names would become one series) and stores U+FFFD for a lone surrogate
  if (!isSafeText(name)) refuseUnsafeText(name, `${where(form, name, index)}: the name`, 'name');
}

/**
 * Validates and writes the points of one series; returns how many there are. The buffer and the
 * offset live in locals, and room for a whole point (but a string value) is made once per point.
 */
function writePoints(
  writer: QpackWriter,
  points: unknown,
  form: number,
  name: string,
  index: number,
): number {
  if (!Array.isArray(points))
    invalid(`${where(form, name, index)}: points must be an array of [timestamp, value]`);
  const list = points as readonly unknown[];
  const n = list.length;
  if (n === 0) invalid(`${where(form, name, index)}: a series needs at least one point`);
  containerHeader(writer, n, QP_ARRAY0, QP_ARRAY_OPEN);
  let buf = writer.buf;
  let cap = writer.cap;
  let p = writer.pos;
  let view = new DataView(buf.buffer, buf.byteOffset, cap);
  for (let i = 0; i < n; i++) {
    const point = list[i];
    if (!Array.isArray(point) || point.length !== 2) {
      invalid(`${where(form, name, index)}, point ${i}: expected [timestamp, value]`);
    }
    const timestamp: unknown = point[0];
    const value: unknown = point[1];
    if (p + POINT_BYTES > cap) {
      writer.pos = p;
      writer.grow(POINT_BYTES);
      buf = writer.buf;
      cap = writer.cap;
      view = new DataView(buf.buffer, buf.byteOffset, cap);
    }
    buf[p++] = QP_ARRAY2;
    if (typeof timestamp === 'number' && timestamp >= 0 && Number.isSafeInteger(timestamp)) {
      if (timestamp >= TWO_POW_32) {
        // today's timestamps in ms and finer: int64 (the smallest form for 2^31 and beyond)
        buf[p] = QP_INT64;
        view.setUint32(p + 1, timestamp >>> 0, true);
        view.setUint32(p + 5, Math.floor(timestamp / TWO_POW_32), true);
        p += 9;
      } else {
        p = putInteger(buf, p, timestamp);
      }
    } else if (typeof timestamp === 'bigint' && timestamp >= 0n && timestamp <= INT64_MAX) {
      writer.pos = p;
      writer.bigint(timestamp); // at most 9 bytes: room was made
      p = writer.pos;
    } else {
      invalid(
        `${where(form, name, index)}, point ${i}: the timestamp must be a non-negative integer, got ${describe(timestamp)}`,
      );
    }
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) {
        // not 0, 1 or -1 (the one-byte doubles): always the 9-byte form
        buf[p] = QP_DOUBLE;
        view.setFloat64(p + 1, value, true);
        p += 9;
      } else if (value >= -TWO_POW_63 && value < TWO_POW_63) p = putInteger(buf, p, value);
      else needsGenericEncode = true;
    } else if (typeof value === 'string') {
      // SiriDB stores a string value only up to a NUL ('ab\0cd' as 'ab'), a lone surrogate as U+FFFD
      if (!isSafeText(value))
        refuseUnsafeText(value, `${where(form, name, index)}, point ${i}: the string value`, 'value');
      writer.pos = p;
      writer.string(value);
      if (writer.buf !== buf) {
        buf = writer.buf;
        cap = writer.cap;
        view = new DataView(buf.buffer, buf.byteOffset, cap);
      }
      p = writer.pos;
    } else if (typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX) {
      writer.pos = p;
      writer.bigint(value); // at most 9 bytes: room was made
      p = writer.pos;
    } else if (value instanceof QpackFloat) {
      p = putDouble(buf, p, value.value);
    } else {
      invalid(
        `${where(form, name, index)}, point ${i}: values must be numbers, bigints, strings or qpackFloat(), got ${describe(value)}`,
      );
    }
  }
  writer.pos = p;
  if (n >= QP_FIXED_CONTAINER_LIMIT) writer.byte(QP_ARRAY_CLOSE);
  return n;
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (typeof value === 'string') return shownText(value);
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function invalid(message: string): never {
  throw new InsertError(message, { code: 'CONN_SIRIDB_INVALID_INSERT', siridbType: 0 });
}
