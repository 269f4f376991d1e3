type FastReadBuffer = Buffer & { utf8Slice?(start: number, end: number): string };
const HAS_UTF8_SLICE = typeof (Buffer.prototype as FastReadBuffer).utf8Slice === 'function';

/** ASCII text up to this many bytes is built in JS from its bytes: cheaper than a call into the runtime. */
const SHORT_ASCII = 16;

const fromCodes = String.fromCharCode;

/**
 * Decodes `buf[from, to)` as UTF-8 (invalid sequences become U+FFFD), taking a JS fast path for
 * short ASCII text (map keys, names). Shared by the qpack decoder and the test server's insert reader.
 */
export function readUtf8(buf: Buffer, from: number, to: number): string {
  const n = to - from;
  if (n <= SHORT_ASCII) {
    let bits = 0;
    for (let i = from; i < to; i++) bits |= buf[i] as number;
    if (bits < 0x80)
      return n <= 8 ? asciiUpTo8(buf, from, n) : asciiUpTo8(buf, from, 8) + asciiUpTo8(buf, from + 8, n - 8);
  }
  return HAS_UTF8_SLICE ? (buf as FastReadBuffer).utf8Slice!(from, to) : buf.toString('utf8', from, to);
}

/** The `n` (at most 8) ASCII bytes at `p` as a string: one call, no intermediate strings. */
function asciiUpTo8(b: Buffer, p: number, n: number): string {
  switch (n) {
    case 0:
      return '';
    case 1:
      return fromCodes(b[p]!);
    case 2:
      return fromCodes(b[p]!, b[p + 1]!);
    case 3:
      return fromCodes(b[p]!, b[p + 1]!, b[p + 2]!);
    case 4:
      return fromCodes(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
    case 5:
      return fromCodes(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!);
    case 6:
      return fromCodes(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!);
    case 7:
      return fromCodes(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!);
    default:
      return fromCodes(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!);
  }
}
