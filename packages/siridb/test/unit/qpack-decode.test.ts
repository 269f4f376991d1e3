import { ConfigError, isConnError, ProtocolError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { decodeQpack, type QpackDecodeOptions } from '../../src/protocol/qpack-decode.js';
import { encodeQpack } from '../../src/protocol/qpack-encode.js';
import { QpackFloat } from '../../src/protocol/qpack-float.js';
import { qp } from '../fixtures/qpack-vectors.js';

const decode = (notation: string, options?: QpackDecodeOptions): unknown =>
  decodeQpack(qp(notation), options);
const wrap = { floats: 'wrap' } as const;

function decodeError(bytes: Uint8Array, options?: QpackDecodeOptions): ProtocolError {
  try {
    decodeQpack(bytes, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    expect(isConnError(error)).toBe(true);
    expect((error as ProtocolError).code).toBe('CONN_SIRIDB_QPACK');
    return error as ProtocolError;
  }
  throw new Error('decodeQpack did not throw');
}

describe('decodeQpack: every type byte', () => {
  it('0x00..0x3f are the integers 0..63', () => {
    for (let b = 0; b <= 0x3f; b++) expect(decodeQpack(Uint8Array.of(b))).toBe(b);
  });

  it('0x40..0x7b are the integers -1..-60', () => {
    for (let b = 0x40; b <= 0x7b; b++) expect(decodeQpack(Uint8Array.of(b))).toBe(63 - b);
    expect(decode('40')).toBe(-1);
    expect(decode('7b')).toBe(-60);
  });

  it('0x7c (hook) is null', () => {
    expect(decode('7c')).toBeNull();
    expect(decode('ef 7c 01')).toEqual([null, 1]);
  });

  it('0x7d/0x7e/0x7f are the doubles -1, 0, 1', () => {
    expect(decode('7d')).toBe(-1);
    expect(decode('7e')).toBe(0);
    expect(decode('7f')).toBe(1);
    expect(decode('7d', wrap)).toEqual(new QpackFloat(-1));
    expect(decode('7e', wrap)).toEqual(new QpackFloat(0));
    expect(decode('7f', wrap)).toEqual(new QpackFloat(1));
  });

  it('0x80..0xe3 are raws of 0..99 bytes', () => {
    for (let n = 0; n <= 99; n++) {
      const bytes = Buffer.concat([Uint8Array.of(0x80 + n), Buffer.from('z'.repeat(n))]);
      expect(decodeQpack(bytes)).toBe('z'.repeat(n));
    }
  });

  it('0xe4..0xe7 are raws with 1, 2, 4 and 8 length bytes', () => {
    expect(decode('e4 03"abc"')).toBe('abc');
    expect(decode('e4 00')).toBe('');
    expect(decode('e5 0300"abc"')).toBe('abc');
    expect(decode('e6 03000000"abc"')).toBe('abc');
    expect(decode('e7 0300000000000000"abc"')).toBe('abc');
    const long = 'q'.repeat(70_000);
    expect(decodeQpack(Buffer.concat([qp('e6 70110100'), Buffer.from(long)]))).toBe(long);
  });

  it('0xe8..0xeb are signed integers of 1, 2, 4 and 8 bytes, in any width', () => {
    expect(decode('e8 05')).toBe(5);
    expect(decode('e8 80')).toBe(-128);
    expect(decode('e8 ff')).toBe(-1);
    expect(decode('e9 0500')).toBe(5);
    expect(decode('e9 0080')).toBe(-32768);
    expect(decode('ea 05000000')).toBe(5);
    expect(decode('ea 00000080')).toBe(-(2 ** 31));
    expect(decode('eb 0500000000000000')).toBe(5);
    expect(decode('eb ffffffffffffffff')).toBe(-1);
    expect(decode('eb 7b68e5cf8b010000')).toBe(1700000000123);
  });

  it('0xec is a double', () => {
    expect(decode('ec 000000000000f83f')).toBe(1.5);
    expect(decode('ec 0000000000003640')).toBe(22);
    expect(decode('ec 0000000000003640', wrap)).toEqual(new QpackFloat(22));
    expect(decode('ec 000000000000f87f')).toBeNaN();
    expect(decode('ec 000000000000f0ff')).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(decode('ec 0000000000000080'), -0)).toBe(true);
  });

  it('0xed..0xf2 are arrays of 0..5 items', () => {
    expect(decode('ed')).toEqual([]);
    expect(decode('ee 01')).toEqual([1]);
    expect(decode('ef 01 02')).toEqual([1, 2]);
    expect(decode('f0 01 02 03')).toEqual([1, 2, 3]);
    expect(decode('f1 01 02 03 04')).toEqual([1, 2, 3, 4]);
    expect(decode('f2 01 02 03 04 05')).toEqual([1, 2, 3, 4, 5]);
  });

  it('0xf3..0xf8 are maps of 0..5 pairs', () => {
    expect(decode('f3')).toEqual({});
    expect(decode('f4 81"a" 01')).toEqual({ a: 1 });
    expect(decode('f5 81"a" 01 81"b" 02')).toEqual({ a: 1, b: 2 });
    expect(decode('f6 81"a" 01 81"b" 02 81"c" 03')).toEqual({ a: 1, b: 2, c: 3 });
    expect(decode('f7 81"a" 01 81"b" 02 81"c" 03 81"d" 04')).toEqual({ a: 1, b: 2, c: 3, d: 4 });
    expect(decode('f8 81"a" 01 81"b" 02 81"c" 03 81"d" 04 81"e" 05')).toEqual({
      a: 1,
      b: 2,
      c: 3,
      d: 4,
      e: 5,
    });
    expect(Object.getPrototypeOf(decode('f3'))).toBe(Object.prototype);
  });

  it('0xf9/0xfa/0xfb are true, false, null', () => {
    expect(decode('f9')).toBe(true);
    expect(decode('fa')).toBe(false);
    expect(decode('fb')).toBeNull();
  });

  it('0xfc..0xff are open arrays and maps with their close bytes', () => {
    expect(decode('fc fe')).toEqual([]);
    expect(decode('fc 01 02 03 04 05 06 fe')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(decode('fd ff')).toEqual({});
    expect(decode('fd 81"a" 01 81"b" 02 ff')).toEqual({ a: 1, b: 2 });
  });
});

describe('decodeQpack: end of input closes open containers', () => {
  it.each([
    ['fd 86"series" 03', { series: 3 }],
    ['fc 86"2.0.55"', ['2.0.55']],
    ['fc', []],
    ['fd', {}],
    ['fc 01 fc 02', [1, [2]]],
    ['fc fc fc 01', [[[1]]]],
    ['fd 81"a" fd 81"b" fc 01', { a: { b: [1] } }],
    ['fd 81"a" fc 01 fe 81"b" 02', { a: [1], b: 2 }],
  ])('%s', (notation, expected) => {
    expect(decode(notation)).toEqual(expected);
  });

  it('closes nested open containers with their close bytes', () => {
    expect(decode('fc fc 01 fe 02 fe')).toEqual([[1], 2]);
    expect(decode('fd 81"a" fd 81"b" 01 ff 81"c" 02 ff')).toEqual({ a: { b: 1 }, c: 2 });
    expect(decode('fc fd 81"k" fc fe ff fe')).toEqual([{ k: [] }]);
    expect(decode('ef fc 01 fe 02')).toEqual([[1], 2]);
    expect(decode('f4 81"p" fc ef 01 02 ef 03 04 fe')).toEqual({
      p: [
        [1, 2],
        [3, 4],
      ],
    });
  });
});

describe('decodeQpack: options', () => {
  it("int64 'auto': numbers when safe, bigints otherwise", () => {
    expect(decode('eb ffffffffffff1f00')).toBe(Number.MAX_SAFE_INTEGER);
    expect(decode('eb 0000000000002000')).toBe(2n ** 53n);
    expect(decode('eb 010000000000e0ff')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(decode('eb 000000000000e0ff')).toBe(-(2n ** 53n));
    expect(decode('eb 00002a36fe9c9717')).toBe(1700000000000000000n);
    expect(decode('eb ffffffffffffff7f')).toBe(2n ** 63n - 1n);
    expect(decode('eb 0000000000000080')).toBe(-(2n ** 63n));
    expect(decode('eb 0500000000000000', { int64: 'auto' })).toBe(5);
  });

  it("int64 'bigint': every integer is a bigint, whatever its width", () => {
    const o = { int64: 'bigint' } as const;
    expect(decode('05', o)).toBe(5n);
    expect(decode('7b', o)).toBe(-60n);
    expect(decode('e8 80', o)).toBe(-128n);
    expect(decode('e9 0080', o)).toBe(-32768n);
    expect(decode('ea 00000080', o)).toBe(-(2n ** 31n));
    expect(decode('eb 0500000000000000', o)).toBe(5n);
    expect(decode('eb 00002a36fe9c9717', o)).toBe(1700000000000000000n);
    expect(decode('ef 01 7f', o)).toEqual([1n, 1]);
  });

  it("int64 'number': every integer is a number (rounded beyond 2^53)", () => {
    const o = { int64: 'number' } as const;
    expect(decode('eb 0100000000002000', o)).toBe(2 ** 53);
    expect(decode('eb ffffffffffffff7f', o)).toBe(2 ** 63);
    expect(decode('eb 0000000000000080', o)).toBe(-(2 ** 63));
    expect(decode('eb 00002a36fe9c9717', o)).toBe(1700000000000000000);
    expect(decode('e8 80', o)).toBe(-128);
  });

  it("floats 'wrap' keeps ints and doubles distinct", () => {
    const value = decode('f0 16 ec0000000000003640 7f', wrap) as unknown[];
    expect(value).toEqual([22, new QpackFloat(22), new QpackFloat(1)]);
    expect(value[0]).not.toBeInstanceOf(QpackFloat);
    expect(decode('f0 16 ec0000000000003640 7f')).toEqual([22, 22, 1]);
  });

  it("raw 'bytes' returns Uint8Array copies, with string map keys", () => {
    const input = qp('f5 81"k" 83"abc" 82"\u00e9" e4 00');
    const value = decodeQpack(input, { raw: 'bytes' }) as Record<string, Uint8Array>;
    expect(value).toEqual({ k: new Uint8Array([0x61, 0x62, 0x63]), é: new Uint8Array(0) });
    expect(value['k']).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(value['k'])).toBe(false);
    input.fill(0);
    expect(Array.from(value['k'] as Uint8Array)).toEqual([0x61, 0x62, 0x63]);
    expect(decode('83 ff fe 00', { raw: 'bytes' })).toEqual(new Uint8Array([0xff, 0xfe, 0]));
  });

  it.each([
    [{ int64: 'big' }, 'int64'],
    [{ raw: 'buffer' }, 'raw'],
    [{ floats: 'double' }, 'floats'],
  ])('rejects %j', (options, field) => {
    try {
      decodeQpack(Uint8Array.of(1), options as QpackDecodeOptions);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('CONN_SIRIDB_QPACK_OPTIONS');
      expect((error as ConfigError).field).toBe(field);
    }
  });

  it('accepts explicit defaults and undefined options', () => {
    expect(decode('ec 000000000000f83f', { int64: 'auto', raw: 'string', floats: 'number' })).toBe(1.5);
    expect(decodeQpack(Uint8Array.of(1), {})).toBe(1);
  });

  it('rejects a non-Uint8Array input with a ConfigError', () => {
    expect(() => decodeQpack('fb' as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'CONN_SIRIDB_QPACK_TYPE' }),
    );
  });
});

describe('decodeQpack: strings and keys', () => {
  it('decodes UTF-8, astral characters included', () => {
    expect(decode('84 f09f9880')).toBe('😀');
    expect(decode('8661f09f988062')).toBe('a😀b');
    const long = `${'é'.repeat(40)}😀${'€'.repeat(40)}`;
    expect(decodeQpack(encodeQpack(long))).toBe(long);
    expect(decodeQpack(encodeQpack({ [long]: '😀' }))).toEqual({ [long]: '😀' });
  });

  it('replaces invalid UTF-8 with U+FFFD', () => {
    expect(decode('82 ff61')).toBe('\ufffda');
    expect(decode('83 f09f98')).toBe('\ufffd');
  });

  it('converts scalar keys with String()', () => {
    expect(decode('f4 01 02')).toEqual({ 1: 2 });
    expect(decode('f4 e9 0080 02')).toEqual({ '-32768': 2 });
    expect(decode('f4 ec000000000000f83f 02')).toEqual({ '1.5': 2 });
    expect(decode('f4 7f 02', wrap)).toEqual({ 1: 2 });
    expect(decode('f5 f9 01 fb 02')).toEqual({ true: 1, null: 2 });
    expect(decode('f4 eb 00002a36fe9c9717 02')).toEqual({ '1700000000000000000': 2 });
    expect(decode('f4 05 02', { int64: 'bigint' })).toEqual({ 5: 2n });
    expect(decode('f4 e4 03"abc" 01', { raw: 'bytes' })).toEqual({ abc: 1 });
  });

  it('keeps the last of duplicate keys', () => {
    expect(decode('f5 81"a" 01 81"a" 02')).toEqual({ a: 2 });
  });

  it('makes a __proto__ key an own property, never a prototype', () => {
    const value = decode('f5 89"__proto__" f4 88"polluted" f9 81"x" 01') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'x']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: true });
    expect(value['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const open = decode('fd 89"__proto__" 01') as Record<string, unknown>;
    expect(Object.getPrototypeOf(open)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(open, '__proto__')?.value).toBe(1);
  });
});

