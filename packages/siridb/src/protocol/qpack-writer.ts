/**
 * qpack write primitives shared by the generic encoder ({@link encodeQpack} in qpack-encode.ts) and
 * the fused insert encoder (insert-data.ts): a growing buffer writer with the canonical rules of the
 * C and Python encoders (docs/protocols/siridb.md §4.2), plus position-passing helpers for hot
 * loops that keep the buffer and offset in locals.
 * @internal
 */
import { QpackFloat } from './qpack-float.js';
import * as qpackStrings from './qpack-strings.js';
import * as qpackTypes from './qpack-types.js';

// Module-local copies: code over imported bindings ran several times slower when the sources run
// as separate ES modules (tsx, vitest); bundled builds inline them either way.
const {
  QP_ARRAY_CLOSE,
  QP_ARRAY_OPEN,
  QP_ARRAY0,
  QP_DOUBLE,
  QP_DOUBLE_0,
  QP_DOUBLE_1,
  QP_DOUBLE_N1,
  QP_FALSE,
  QP_FIXED_CONTAINER_LIMIT,
  QP_FIXED_INT_MAX,
  QP_FIXED_NEG_MIN,
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
  QP_TRUE,
} = qpackTypes;
const { putRawHeader, putUtf8, rawHeaderSize, writeUtf8 } = qpackStrings;

const TWO_POW_32 = 4_294_967_296;
const TWO_POW_63 = 2 ** 63;
const INT64_MIN_BIG = -(2n ** 63n);
const INT64_MAX_BIG = 2n ** 63n - 1n;
const INT32_MIN_BIG = -(2n ** 31n);
const INT32_MAX_BIG = 2n ** 31n - 1n;

/**
 * Strings of fewer UTF-16 units are transcoded in JS, cheaper than a call into the runtime; they
 * always fit a fixed-length raw (34 units at most: 3 UTF-8 bytes per unit, 99 bytes).
 */
const SHORT_STRING = 24;
/**
 * Scratch buffers up to this size are kept for the next call; larger ones are dropped (an output
 * that outgrows the scratch buffer is written into a buffer of its own, see {@link ownOutput}).
 */
const KEEP_SCRATCH_BYTES = 64 << 10;
const INITIAL_SCRATCH_BYTES = 16 << 10;
/** Outputs up to this size are copied out byte by byte, cheaper than a call into the runtime. */
const LOOP_COPY_OUT_MAX = 64;

/** Doubles go through these views (little-endian hosts); elsewhere through `writeDoubleLE`. */
const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A reusable scratch buffer; taken while an encode runs, so a re-entrant call gets its own. */
let scratch: Buffer | undefined;
/** The view of the buffer last kept as scratch, made once for it. */
let scratchView: DataView | undefined;
let scratchViewOf: Buffer | undefined;

function viewOf(buf: Buffer): DataView {
  if (buf === scratchViewOf && scratchView !== undefined) return scratchView;
  return new DataView(buf.buffer, buf.byteOffset, buf.length);
}

/** Takes the scratch buffer (or a new one) with at least `reserve + 16` bytes. */
export function takeScratch(reserve: number): Buffer {
  let buf = scratch;
  scratch = undefined;
  if (buf === undefined || buf.length < reserve + 16) {
    buf = Buffer.allocUnsafeSlow(INITIAL_SCRATCH_BYTES + reserve);
  }
  return buf;
}

/** Gives a writer's buffer back for the next encode, unless it grew too large to keep. */
export function releaseScratch(buf: Buffer): void {
  if (buf.length > KEEP_SCRATCH_BYTES) return;
  scratch = buf;
  if (buf !== scratchViewOf) {
    scratchViewOf = buf;
    scratchView = new DataView(buf.buffer, buf.byteOffset, buf.length);
  }
}

/**
 * The output of a writer that left its scratch buffer for one of its own: that buffer itself when
 * at most a ninth of it is unused (no copy), else an exact copy. Its first `reserve` bytes are zeroed.
 */
export function ownOutput(writer: QpackWriter, reserve: number): Buffer {
  const n = writer.pos;
  if (n * 9 < writer.cap * 8) return copyOut(writer, reserve);
  if (reserve > 0) writer.buf.fill(0, 0, reserve);
  return writer.buf.subarray(0, n);
}

