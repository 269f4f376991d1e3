/**
 * UTF-8 and raw-header primitives of the qpack writer (docs/protocols/siridb.md §4.1): position-passing
 * helpers over a buffer the caller has already made room in.
 * @internal
 */
import * as qpackTypes from './qpack-types.js';

// Module-local copies: code over imported bindings ran several times slower when the sources run
// as separate ES modules (tsx, vitest); bundled builds inline them either way.
const { QP_RAW_FIXED, QP_RAW_FIXED_MAX_LEN, QP_RAW8, QP_RAW16, QP_RAW32, QP_RAW64 } = qpackTypes;

const TWO_POW_32 = 4_294_967_296;

type FastWriteBuffer = Buffer & { utf8Write?(value: string, offset: number, length: number): number };
const HAS_UTF8_WRITE = typeof (Buffer.prototype as FastWriteBuffer).utf8Write === 'function';

/**
 * Writes `s` as UTF-8 at `at` through the runtime, at most `room` bytes (3 per UTF-16 unit always
 * fit); returns the bytes written. Lone surrogates become U+FFFD.
 */
export function writeUtf8(buf: Buffer, s: string, at: number, room: number): number {
  return HAS_UTF8_WRITE ? (buf as FastWriteBuffer).utf8Write!(s, at, room) : buf.write(s, at, room, 'utf8');
}

/**
 * Writes the `len` UTF-16 units of `s` as UTF-8 at `p` in JS (cheaper than a call into the runtime
 * for short strings); the caller made room for `3 * len` bytes. Returns the offset after the bytes.
 * Lone surrogates become U+FFFD, as the runtime writes them.
 */
export function putUtf8(buf: Buffer, p: number, s: string, len: number): number {
  let i = 0;
  // ASCII first: one compare and one store per unit
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    buf[p++] = c;
  }
  for (; i < len; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[p++] = c;
    } else if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < len ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          buf[p++] = 0xf0 | (c >> 18);
          buf[p++] = 0x80 | ((c >> 12) & 0x3f);
          buf[p++] = 0x80 | ((c >> 6) & 0x3f);
          buf[p++] = 0x80 | (c & 0x3f);
          continue;
        }
        c = 0xfffd; // a lone surrogate
      }
      buf[p++] = 0xe0 | (c >> 12);
      buf[p++] = 0x80 | ((c >> 6) & 0x3f);
      buf[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p;
}

/** Size of the type byte and length of a raw of `n` bytes. */
export function rawHeaderSize(n: number): number {
  if (n <= QP_RAW_FIXED_MAX_LEN) return 1;
  if (n <= 0xff) return 2;
  if (n <= 0xffff) return 3;
  if (n <= 0xffff_ffff) return 5;
  return 9;
}

/** Writes the type byte and length of a raw of `n` bytes at `p`; returns the offset after them. */
export function putRawHeader(buf: Buffer, p: number, n: number): number {
  if (n <= QP_RAW_FIXED_MAX_LEN) {
    buf[p] = QP_RAW_FIXED + n;
    return p + 1;
  }
  if (n <= 0xff) {
    buf[p] = QP_RAW8;
    buf[p + 1] = n;
    return p + 2;
  }
  if (n <= 0xffff) {
    buf[p] = QP_RAW16;
    buf[p + 1] = n;
    buf[p + 2] = n >>> 8;
    return p + 3;
  }
  if (n <= 0xffff_ffff) {
    buf[p] = QP_RAW32;
    buf.writeUInt32LE(n, p + 1);
    return p + 5;
  }
  buf[p] = QP_RAW64;
  buf.writeUInt32LE(n >>> 0, p + 1);
  buf.writeUInt32LE(Math.floor(n / TWO_POW_32), p + 5);
  return p + 9;
}