describe('decodeQpack: input views', () => {
  it('reads a Uint8Array view at an offset, offsets relative to the view', () => {
    const backing = new Uint8Array([0xaa, 0xef, 0x01, 0x02, 0xbb]);
    expect(decodeQpack(backing.subarray(1, 4))).toEqual([1, 2]);
    const error = decodeError(backing.subarray(1, 5));
    expect(error.details['offset']).toBe(3);
  });

  it('does not share memory with the input for strings', () => {
    const input = qp('81"a"');
    const value = decodeQpack(input);
    input[1] = 0x62;
    expect(value).toBe('a');
  });
});

describe('decodeQpack: malformed input → ProtocolError CONN_SIRIDB_QPACK', () => {
  it.each([
    ['', 0, /a value is missing/],
    ['fe', 0, /unexpected array close/],
    ['ff', 0, /unexpected map close/],
    ['01 02', 1, /1 byte\(s\) left after the value/],
    ['ef 01 02 03', 3, /left after the value/],
    ['fc 01 fe 02', 3, /left after the value/],
    ['fd ff 02', 2, /left after the value/],
    ['e8', 0, /truncated value/],
    ['e9 00', 0, /truncated value/],
    ['ea 000000', 0, /truncated value/],
    ['eb 00000000000000', 0, /truncated value/],
    ['ec 00000000000000', 0, /truncated value/],
    ['e4', 0, /truncated value/],
    ['e5 05', 0, /truncated value/],
    ['e6 050000', 0, /truncated value/],
    ['e7 05000000000000', 0, /truncated value/],
    ['83 6161', 0, /truncated raw: 3 byte\(s\) declared, 2 left/],
    ['e4 05 61', 0, /truncated raw/],
    ['e5 ffff 61', 0, /truncated raw/],
    ['e6 ffffffff 61', 0, /truncated raw/],
    ['e7 ffffffffffffffff 61', 0, /truncated raw/],
    ['e7 0000000001000000', 0, /truncated raw/],
    ['ef 01', 2, /a value is missing/],
    ['f2', 1, /a value is missing/],
    ['f4 81"a"', 3, /a value is missing/],
    ['f4', 1, /a map key is missing/],
    ['fd 81"a"', 3, /a value is missing/],
    ['ee fe', 1, /unexpected array close/],
    ['f4 81"a" ff', 3, /unexpected map close/],
    ['fc 01 ff', 2, /unexpected map close/],
    ['fd 81"a" 01 fe', 4, /unexpected array close/],
    ['fd 81"a" ff', 3, /unexpected map close/],
    ['f4 ed 01', 1, /a map key must be a string or a scalar/],
    ['fd fc fe 01', 1, /a map key must be a string or a scalar/],
  ])('%j at byte %d', (notation, offset, message) => {
    const error = decodeError(qp(notation));
    expect(error.details['offset']).toBe(offset);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(new RegExp(`at byte ${offset}$`));
  });

  it('reads 1000 nested containers and refuses 1001, without exhausting the stack', () => {
    expect(decodeQpack(new Uint8Array(1000).fill(0xfc))).toBeInstanceOf(Array);
    expect(decodeError(new Uint8Array(1001).fill(0xfc)).details['offset']).toBe(1000);
    expect(decodeError(new Uint8Array(1_000_000).fill(0xee)).message).toMatch(/nested deeper than 1000/);
    expect(decodeError(new Uint8Array(100_000).fill(0xfd)).message).toMatch(/nested deeper than 1000/);
  });

  it('checks declared lengths before allocating', () => {
    // 2^64 - 1 bytes declared: must fail at once, not try to allocate
    const error = decodeError(qp('fc e7 ffffffffffffffff'));
    expect(error.details['offset']).toBe(1);
    expect(decodeError(qp('e7 ffffffffffffffff'), { raw: 'bytes' }).details['offset']).toBe(0);
  });
});