/** A new buffer with the writer's bytes; its first `reserve` bytes are zeroed. */
export function copyOut(writer: QpackWriter, reserve: number): Buffer {
  const n = writer.pos;
  const out = Buffer.allocUnsafe(n);
  if (n <= LOOP_COPY_OUT_MAX) {
    const buf = writer.buf;
    for (let i = reserve; i < n; i++) out[i] = buf[i] as number;
  } else {
    writer.buf.copy(out, reserve, reserve, n);
  }
  if (reserve > 0) out.fill(0, 0, reserve);
  return out;
}

/** Thrown inside the encoder; each container on the way up adds its index or key. */
export class EncodeFailure {
  readonly path: (string | number)[] = [];
  constructor(
    readonly code: 'CONN_SIRIDB_QPACK_TYPE' | 'CONN_SIRIDB_QPACK_RANGE',
    readonly what: string,
    /** Containers nested deeper than QP_MAX_DEPTH: a cycle, or a value that deep. */
    readonly tooDeep = false,
  ) {}
}

/**
 * Writes the integral number `n` at `p` in its smallest encoding; the caller made room for 9
 * bytes. Returns the offset after it.
 * @throws EncodeFailure when `n` is outside the signed 64-bit range.
 */
export function putInteger(buf: Buffer, p: number, n: number): number {
  if (n >= 0) {
    if (n <= QP_FIXED_INT_MAX) {
      buf[p] = n;
      return p + 1;
    }
  } else if (n >= QP_FIXED_NEG_MIN) {
    buf[p] = 63 - n;
    return p + 1;
  }
  if (n >= -128 && n <= 127) {
    buf[p] = QP_INT8;
    buf[p + 1] = n;
    return p + 2;
  }
  if (n >= -32_768 && n <= 32_767) {
    buf[p] = QP_INT16;
    buf[p + 1] = n;
    buf[p + 2] = n >> 8;
    return p + 3;
  }
  if (n >= -2_147_483_648 && n <= 2_147_483_647) {
    buf[p] = QP_INT32;
    buf[p + 1] = n;
    buf[p + 2] = n >> 8;
    buf[p + 3] = n >> 16;
    buf[p + 4] = n >> 24;
    return p + 5;
  }
  if (n >= -TWO_POW_63 && n < TWO_POW_63) {
    // Exact for every integral double in range: ToUint32 takes the value modulo 2^32, and the
    // division by a power of two followed by floor is exact.
    const lo = n >>> 0;
    const hi = Math.floor(n / TWO_POW_32);
    buf[p] = QP_INT64;
    buf[p + 1] = lo;
    buf[p + 2] = lo >>> 8;
    buf[p + 3] = lo >>> 16;
    buf[p + 4] = lo >>> 24;
    buf[p + 5] = hi;
    buf[p + 6] = hi >> 8;
    buf[p + 7] = hi >> 16;
    buf[p + 8] = hi >> 24;
    return p + 9;
  }
  throw rangeFailure(String(n));
}

/** Writes `d` as a double at `p` (one byte for 0, 1 and -1); room for 9 bytes is made. */
export function putDouble(buf: Buffer, p: number, d: number): number {
  if (d === 0) {
    buf[p] = QP_DOUBLE_0;
    return p + 1;
  }
  if (d === 1) {
    buf[p] = QP_DOUBLE_1;
    return p + 1;
  }
  if (d === -1) {
    buf[p] = QP_DOUBLE_N1;
    return p + 1;
  }
  buf[p] = QP_DOUBLE;
  if (LITTLE_ENDIAN) {
    F64[0] = d;
    const b = F64_BYTES;
    buf[p + 1] = b[0] as number;
    buf[p + 2] = b[1] as number;
    buf[p + 3] = b[2] as number;
    buf[p + 4] = b[3] as number;
    buf[p + 5] = b[4] as number;
    buf[p + 6] = b[5] as number;
    buf[p + 7] = b[6] as number;
    buf[p + 8] = b[7] as number;
  } else {
    buf.writeDoubleLE(d, p + 1);
  }
  return p + 9;
}

