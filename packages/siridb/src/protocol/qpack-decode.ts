import { ConfigError, ProtocolError } from '@conn/core';
import { QpackFloat } from './qpack-float.js';
import * as qpackTypes from './qpack-types.js';
import { readUtf8 } from './utf8-text.js';

// Module-local copies: code over imported bindings ran several times slower when the sources run
// as separate ES modules (tsx, vitest); bundled builds inline them either way.
const {
  QP_ARRAY_CLOSE,
  QP_ARRAY_OPEN,
  QP_ARRAY0,
  QP_ARRAY5,
  QP_DOUBLE,
  QP_FALSE,
  QP_FIXED_NEG_FIRST,
  QP_HOOK,
  QP_INT8,
  QP_INT16,
  QP_INT32,
  QP_INT64,
  QP_MAP_CLOSE,
  QP_MAP_OPEN,
  QP_MAP0,
  QP_MAX_DEPTH,
  QP_NULL,
  QP_RAW_FIXED,
  QP_RAW8,
  QP_RAW16,
  QP_RAW32,
  QP_RAW64,
  QP_TRUE,
} = qpackTypes;

/** Options of {@link decodeQpack}. */
export interface QpackDecodeOptions {
  /**
   * How integers come back. SiriDB integers are signed 64-bit and the server writes each one in the
   * smallest encoding that fits, so the choice applies to integers of every width:
   * - `'auto'` (default): a `number` when it is a safe integer (|n| ≤ 2^53 − 1), else a `bigint`;
   * - `'bigint'`: always a `bigint`;
   * - `'number'`: always a `number` (integers beyond 2^53 are rounded to the nearest double).
   */
  int64?: 'auto' | 'bigint' | 'number';
  /**
   * How raw values come back: `'string'` (default) decodes them as UTF-8 (invalid sequences become
   * U+FFFD); `'bytes'` returns a `Uint8Array` copy. Map keys are always strings.
   */
  raw?: 'string' | 'bytes';
  /**
   * How doubles come back: `'number'` (default), or `'wrap'` for a {@link QpackFloat}, so a double
   * `22.0` stays distinct from the integer `22`.
   */
  floats?: 'number' | 'wrap';
}

const TWO_POW_32 = 4_294_967_296;
const INT_AUTO = 0;
const INT_BIGINT = 1;
const INT_NUMBER = 2;

class Reader {
  readonly buf: Buffer;
  readonly end: number;
  pos = 0;
  depth = 0;
  readonly ints: number;
  bytes: boolean;
  readonly wrap: boolean;
  /** Over `buf`, for 64-bit values; made at the first one (small answers may have none). */
  view: DataView | undefined;

  constructor(buf: Buffer, ints: number, bytes: boolean, wrap: boolean) {
    this.buf = buf;
    this.end = buf.length;
    this.ints = ints;
    this.bytes = bytes;
    this.wrap = wrap;
  }

  fail(message: string, offset: number): ProtocolError {
    return new ProtocolError(`qpack: ${message} at byte ${offset}`, {
      code: 'CONN_SIRIDB_QPACK',
      details: { offset },
    });
  }

  /** Checks that `n` more bytes follow the type byte at `start`. */
  need(n: number, start: number): void {
    if (n > this.end - this.pos) {
      throw this.fail(`truncated value: ${n} byte(s) needed, ${this.end - this.pos} left`, start);
    }
  }

  int(n: number): number | bigint {
    return this.ints === INT_BIGINT ? BigInt(n) : n;
  }

