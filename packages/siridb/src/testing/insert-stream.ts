/**
 * An insert payload read the way SiriDB 2.0.55 reads it: as a stream of qpack items, one after
 * the other, never as a tree. Sizes of fixed arrays and maps are not checked, so three points in
 * an array announced as two are three points; a map key that is not a string ends the series;
 * an open map or array may end with its close byte or with the payload
 * (docs/protocols/siridb.md §7).
 * @internal
 */
import * as qpackTypes from '../protocol/qpack-types.js';
import { readUtf8 } from '../protocol/utf8-text.js';

const {
  QP_ARRAY_CLOSE,
  QP_ARRAY_OPEN,
  QP_ARRAY0,
  QP_ARRAY5,
  QP_DOUBLE,
  QP_DOUBLE_1,
  QP_DOUBLE_N1,
  QP_FIXED_INT_MAX,
  QP_FIXED_NEG_LAST,
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
  QP_RAW64,
} = qpackTypes;

/** One item of the stream. `array` and `map` carry their type byte (fixed sizes or open). */
export type StreamItem =
  | { readonly kind: 'raw'; readonly text: string; readonly bytes: number }
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'array' | 'map'; readonly tp: number }
  | { readonly kind: 'array_close' | 'map_close' | 'end' | 'error' | 'other' };

const END: StreamItem = { kind: 'end' };
const ERROR: StreamItem = { kind: 'error' };
const OTHER: StreamItem = { kind: 'other' };
const ARRAY_CLOSE: StreamItem = { kind: 'array_close' };
const MAP_CLOSE: StreamItem = { kind: 'map_close' };

/** Reads items one at a time; a truncated item is an `error`, the end of the payload `end`. */
export class QpackStream {
  readonly #buf: Buffer;
  #pos = 0;

  constructor(buf: Buffer) {
    this.#buf = buf;
  }

  #raw(headerBytes: number): StreamItem {
    const buf = this.#buf;
    const at = this.#pos;
    if (at + headerBytes > buf.length) return ERROR;
    const size =
      headerBytes === 1
        ? (buf[at] as number)
        : headerBytes === 2
          ? buf.readUInt16LE(at)
          : headerBytes === 4
            ? buf.readUInt32LE(at)
            : Number(buf.readBigUInt64LE(at));
    return this.#rawOf(at + headerBytes, size);
  }

  #rawOf(from: number, size: number): StreamItem {
    const buf = this.#buf;
    if (from + size > buf.length) return ERROR;
    this.#pos = from + size;
    return { kind: 'raw', text: readUtf8(buf, from, from + size), bytes: size };
  }

  #int(bytes: number): StreamItem {
    const buf = this.#buf;
    const at = this.#pos;
    if (at + bytes > buf.length) return ERROR;
    this.#pos = at + bytes;
    const value =
      bytes === 1
        ? BigInt(buf.readInt8(at))
        : bytes === 2
          ? BigInt(buf.readInt16LE(at))
          : bytes === 4
            ? BigInt(buf.readInt32LE(at))
            : buf.readBigInt64LE(at);
    return { kind: 'int', value };
  }

  next(): StreamItem {
    const buf = this.#buf;
    if (this.#pos >= buf.length) return END;
    const tp = buf[this.#pos++] as number;
    if (tp <= QP_FIXED_INT_MAX) return { kind: 'int', value: BigInt(tp) };
    if (tp <= QP_FIXED_NEG_LAST) return { kind: 'int', value: BigInt(63 - tp) };
    if (tp >= QP_DOUBLE_N1 && tp <= QP_DOUBLE_1) return { kind: 'double', value: tp - 126 };
    if (tp >= QP_RAW_FIXED && tp <= QP_RAW_FIXED_LAST) return this.#rawOf(this.#pos, tp - QP_RAW_FIXED);
    if (tp >= QP_ARRAY0 && tp <= QP_ARRAY5) return { kind: 'array', tp };
    if (tp >= QP_MAP0 && tp <= QP_MAP5) return { kind: 'map', tp };
    switch (tp) {
      case QP_RAW8:
        return this.#raw(1);
      case QP_RAW16:
        return this.#raw(2);
      case QP_RAW32:
        return this.#raw(4);
      case QP_RAW64:
        return this.#raw(8);
      case QP_INT8:
        return this.#int(1);
      case QP_INT16:
        return this.#int(2);
      case QP_INT32:
        return this.#int(4);
      case QP_INT64:
        return this.#int(8);
      case QP_DOUBLE: {
        const at = this.#pos;
        if (at + 8 > buf.length) return ERROR;
        this.#pos = at + 8;
        return { kind: 'double', value: buf.readDoubleLE(at) };
      }
      case QP_ARRAY_OPEN:
        return { kind: 'array', tp };
      case QP_MAP_OPEN:
        return { kind: 'map', tp };
      case QP_ARRAY_CLOSE:
        return ARRAY_CLOSE;
      case QP_MAP_CLOSE:
        return MAP_CLOSE;
      default:
        // the hook, true, false and null
        return OTHER;
    }
  }
}

/** Whether an item opens a point: a fixed array of two or an open array. */
export function opensPoint(item: StreamItem): boolean {
  return item.kind === 'array' && (item.tp === QP_ARRAY0 + 2 || item.tp === QP_ARRAY_OPEN);
}

/** Whether an item is an open array (a point that must end with a close byte). */
export function isOpenArray(item: StreamItem): boolean {
  return item.kind === 'array' && item.tp === QP_ARRAY_OPEN;
}

/** Whether an item is a fixed map of two (an item of the array form). */
export function isMapOfTwo(item: StreamItem): boolean {
  return item.kind === 'map' && item.tp === QP_MAP0 + 2;
}