/**
 * A growing output buffer with the canonical qpack encoding of every JavaScript value. Short strings
 * are transcoded in JS, long ones by the runtime straight into the buffer.
 */
export class QpackWriter {
  buf: Buffer;
  pos: number;
  cap: number;
  depth = 0;
  /** Over `buf`, for doubles and 64-bit integers. */
  view: DataView;
  /**
   * Size of the first buffer of its own when the writer outgrows the one it started with (a size
   * hint: the encode of a payload like the last one then needs no copy); 0 to double.
   */
  firstGrowBytes = 0;

  constructor(buf: Buffer, pos: number) {
    this.buf = buf;
    this.pos = pos;
    this.cap = buf.length;
    this.view = viewOf(buf);
  }

  /** Makes room for `n` more bytes, doubling the buffer as needed. */
  ensure(n: number): void {
    if (this.pos + n > this.cap) this.grow(n);
  }

  grow(n: number): void {
    let cap = this.cap * 2;
    if (cap < this.firstGrowBytes) cap = this.firstGrowBytes;
    this.firstGrowBytes = 0;
    while (cap < this.pos + n) cap *= 2;
    const next = Buffer.allocUnsafeSlow(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.cap = cap;
    this.view = new DataView(next.buffer, next.byteOffset, cap);
  }

  value(value: unknown): void {
    switch (typeof value) {
      case 'number':
        this.number(value);
        return;
      case 'string':
        this.string(value);
        return;
      case 'object':
        if (value === null) this.byte(QP_NULL);
        else if (Array.isArray(value)) this.array(value);
        else if (value instanceof QpackFloat) this.double(value.value);
        else if (value instanceof Uint8Array) this.raw(value);
        else if (value instanceof Map) this.map(value);
        else this.object(value);
        return;
      case 'boolean':
        this.byte(value ? QP_TRUE : QP_FALSE);
        return;
      case 'bigint':
        this.bigint(value);
        return;
      case 'undefined':
        this.byte(QP_NULL);
        return;
      default:
        throw new EncodeFailure('CONN_SIRIDB_QPACK_TYPE', `a ${typeof value}`);
    }
  }

  byte(b: number): void {
    if (this.pos >= this.cap) this.grow(1);
    this.buf[this.pos++] = b;
  }

  /** Integral numbers as the smallest integer, the rest as doubles; timestamps (int64) first. */
  number(n: number): void {
    let p = this.pos;
    if (p + 9 > this.cap) this.grow(9);
    const buf = this.buf;
    if (n >= TWO_POW_32 && n < TWO_POW_63 && Number.isInteger(n)) {
      buf[p] = QP_INT64;
      const view = this.view;
      view.setUint32(p + 1, n >>> 0, true);
      view.setUint32(p + 5, n / TWO_POW_32, true);
      this.pos = p + 9;
    } else if (Number.isInteger(n)) {
      this.pos = putInteger(buf, p, n);
    } else {
      buf[p++] = QP_DOUBLE;
      this.view.setFloat64(p, n, true);
      this.pos = p + 8;
    }
  }

  /** `n` is an integral number. */
  integer(n: number): void {
    if (this.pos + 9 > this.cap) this.grow(9);
    this.pos = putInteger(this.buf, this.pos, n);
  }

  bigint(n: bigint): void {
    if (n >= INT32_MIN_BIG && n <= INT32_MAX_BIG) {
      this.integer(Number(n));
      return;
    }
    if (n < INT64_MIN_BIG || n > INT64_MAX_BIG) throw rangeFailure(`${n}n`);
    this.ensure(9);
    this.buf[this.pos] = QP_INT64;
    this.buf.writeBigInt64LE(n, this.pos + 1);
    this.pos += 9;
  }

  double(d: number): void {
    if (this.pos + 9 > this.cap) this.grow(9);
    this.pos = putDouble(this.buf, this.pos, d);
  }

  string(s: string): void {
    const len = s.length;
    if (len < SHORT_STRING) {
      if (this.pos + 1 + 3 * len > this.cap) this.grow(1 + 3 * len);
      const start = this.pos + 1;
      const end = putUtf8(this.buf, start, s, len);
      this.buf[this.pos] = QP_RAW_FIXED + (end - start);
      this.pos = end;
    } else {
      this.longString(s, len);
    }
  }

  /** One call into the runtime for one string. */
  longString(s: string, len: number): void {
    // UTF-8 takes at least one byte per UTF-16 unit (and at most three): guess the header from the
    // unit count (right for ASCII) and move the bytes only when the guess was too small.
    this.ensure(9 + 3 * len);
    const guess = rawHeaderSize(len);
    const start = this.pos + guess;
    const n = writeUtf8(this.buf, s, start, this.cap - start);
    const header = rawHeaderSize(n);
    if (header !== guess) this.buf.copyWithin(this.pos + header, start, start + n);
    this.pos = putRawHeader(this.buf, this.pos, n) + n;
  }

  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    this.ensure(9 + n);
    this.pos = putRawHeader(this.buf, this.pos, n);
    this.buf.set(bytes, this.pos);
    this.pos += n;
  }