  value(): unknown {
    const start = this.pos;
    if (start >= this.end) throw this.fail('truncated input: a value is missing', start);
    const buf = this.buf;
    const tp = buf[start] as number;
    this.pos = start + 1;
    if (tp < QP_FIXED_NEG_FIRST) return this.ints === INT_BIGINT ? BigInt(tp) : tp;
    if (tp < QP_HOOK) return this.ints === INT_BIGINT ? BigInt(63 - tp) : 63 - tp;
    if (tp < QP_RAW_FIXED) return tp === QP_HOOK ? null : this.double(tp - 126);
    if (tp < QP_RAW8) return this.raw(tp - QP_RAW_FIXED, start);
    switch (tp) {
      case QP_RAW8:
        this.need(1, start);
        return this.raw(buf[this.pos++] as number, start);
      case QP_RAW16:
        this.need(2, start);
        this.pos += 2;
        return this.raw(buf.readUInt16LE(start + 1), start);
      case QP_RAW32:
        this.need(4, start);
        this.pos += 4;
        return this.raw(buf.readUInt32LE(start + 1), start);
      case QP_RAW64: {
        this.need(8, start);
        this.pos += 8;
        const lo = buf.readUInt32LE(start + 1);
        const hi = buf.readUInt32LE(start + 5);
        return this.raw(hi * TWO_POW_32 + lo, start);
      }
      case QP_INT8:
        this.need(1, start);
        this.pos = start + 2;
        return this.int(buf.readInt8(start + 1));
      case QP_INT16:
        this.need(2, start);
        this.pos = start + 3;
        return this.int(buf.readInt16LE(start + 1));
      case QP_INT32:
        this.need(4, start);
        this.pos = start + 5;
        return this.int(buf.readInt32LE(start + 1));
      case QP_INT64:
        this.need(8, start);
        this.pos = start + 9;
        return this.int64(start + 1);
      case QP_DOUBLE:
        this.need(8, start);
        this.pos = start + 9;
        return this.double(this.dataView().getFloat64(start + 1, true));
      case QP_TRUE:
        return true;
      case QP_FALSE:
        return false;
      case QP_NULL:
        return null;
      case QP_ARRAY_OPEN:
        return this.openArray(start);
      case QP_MAP_OPEN:
        return this.openMap(start);
      case QP_ARRAY_CLOSE:
      case QP_MAP_CLOSE:
        throw this.fail(
          `unexpected ${tp === QP_ARRAY_CLOSE ? 'array' : 'map'} close byte 0x${tp.toString(16)}`,
          start,
        );
      default:
        if (tp <= QP_ARRAY5) return this.fixedArray(tp - QP_ARRAY0, start);
        return this.fixedMap(tp - QP_MAP0, start);
    }
  }

  dataView(): DataView {
    const buf = this.buf;
    this.view ??= new DataView(buf.buffer, buf.byteOffset, buf.length);
    return this.view;
  }

  int64(at: number): number | bigint {
    const view = this.dataView();
    if (this.ints === INT_BIGINT) return view.getBigInt64(at, true);
    const n = view.getInt32(at + 4, true) * TWO_POW_32 + view.getUint32(at, true);
    if (this.ints === INT_NUMBER || (n <= Number.MAX_SAFE_INTEGER && n >= -Number.MAX_SAFE_INTEGER)) return n;
    return view.getBigInt64(at, true);
  }

  double(d: number): number | QpackFloat {
    return this.wrap ? new QpackFloat(d) : d;
  }

  raw(n: number, start: number): string | Uint8Array {
    const from = this.pos;
    if (n > this.end - from)
      throw this.fail(`truncated raw: ${n} byte(s) declared, ${this.end - from} left`, start);
    this.pos = from + n;
    if (this.bytes) return new Uint8Array(this.buf.buffer, this.buf.byteOffset + from, n).slice();
    return this.text(from, from + n);
  }

  text(from: number, to: number): string {
    return readUtf8(this.buf, from, to);
  }

  /** A map key: raw keys are always strings; other scalar keys go through `String()`. */
  key(): string {
    const start = this.pos;
    const tp = this.buf[start] as number;
    if (tp >= QP_RAW_FIXED && tp < QP_RAW8) {
      const n = tp - QP_RAW_FIXED;
      const from = start + 1;
      if (n > this.end - from)
        throw this.fail(`truncated raw: ${n} byte(s) declared, ${this.end - from} left`, start);
      this.pos = from + n;
      return this.text(from, from + n);
    }
    const bytes = this.bytes;
    this.bytes = false;
    let key: unknown;
    try {
      key = this.value();
    } finally {
      this.bytes = bytes;
    }
    if (typeof key === 'object' && key !== null && !(key instanceof QpackFloat)) {
      throw this.fail('a map key must be a string or a scalar, not a container', start);
    }
    return String(key);
  }

  enter(start: number): void {
    if (++this.depth > QP_MAX_DEPTH)
      throw this.fail(`containers nested deeper than ${QP_MAX_DEPTH} levels`, start);
  }

