type FastReadBuffer = Buffer & { utf8Slice?(start: number, end: number): string };
const HAS_UTF8_SLICE = typeof (Buffer.prototype as FastReadBuffer).utf8Slice === 'function';

/** Short ASCII strings are built in JS: cheaper than a call into the runtime. */
const SHORT_ASCII = 16;

/**
 * Decodes `buf[from, to)` as UTF-8 (invalid sequences become U+FFFD), taking a JS fast path for
 * short ASCII text. Shared by the qpack decoder and the test server's insert reader.
 */
export function readUtf8(buf: Buffer, from: number, to: number): string {
  if (to - from <= SHORT_ASCII) {
    let text = '';
    for (let i = from; i < to; i++) {
      const c = buf[i] as number;
      if (c >= 0x80) return slowUtf8(buf, from, to);
      text += String.fromCharCode(c);
    }
    return text;
  }
  return slowUtf8(buf, from, to);
}

function slowUtf8(buf: Buffer, from: number, to: number): string {
  return HAS_UTF8_SLICE ? (buf as FastReadBuffer).utf8Slice!(from, to) : buf.toString('utf8', from, to);
}