  /**
   * Counts a container level. Cycles are not looked for here (that costs every container): one
   * nests without end, so it ends here too, and the caller tells it from a deep value.
   */
  enter(): void {
    if (++this.depth > QP_MAX_DEPTH) {
      throw new EncodeFailure(
        'CONN_SIRIDB_QPACK_TYPE',
        `a value nested deeper than ${QP_MAX_DEPTH} levels`,
        true,
      );
    }
  }

  array(items: readonly unknown[]): void {
    this.enter();
    const n = items.length;
    const fixed = n < QP_FIXED_CONTAINER_LIMIT;
    this.byte(fixed ? QP_ARRAY0 + n : QP_ARRAY_OPEN);
    let i = 0;
    try {
      for (; i < n; i++) {
        // the common items without the dispatch of value(): one call less per item
        const item = items[i];
        if (typeof item === 'number') this.number(item);
        else if (typeof item === 'string') this.string(item);
        else if (Array.isArray(item)) this.array(item);
        else this.value(item);
      }
    } catch (error) {
      throw withSegment(error, i);
    }
    if (!fixed) this.byte(QP_ARRAY_CLOSE);
    this.depth--;
  }

  object(value: object): void {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new EncodeFailure('CONN_SIRIDB_QPACK_TYPE', describeObject(value));
    }
    this.enter();
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    const n = keys.length;
    const fixed = n < QP_FIXED_CONTAINER_LIMIT;
    this.byte(fixed ? QP_MAP0 + n : QP_MAP_OPEN);
    let key = '';
    try {
      for (let i = 0; i < n; i++) {
        key = keys[i] as string;
        this.string(key);
        this.value(record[key]);
      }
    } catch (error) {
      throw withSegment(error, key);
    }
    if (!fixed) this.byte(QP_MAP_CLOSE);
    this.depth--;
  }

  map(map: ReadonlyMap<unknown, unknown>): void {
    this.enter();
    const n = map.size;
    const fixed = n < QP_FIXED_CONTAINER_LIMIT;
    this.byte(fixed ? QP_MAP0 + n : QP_MAP_OPEN);
    let key: unknown = '';
    try {
      for (const [k, v] of map) {
        key = k;
        if (typeof k !== 'string') {
          throw new EncodeFailure(
            'CONN_SIRIDB_QPACK_TYPE',
            `a Map key of type ${describe(k)} (keys must be strings)`,
          );
        }
        this.string(k);
        this.value(v);
      }
    } catch (error) {
      throw withSegment(error, typeof key === 'string' ? key : String(key));
    }
    if (!fixed) this.byte(QP_MAP_CLOSE);
    this.depth--;
  }
}

function rangeFailure(text: string): EncodeFailure {
  return new EncodeFailure('CONN_SIRIDB_QPACK_RANGE', `the integer ${text}, outside the signed 64-bit range`);
}

function withSegment(error: unknown, segment: string | number): unknown {
  if (error instanceof EncodeFailure) error.path.push(segment);
  return error;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return describeObject(value);
  return typeof value;
}

function describeObject(value: object): string {
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== ''
    ? `an instance of ${name}`
    : 'an object with a foreign prototype';
}