  fixedArray(n: number, start: number): unknown[] {
    this.enter(start);
    // Array literals get an exactly sized, packed backing store (push would reserve 16 slots), and
    // elements are evaluated left to right. A point [ts, value] is the most common value by far.
    let items: unknown[];
    switch (n) {
      case 0:
        items = [];
        break;
      case 1:
        items = [this.value()];
        break;
      case 2:
        items = [this.value(), this.value()];
        break;
      case 3:
        items = [this.value(), this.value(), this.value()];
        break;
      case 4:
        items = [this.value(), this.value(), this.value(), this.value()];
        break;
      default:
        items = [this.value(), this.value(), this.value(), this.value(), this.value()];
        break;
    }
    this.depth--;
    return items;
  }

  openArray(start: number): unknown[] {
    this.enter(start);
    const items: unknown[] = [];
    const buf = this.buf;
    const end = this.end;
    while (this.pos < end) {
      if (buf[this.pos] === QP_ARRAY_CLOSE) {
        this.pos++;
        break;
      }
      items.push(this.value());
    }
    this.depth--;
    return items;
  }

  fixedMap(n: number, start: number): Record<string, unknown> {
    this.enter(start);
    const map: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      if (this.pos >= this.end) throw this.fail('truncated input: a map key is missing', this.pos);
      const key = this.key();
      setEntry(map, key, this.value());
    }
    this.depth--;
    return map;
  }

  openMap(start: number): Record<string, unknown> {
    this.enter(start);
    const map: Record<string, unknown> = {};
    const buf = this.buf;
    const end = this.end;
    while (this.pos < end) {
      if (buf[this.pos] === QP_MAP_CLOSE) {
        this.pos++;
        break;
      }
      const key = this.key();
      setEntry(map, key, this.value());
    }
    this.depth--;
    return map;
  }
}

/** Plain assignment, except `__proto__`, which becomes an own property instead of a prototype change. */
function setEntry(map: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    map[key] = value;
  }
}

function optionError(name: string, value: unknown, allowed: string): ConfigError {
  return new ConfigError(`qpack: ${name} must be ${allowed}, got ${String(value)}`, {
    code: 'CONN_SIRIDB_QPACK_OPTIONS',
    field: name,
  });
}

/**
 * Decodes one qpack value (docs/protocols/siridb.md §4.3). The end of the input closes every open
 * container: the server never closes the open map it starts its answers with.
 *
 * Maps come back as plain objects (keys are always strings; a `__proto__` key is an own property),
 * arrays as arrays, `0x7c` (hook) as `null`.
 *
 * @throws ProtocolError `CONN_SIRIDB_QPACK` (with `details.offset`) for empty or truncated input, a
 *   close byte without a matching open container, bytes left after a complete value, a container as
 *   a map key, or nesting deeper than 1000 levels.
 * @throws ConfigError `CONN_SIRIDB_QPACK_OPTIONS` for an unknown option value.
 */
export function decodeQpack(bytes: Uint8Array, options?: QpackDecodeOptions): unknown {
  if (!(bytes instanceof Uint8Array)) {
    throw new ConfigError(`qpack: decodeQpack needs a Uint8Array, got ${typeof bytes}`, {
      code: 'CONN_SIRIDB_QPACK_TYPE',
    });
  }
  let ints = INT_AUTO;
  let raw = false;
  let wrap = false;
  if (options !== undefined) {
    const { int64, raw: rawOption, floats } = options;
    if (int64 === 'bigint') ints = INT_BIGINT;
    else if (int64 === 'number') ints = INT_NUMBER;
    else if (int64 !== undefined && int64 !== 'auto')
      throw optionError('int64', int64, "'auto', 'bigint' or 'number'");
    if (rawOption === 'bytes') raw = true;
    else if (rawOption !== undefined && rawOption !== 'string')
      throw optionError('raw', rawOption, "'string' or 'bytes'");
    if (floats === 'wrap') wrap = true;
    else if (floats !== undefined && floats !== 'number')
      throw optionError('floats', floats, "'number' or 'wrap'");
  }
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new Reader(buf, ints, raw, wrap);
  const value = reader.value();
  if (reader.pos < reader.end) {
    throw reader.fail(`${reader.end - reader.pos} byte(s) left after the value`, reader.pos);
  }
  return value;
}
