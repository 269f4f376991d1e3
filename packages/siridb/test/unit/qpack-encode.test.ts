import { ConfigError, isConnError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { decodeQpack } from '../../src/protocol/qpack-decode.js';
import { encodeQpack } from '../../src/protocol/qpack-encode.js';
import { QpackFloat, qpackFloat } from '../../src/protocol/qpack-float.js';
import { qp } from '../fixtures/qpack-vectors.js';

const hex = (value: unknown): string => encodeQpack(value).toString('hex');

function encodeError(value: unknown): ConfigError {
  try {
    encodeQpack(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect(isConnError(error)).toBe(true);
    return error as ConfigError;
  }
  throw new Error('encodeQpack did not throw');
}

describe('encodeQpack: integers (the C encoder’s exact widths)', () => {
  it.each([
    [0, '00'],
    [1, '01'],
    [63, '3f'],
    [64, 'e840'],
    [-1, '40'],
    [-60, '7b'],
    [-61, 'e8c3'],
    [127, 'e87f'],
    [128, 'e98000'],
    [-128, 'e880'],
    [-129, 'e97fff'],
    [255, 'e9ff00'],
    [32767, 'e9ff7f'],
    [32768, 'ea00800000'],
    [-32768, 'e90080'],
    [-32769, 'eaff7fffff'],
    [2 ** 31 - 1, 'eaffffff7f'],
    [2 ** 31, 'eb0000008000000000'],
    [-(2 ** 31), 'ea00000080'],
    [-(2 ** 31) - 1, 'ebffffff7fffffffff'],
    [2 ** 32, 'eb0000000001000000'],
    [1700000000123, 'eb7b68e5cf8b010000'],
    [-1700000000123, 'eb85971a3074feffff'],
    [Number.MAX_SAFE_INTEGER, 'ebffffffffffff1f00'],
    [-Number.MAX_SAFE_INTEGER, 'eb010000000000e0ff'],
    [2 ** 53 + 2, 'eb0200000000002000'],
    [2 ** 62, 'eb0000000000000040'],
    [-(2 ** 63), 'eb0000000000000080'],
  ])('%d → %s', (value, expected) => {
    expect(hex(value)).toBe(expected);
  });

  it('writes -0 as the integer 0 (Number.isInteger(-0) is true)', () => {
    expect(hex(-0)).toBe('00');
  });

  it.each([
    [0n, '00'],
    [63n, '3f'],
    [64n, 'e840'],
    [-60n, '7b'],
    [-61n, 'e8c3'],
    [-128n, 'e880'],
    [32768n, 'ea00800000'],
    [2n ** 31n - 1n, 'eaffffff7f'],
    [2n ** 31n, 'eb0000008000000000'],
    [-(2n ** 31n) - 1n, 'ebffffff7fffffffff'],
    [2n ** 53n + 1n, 'eb0100000000002000'],
    [1700000000000000000n, 'eb00002a36fe9c9717'],
    [2n ** 63n - 1n, 'ebffffffffffffff7f'],
    [-(2n ** 63n), 'eb0000000000000080'],
  ])('bigint %s → %s', (value, expected) => {
    expect(hex(value)).toBe(expected);
  });

  it('writes integral numbers above 2^53 exactly as their value', () => {
    for (const n of [2 ** 53, 2 ** 60 + 2 ** 12, 2 ** 63 - 1024, -(2 ** 62) - 2048]) {
      const expected = Buffer.alloc(9);
      expected[0] = 0xeb;
      expected.writeBigInt64LE(BigInt(n), 1);
      expect(encodeQpack(n)).toEqual(expected);
    }
  });

  it.each([
    [2 ** 63],
    [-(2 ** 63) - 4096],
    [2 ** 64],
    [1e300],
    [-Number.MAX_VALUE],
    [2n ** 63n],
    [-(2n ** 63n) - 1n],
    [2n ** 64n],
  ])('%s is out of range → CONN_SIRIDB_QPACK_RANGE', (value) => {
    const error = encodeError(value);
    expect(error.code).toBe('CONN_SIRIDB_QPACK_RANGE');
    expect(error.message).toMatch(/signed 64-bit range at the top level/);
  });

  it('names where an out-of-range integer is', () => {
    const error = encodeError({
      points: [
        [1, 2],
        [2n ** 64n, 1],
      ],
    });
    expect(error.code).toBe('CONN_SIRIDB_QPACK_RANGE');
    expect(error.message).toContain('at points[1][0]');
    expect(error.details['path']).toBe('points[1][0]');
  });
});

describe('encodeQpack: doubles', () => {
  it.each([
    [1.5, 'ec000000000000f83f'],
    [-0.5, 'ec000000000000e0bf'],
    [0.1, 'ec9a9999999999b93f'],
    [Number.NaN, 'ec000000000000f87f'],
    [Number.POSITIVE_INFINITY, 'ec000000000000f07f'],
    [Number.NEGATIVE_INFINITY, 'ec000000000000f0ff'],
    [Number.MIN_VALUE, 'ec0100000000000000'],
  ])('%d → %s', (value, expected) => {
    expect(hex(value)).toBe(expected);
  });

  it.each([
    [22, 'ec0000000000003640'],
    [1, '7f'],
    [0, '7e'],
    [-0, '7e'],
    [-1, '7d'],
    [2, 'ec0000000000000040'],
    [1700000000123, 'ec00b08756febc7842'],
    [Number.MAX_VALUE, 'ecffffffffffffef7f'],
    [2.5, 'ec0000000000000440'],
  ])('QpackFloat(%d) → %s', (value, expected) => {
    expect(hex(new QpackFloat(value))).toBe(expected);
    expect(hex(qpackFloat(value))).toBe(expected);
  });

  it('QpackFloat rejects a non-number', () => {
    expect(() => new QpackFloat('1' as unknown as number)).toThrow(ConfigError);
  });

  it('QpackFloat behaves like its number', () => {
    const f = qpackFloat(2.5);
    expect(f.value).toBe(2.5);
    expect(+f * 2).toBe(5);
    expect(String(f)).toBe('2.5');
    expect(JSON.stringify({ f })).toBe('{"f":2.5}');
  });
});

describe('encodeQpack: strings and raw bytes', () => {
  it.each([
    ['', '80'],
    ['a', '8161'],
    ['é', '82c3a9'],
    ['€', '83e282ac'],
    ['😀', '84f09f9880'],
    ['a😀b', '8661f09f988062'],
    ['\ud800', '83efbfbd'],
    ['x\udc00y', '8578efbfbd79'],
  ])('%j → %s', (value, expected) => {
    expect(hex(value)).toBe(expected);
  });

  const header = (value: string | Uint8Array): string => encodeQpack(value).subarray(0, 9).toString('hex');

  it.each([
    [33, 'a1'],
    [34, 'a2'],
    [99, 'e3'],
    [100, 'e464'],
    [255, 'e4ff'],
    [256, 'e50001'],
    [65535, 'e5ffff'],
    [65536, 'e600000100'],
    [70000, 'e670110100'],
  ])('an ASCII string of %d bytes has the header %s', (n, expected) => {
    const s = 'a'.repeat(n);
    const bytes = encodeQpack(s);
    expect(bytes.length).toBe(expected.length / 2 + n);
    expect(bytes.subarray(0, expected.length / 2).toString('hex')).toBe(expected);
    expect(bytes.subarray(expected.length / 2).toString('latin1')).toBe(s);
  });

  it.each([
    // [unit, repeat, bytes, header]: non-ASCII where the header from the UTF-16 length is too small
    ['é', 33, 66, 'c2'],
    ['é', 34, 68, 'c4'],
    ['é', 49, 98, 'e2'],
    ['é', 50, 100, 'e464'],
    ['€', 34, 102, 'e466'],
    ['€', 85, 255, 'e4ff'],
    ['é', 128, 256, 'e50001'],
    ['😀', 25, 100, 'e464'],
    ['€', 21846, 65538, 'e602000100'],
  ])('%j × %d (%d bytes) has the header %s', (unit, count, n, expected) => {
    const s = unit.repeat(count);
    const bytes = encodeQpack(s);
    const headerBytes = expected.length / 2;
    expect(bytes.length).toBe(headerBytes + n);
    expect(bytes.subarray(0, headerBytes).toString('hex')).toBe(expected);
    expect(bytes.subarray(headerBytes).toString('utf8')).toBe(s);
  });

  it('writes lone surrogates in long strings as U+FFFD too', () => {
    const s = `${'a'.repeat(40)}\ud83d`;
    expect(encodeQpack(s).subarray(1).toString('hex')).toBe(`${'61'.repeat(40)}efbfbd`);
  });

  it.each([
    [0, '80'],
    [99, 'e3'],
    [100, 'e464'],
    [255, 'e4ff'],
    [256, 'e50001'],
    [65535, 'e5ffff'],
    [65536, 'e600000100'],
  ])('a Uint8Array of %d bytes has the header %s', (n, expected) => {
    const raw = new Uint8Array(n).map((_, i) => i * 7);
    expect(header(raw).startsWith(expected)).toBe(true);
    const bytes = encodeQpack(raw);
    expect(bytes.length).toBe(expected.length / 2 + n);
    expect(new Uint8Array(bytes.subarray(expected.length / 2))).toEqual(raw);
  });

  it('writes a Buffer and a Uint8Array view as raw bytes', () => {
    expect(hex(Buffer.from('abc'))).toBe('83616263');
    const backing = new Uint8Array([9, 1, 2, 9]);
    expect(hex(backing.subarray(1, 3))).toBe('820102');
  });
});

describe('encodeQpack: containers', () => {
  it.each([
    [[], 'ed'],
    [[1], 'ee01'],
    [[1, 2, 3, 4, 5], 'f20102030405'],
    [[1, 2, 3, 4, 5, 6], 'fc010203040506fe'],
    [[[]], 'eeed'],
    [[[1, 2, 3, 4, 5, 6]], 'eefc010203040506fe'],
    [[null, undefined, true, false], 'f1fbfbf9fa'],
  ])('%j → %s', (value, expected) => {
    expect(hex(value)).toBe(expected);
  });

  it('writes holes of sparse arrays as null', () => {
    // biome-ignore lint/suspicious/noSparseArray: a hole is the point of the test
    expect(hex([1, , 3])).toBe('f001fb03');
  });

  it.each([
    [{}, 'f3'],
    [{ a: 1 }, 'f4816101'],
    [{ a: 1, b: 2, c: 3, d: 4, e: 5 }, 'f8816101816202816303816404816505'],
    [{ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }, 'fd816101816202816303816404816505816606ff'],
    [{ a: undefined }, 'f48161fb'],
  ])('%j → %s', (value, expected) => {
    expect(hex(value)).toBe(expected);
  });

  it('writes keys in own-enumerable order (integer-like keys first, as JS orders them)', () => {
    expect(hex({ b: 1, 1: 2 })).toBe('f5813102816201');
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.create(null) as Record<string, number>;
    bare['x'] = 1;
    expect(hex(bare)).toBe('f4817801');
  });

  it('writes Maps with string keys', () => {
    expect(hex(new Map())).toBe('f3');
    expect(hex(new Map([['x', 1]]))).toBe('f4817801');
    const six = new Map(['a', 'b', 'c', 'd', 'e', 'f'].map((k, i) => [k, i]));
    expect(hex(six)).toBe('fd816100816201816302816403816504816605ff');
  });

  it('leaves `reserve` zeroed bytes before the payload (room for the package header)', () => {
    const bytes = encodeQpack(['iris', 'siri', 'dbtest'], { reserve: 8 });
    expect(bytes.subarray(0, 8)).toEqual(Buffer.alloc(8));
    expect(bytes.subarray(8)).toEqual(qp('f0 84"iris" 84"siri" 86"dbtest"'));
    expect(encodeQpack(null, { reserve: 0 })).toEqual(Buffer.from([0xfb]));
    const big = encodeQpack('x'.repeat(100_000), { reserve: 40_000 });
    expect(big.length).toBe(40_000 + 5 + 100_000);
    expect(big.subarray(0, 40_000).every((b) => b === 0)).toBe(true);
    expect(big.subarray(40_000, 40_005).toString('hex')).toBe('e6a0860100');
  });

  it.each([[-1], [1.5], [Number.NaN], ['8']])('rejects reserve %j', (reserve) => {
    expect(() => encodeQpack(1, { reserve: reserve as number })).toThrow(
      expect.objectContaining({ code: 'CONN_SIRIDB_QPACK_OPTIONS' }),
    );
  });
});

describe('encodeQpack: buffers', () => {
  it('grows past the scratch buffer and returns exactly sized, independent buffers', () => {
    const points = Array.from({ length: 50_000 }, (_, i) => [1700000000000 + i, qpackFloat(i / 3)]);
    const big = encodeQpack({ series: points });
    // f4 86"series" fc, then ef + INT64 + DOUBLE per point (i / 3 is 0 or 1 once: one byte), fe
    expect(big.length).toBe(1 + 7 + 1 + 49_998 * 19 + 2 * 11 + 1);
    const small = encodeQpack([1, 2]);
    expect(small.toString('hex')).toBe('ef0102');
    const again = encodeQpack({ series: points });
    expect(again.equals(big)).toBe(true);
    const decoded = decodeQpack(big, { floats: 'wrap' }) as { series: [number, QpackFloat][] };
    expect(decoded.series.length).toBe(points.length);
    expect(decoded.series.every(([ts, f], i) => ts === 1700000000000 + i && f.value === i / 3)).toBe(true);
    expect(small.toString('hex')).toBe('ef0102');
  });

  it('supports a re-entrant call from a getter', () => {
    const value = {
      get inner(): Buffer {
        return encodeQpack(['nested', 1]);
      },
      after: 'x'.repeat(40),
    };
    const bytes = encodeQpack(value);
    expect(decodeQpack(bytes, { raw: 'bytes' })).toEqual({
      inner: new Uint8Array(qp('ef 86"nested" 01')),
      after: new Uint8Array(Buffer.from('x'.repeat(40))),
    });
  });

  it('lets an error thrown by a getter through unchanged', () => {
    const boom = new TypeError('boom');
    const value = {
      get bad(): number {
        throw boom;
      },
    };
    expect(() => encodeQpack([value])).toThrow(boom);
    expect(hex([1])).toBe('ee01');
  });
});

describe('encodeQpack: unsupported values', () => {
  class Point {
    x = 1;
  }

  it.each([
    [() => 1, 'a function', ''],
    [Symbol('s'), 'a symbol', ''],
    [new Date(0), 'an instance of Date', ''],
    [new Set([1]), 'an instance of Set', ''],
    [new Point(), 'an instance of Point', ''],
    [new Int16Array(2), 'an instance of Int16Array', ''],
    [new ArrayBuffer(2), 'an instance of ArrayBuffer', ''],
    [{ points: [0, 1, 2, [1, () => 1]] }, 'a function', 'points[3][1]'],
    [{ 'cpu load': [[1, Symbol('x')]] }, 'a symbol', '["cpu load"][0][1]'],
    [[{ a: { b: new Date(0) } }], 'an instance of Date', '[0].a.b'],
    [new Map([['m', [1, new Set()]]]), 'an instance of Set', 'm[1]'],
  ])('%s → CONN_SIRIDB_QPACK_TYPE (%s at %j)', (value, what, path) => {
    const error = encodeError(value);
    expect(error.code).toBe('CONN_SIRIDB_QPACK_TYPE');
    expect(error.message).toBe(
      `qpack: cannot encode ${what} ${path === '' ? 'at the top level' : `at ${path}`}`,
    );
    expect(error.details['path']).toBe(path);
  });

  it('rejects non-string Map keys', () => {
    const error = encodeError({ m: new Map<unknown, number>([[1, 2]]) });
    expect(error.code).toBe('CONN_SIRIDB_QPACK_TYPE');
    expect(error.message).toBe(
      'qpack: cannot encode a Map key of type number (keys must be strings) at m["1"]',
    );
  });

  it('rejects cycles, but not shared references', () => {
    const array: unknown[] = [1];
    array.push(array);
    expect(encodeError(array).message).toBe('qpack: cannot encode a circular reference at [1]');
    const object: Record<string, unknown> = {};
    object['self'] = { again: object };
    expect(encodeError(object).message).toBe('qpack: cannot encode a circular reference at self.again');
    const map = new Map<string, unknown>();
    map.set('me', map);
    expect(encodeError(map).details['path']).toBe('me');
    const shared = [1, 2];
    expect(hex([shared, shared])).toBe('efef0102ef0102');
  });

  it('writes 1000 nested levels and refuses 1001', () => {
    let ok: unknown = 1;
    for (let i = 0; i < 1000; i++) ok = [ok];
    expect(decodeQpack(encodeQpack(ok))).toEqual(ok);
    const error = encodeError([ok]);
    expect(error.code).toBe('CONN_SIRIDB_QPACK_TYPE');
    expect(error.message).toMatch(/nested deeper than 1000 levels/);
  });
});
