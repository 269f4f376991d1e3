// The string paths of the encoder and decoder against independent references: Node's own UTF-8
// (Buffer.from / toString) and the raw header rule of docs/protocols/siridb.md §4.2. The encoder
// transcodes short strings in JS and has the runtime write long ones straight into its buffer
// after a header guessed from the UTF-16 length (moved when the guess was short); the decoder
// builds short ASCII text in JS. These tests cross each of those boundaries.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeQpack } from '../../src/protocol/qpack-decode.js';
import { encodeQpack } from '../../src/protocol/qpack-encode.js';

/** The raw header for `n` bytes, built from the spec's table. */
function rawHeader(n: number): Buffer {
  if (n < 100) return Buffer.from([0x80 + n]);
  if (n <= 0xff) return Buffer.from([0xe4, n]);
  if (n <= 0xffff) return Buffer.from([0xe5, n & 0xff, n >> 8]);
  const header = Buffer.alloc(5);
  header[0] = 0xe6;
  header.writeUInt32LE(n, 1);
  return header;
}

/** A string as qpack, with Node's UTF-8 (lone surrogates become U+FFFD). */
function refString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([rawHeader(bytes.length), bytes]);
}

/** An array of already encoded items. */
function refArray(items: readonly Buffer[]): Buffer {
  if (items.length < 6) return Buffer.concat([Buffer.from([0xed + items.length]), ...items]);
  return Buffer.concat([Buffer.from([0xfc]), ...items, Buffer.from([0xfe])]);
}

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// 1-, 2-, 3- and 4-byte UTF-8, and both halves of a surrogate pair alone
const UNITS = ['a', 'é', '€', '😀', '\ud83d', '\ude00'] as const;

/** `length` units of ASCII with `unit` at the start, in the middle or at the end. */
function withUnit(unit: string, length: number, where: 'start' | 'middle' | 'end'): string {
  const filler = Math.max(0, length - unit.length);
  const at = where === 'start' ? 0 : where === 'end' ? filler : filler >> 1;
  return 'x'.repeat(at) + unit + 'y'.repeat(filler - at);
}

/** Long ASCII strings before the ones under test: what the encoder writes before must stay in place. */
const WARM_UP = Array.from({ length: 10 }, (_, i) => `ASCII string number ${i} before the ones under test`);

describe('encodeQpack: one string, every size class and UTF-8 width', () => {
  const lengths = [
    0, 1, 22, 23, 24, 25, 32, 33, 34, 35, 49, 50, 51, 98, 99, 100, 101, 127, 128, 254, 255, 256, 300,
  ];
  for (const unit of UNITS) {
    for (const where of ['start', 'middle', 'end'] as const) {
      it(`${JSON.stringify(unit)} at the ${where} of ${lengths.length} lengths`, () => {
        for (const length of lengths) {
          const s = withUnit(unit, length, where);
          expect(hexOf(encodeQpack(s)), `${length} units`).toBe(hexOf(refString(s)));
        }
      });
    }
  }

  it.each([
    // [unit, repeat]: UTF-8 sizes on both sides of the RAW16 / RAW32 boundary
    ['a', 65_535],
    ['a', 65_536],
    ['é', 32_767],
    ['é', 32_768],
    ['€', 21_845],
    ['€', 21_846],
    ['😀', 16_383],
    ['😀', 16_384],
  ])('%j × %d', (unit, count) => {
    const s = unit.repeat(count);
    expect(encodeQpack(s).equals(refString(s))).toBe(true);
  });
});

