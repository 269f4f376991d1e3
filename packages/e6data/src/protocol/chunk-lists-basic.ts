import type { ListCursor } from './chunk-lists.js';

const UTF8 = new TextDecoder('utf-8', { fatal: false });
/** Strings up to this many bytes are built in JS when they are ASCII (cheaper than a decoder call). */
const SHORT_TEXT = 32;

/** INTEGER values. */
export function readI32List(cursor: ListCursor, count: number, out: unknown[]): void {
  const { bytes, view } = cursor;
  const nulls = cursor.nullsAt + cursor.row;
  let at = cursor.at;
  for (let r = 0; r < count; r++, at += 4) out[r] = bytes[nulls + r] === 0 ? view.getInt32(at) : null;
  cursor.at = at;
  cursor.row += count;
}

/** DOUBLE and FLOAT values (FLOAT is a double on the wire too). */
export function readDoubleList(cursor: ListCursor, count: number, out: unknown[]): void {
  const { bytes, view } = cursor;
  const nulls = cursor.nullsAt + cursor.row;
  let at = cursor.at;
  for (let r = 0; r < count; r++, at += 8) out[r] = bytes[nulls + r] === 0 ? view.getFloat64(at) : null;
  cursor.at = at;
  cursor.row += count;
}

/** BOOLEAN values (any non-zero byte is true). */
export function readBoolList(cursor: ListCursor, count: number, out: unknown[]): void {
  const { bytes } = cursor;
  const nulls = cursor.nullsAt + cursor.row;
  const at = cursor.at;
  for (let r = 0; r < count; r++) out[r] = bytes[nulls + r] === 0 ? bytes[at + r] !== 0 : null;
  cursor.at = at + count;
  cursor.row += count;
}

/** Text values; invalid UTF-8 becomes U+FFFD as in the reference client. */
export function readTextList(cursor: ListCursor, count: number, out: unknown[]): void {
  const { bytes, view } = cursor;
  const nulls = cursor.nullsAt + cursor.row;
  let at = cursor.at;
  for (let r = 0; r < count; r++) {
    const start = at + 4;
    at = start + view.getInt32(at);
    out[r] = bytes[nulls + r] === 0 ? utf8(bytes, start, at) : null;
  }
  cursor.at = at;
  cursor.row += count;
}

/** BINARY values, each a copy: the input buffer belongs to the transport and may be reused. */
export function readBinaryList(cursor: ListCursor, count: number, out: unknown[]): void {
  const { bytes, view } = cursor;
  const nulls = cursor.nullsAt + cursor.row;
  let at = cursor.at;
  for (let r = 0; r < count; r++) {
    const start = at + 4;
    at = start + view.getInt32(at);
    out[r] = bytes[nulls + r] === 0 ? bytes.slice(start, at) : null;
  }
  cursor.at = at;
  cursor.row += count;
}

function utf8(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length > SHORT_TEXT) return UTF8.decode(bytes.subarray(start, end));
  let any = 0;
  for (let i = start; i < end; i++) any |= bytes[i] as number;
  // ASCII is valid UTF-8 as it is: one flat string straight from the codes, no decoder call.
  return any < 0x80 ? ascii(bytes, start, length) : UTF8.decode(bytes.subarray(start, end));
}

/** `String.fromCharCode` over typed-array reads, all within the list the first pass checked. */
const fromCodes = String.fromCharCode as (...codes: (number | undefined)[]) => string;

/** The ASCII text of `length` (≤ SHORT_TEXT) bytes at `s`: one allocation up to 16 bytes. */
function ascii(b: Uint8Array, s: number, length: number): string {
  switch (length) {
    case 0:
      return '';
    case 1:
      return fromCodes(b[s]);
    case 2:
      return fromCodes(b[s], b[s + 1]);
    case 3:
      return fromCodes(b[s], b[s + 1], b[s + 2]);
    case 4:
      return fromCodes(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5:
      return fromCodes(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6:
      return fromCodes(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7:
      return fromCodes(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8:
      return fromCodes(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]);
    case 9:
      return fromCodes(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8]);
    case 10:
      return fromCodes(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
      );
    case 11:
      return fromCodes(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
      );
    case 12:
      return fromCodes(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
        b[s + 11],
      );
    case 13:
      return fromCodes(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
        b[s + 11],
        b[s + 12],
      );
    case 14:
      return fromCodes(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
        b[s + 11],
        b[s + 12],
        b[s + 13],
      );
    case 15:
      return fromCodes(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
        b[s + 11],
        b[s + 12],
        b[s + 13],
        b[s + 14],
      );
    case 16:
      return fromCodes(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
        b[s + 11],
        b[s + 12],
        b[s + 13],
        b[s + 14],
        b[s + 15],
      );
    default:
      return ascii(b, s, 16) + ascii(b, s + 16, length - 16);
  }
}