describe('encodeQpack: many long strings in one value', () => {
  const encodeAfterWarmUp = (strings: readonly string[]): void => {
    const all = [...WARM_UP, ...strings];
    expect(hexOf(encodeQpack(all))).toBe(hexOf(refArray(all.map(refString))));
  };

  it('writes ASCII strings around the JS / runtime boundary (24 units)', () => {
    encodeAfterWarmUp(Array.from({ length: 40 }, (_, i) => 'abcdefghij'.repeat(7).slice(0, 20 + i)));
  });

  for (const unit of UNITS.slice(1)) {
    for (const where of ['start', 'middle', 'end'] as const) {
      it(`writes ${JSON.stringify(unit)} at the ${where} of a string among ASCII ones`, () => {
        for (const position of [0, 3, 7]) {
          const strings = Array.from({ length: 8 }, (_, i) => withUnit('z', 30 + i * 20, where));
          strings[position] = withUnit(unit, 30 + position * 20, where);
          encodeAfterWarmUp(strings);
        }
      });
    }
  }

  it.each([
    // [string, why]: the header guessed from the UTF-16 length is too short
    ['é'.repeat(40), 'fixed (40) to fixed (80)'],
    ['é'.repeat(60), 'fixed (60) to RAW8 (120)'],
    [`${'a'.repeat(98)}é`, 'fixed (99) to RAW8 (100)'],
    ['€'.repeat(90), 'fixed (90) to RAW16 (270)'],
    [`${'a'.repeat(254)}é`, 'RAW8 (255) to RAW16 (256)'],
    ['😀'.repeat(100), 'RAW8 (200) to RAW16 (400)'],
    ['€'.repeat(5000), 'RAW16 (5000) to RAW16 (15000)'],
  ])('moves the bytes when the header grows %#: %s', (s) => {
    encodeAfterWarmUp(['an ASCII string before it, long enough', s, 'an ASCII string after it, long enough']);
  });

  it('writes halves of a surrogate pair split over two strings as U+FFFD each', () => {
    const high = `${'a'.repeat(30)}\ud83d`;
    const low = `\ude00${'b'.repeat(30)}`;
    encodeAfterWarmUp([high, low, `${'c'.repeat(30)}\ud83d`]);
    // the second half in a short string (transcoded in JS)
    encodeAfterWarmUp([`${'d'.repeat(30)}\ud83d`, '\ude00']);
  });

  it('keeps the bytes between strings in place (points of an insert)', () => {
    const points = Array.from({ length: 300 }, (_, i) => [
      1_700_000_000_000 + i,
      i === 250 ? `naïve ${'x'.repeat(i % 50)}` : `log line ${i} ${'y'.repeat(i % 70)}`,
    ]);
    const value = { 'app.log': points, 'app.other': [[1, 'z'.repeat(40)]] };
    const expected = Buffer.concat([
      Buffer.from([0xf5]),
      refString('app.log'),
      refArray(
        points.map(([ts, s]) =>
          Buffer.concat([Buffer.from([0xef]), encodeQpack(ts), refString(s as string)]),
        ),
      ),
      refString('app.other'),
      refArray([Buffer.concat([Buffer.from([0xef, 0x01]), refString('z'.repeat(40))])]),
    ]);
    expect(hexOf(encodeQpack(value))).toBe(hexOf(expected));
  });

  it('writes hundreds of long strings and long keys, one non-ASCII late', () => {
    const strings = Array.from({ length: 300 }, (_, i) => (i === 280 ? '€' : 'q').repeat(100));
    encodeAfterWarmUp(strings);
    const keys = Object.fromEntries(strings.map((s, i) => [`${i}:${s}`, i]));
    const expected = Buffer.concat([
      Buffer.from([0xfd]),
      ...Object.keys(keys).map((key) => Buffer.concat([refString(key), encodeQpack(keys[key])])),
      Buffer.from([0xff]),
    ]);
    expect(hexOf(encodeQpack(keys))).toBe(hexOf(expected));
  });

  const text = fc
    .array(fc.constantFrom('a', 'b', ' ', '.', 'é', '€', '😀', '\ud83d', '\ude00'), { maxLength: 260 })
    .map((units) => units.join(''));
  const item = fc.oneof(
    { weight: 4, arbitrary: text },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0 }), text) },
  );

  it('writes arrays of mixed strings as their items one by one (fuzz)', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 80 }), (items) => {
        // the value is the concatenation of its items, each encoded alone
        const expected = refArray(items.map((x) => encodeQpack(x)));
        expect(hexOf(encodeQpack(items))).toBe(hexOf(expected));
        for (const x of items) {
          if (typeof x === 'string') expect(hexOf(encodeQpack(x))).toBe(hexOf(refString(x)));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('encodeQpack: outputs written in place', () => {
  it('returns independent buffers while sizes change (the size hint)', () => {
    const big = (n: number, fill: string): string[] =>
      Array.from({ length: n }, (_, i) => `${fill}${i}`.repeat(8));
    const values = [
      big(2000, 'a'),
      big(2000, 'b'),
      big(100, 'c'),
      big(4000, 'd'),
      big(2000, 'e'),
      big(1, 'f'),
    ];
    const outputs = values.map((v) => encodeQpack(v));
    const again = values.map((v) => encodeQpack(v, { reserve: 8 }));
    values.forEach((v, i) => {
      const expected = refArray(v.map(refString));
      expect(outputs[i]?.equals(expected)).toBe(true);
      expect(again[i]?.subarray(0, 8).equals(Buffer.alloc(8))).toBe(true);
      expect(again[i]?.subarray(8).equals(expected)).toBe(true);
    });
  });
});

describe('decodeQpack: short ASCII text built in JS', () => {
  it('decodes keys and values of 0 to 20 bytes like Node’s UTF-8', () => {
    for (let n = 0; n <= 20; n++) {
      const ascii = Buffer.from('abcdefghijklmnopqrstuvwxyz'.slice(0, n));
      const variants = [ascii];
      for (let at = 0; at < n; at++) {
        for (const byte of [0x80, 0xc3, 0xff]) {
          const bad = Buffer.from(ascii);
          bad[at] = byte;
          variants.push(bad);
        }
      }
      if (n >= 2) variants.push(Buffer.concat([ascii.subarray(0, n - 2), Buffer.from('é')]));
      for (const bytes of variants) {
        const text = bytes.toString('utf8');
        const map = Buffer.concat([
          Buffer.from([0xf4]),
          rawHeader(bytes.length),
          bytes,
          rawHeader(bytes.length),
          bytes,
        ]);
        expect(decodeQpack(map), hexOf(bytes)).toEqual({ [text]: text });
      }
    }
  });
});
