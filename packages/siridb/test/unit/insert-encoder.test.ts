// The fused insert encoder (validation and qpack writing in one pass) against the two-pass
// reference it replaced: validate every point, then `encodeQpack`. Same bytes for valid data, the
// same error (class, code, message) for invalid data.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InsertError } from '../../src/errors.js';
import { type EncodedInsert, encodeInsert, type SiriDBInsertData } from '../../src/insert-data.js';
import { shownText } from '../../src/message-text.js';
import { encodeQpack } from '../../src/protocol/qpack-encode.js';
import { QpackFloat } from '../../src/protocol/qpack-float.js';
import { isSafeText, refuseUnsafeText } from '../../src/safe-text.js';

const RUNS = 400;
const INT64_MAX = 2n ** 63n - 1n;
const MAX_NAME_BYTES = 65_534;

// ---- the reference: the two-pass encodeInsert as it was -------------------------------------------
// (plus what came later: names and values shown cut in messages, NUL and lone surrogates refused)

function referenceEncode(data: unknown): Omit<EncodedInsert, 'ownsBuffer'> {
  let pointCount = 0;
  if (Array.isArray(data)) {
    const series = (data as { name: unknown; points: unknown }[]).map((entry, index) => {
      if (typeof entry !== 'object' || entry === null) invalid(`series #${index} must be { name, points }`);
      pointCount += validateSeries(entry.name, entry.points, `series #${index}`);
      return { name: entry.name, points: entry.points };
    });
    return { payload: encodeQpack(series), seriesCount: series.length, pointCount };
  }
  if (data instanceof Map) {
    for (const [name, points] of data)
      pointCount += validateSeries(name, points, `series ${shownText(String(name))}`);
    return { payload: encodeQpack(data), seriesCount: data.size, pointCount };
  }
  if (typeof data !== 'object' || data === null) {
    invalid('insert data must be { name: points }, a Map, or an array of { name, points }');
  }
  const names = Object.keys(data);
  const record = data as Record<string, unknown>;
  for (const name of names) pointCount += validateSeries(name, record[name], `series ${shownText(name)}`);
  return { payload: encodeQpack(record), seriesCount: names.length, pointCount };
}

function validateSeries(name: unknown, points: unknown, where: string): number {
  if (typeof name !== 'string' || name.length === 0) invalid(`${where}: the name must be a non-empty string`);
  if (Buffer.byteLength(name as string) > MAX_NAME_BYTES)
    invalid(`${where}: the name is longer than ${MAX_NAME_BYTES} bytes`);
  refuseUnsafeText(name as string, `${where}: the name`, 'name');
  if (!Array.isArray(points)) invalid(`${where}: points must be an array of [timestamp, value]`);
  const list = points as readonly unknown[];
  if (list.length === 0) invalid(`${where}: a series needs at least one point`);
  for (let i = 0; i < list.length; i++) {
    const point = list[i];
    if (!Array.isArray(point) || point.length !== 2)
      invalid(`${where}, point ${i}: expected [timestamp, value]`);
    const [timestamp, value] = point as [unknown, unknown];
    if (!isTimestamp(timestamp)) {
      invalid(
        `${where}, point ${i}: the timestamp must be a non-negative integer, got ${describeValue(timestamp)}`,
      );
    }
    if (!isValue(value)) {
      invalid(
        `${where}, point ${i}: values must be numbers, bigints, strings or qpackFloat(), got ${describeValue(value)}`,
      );
    }
    if (typeof value === 'string') refuseUnsafeText(value, `${where}, point ${i}: the string value`, 'value');
  }
  return list.length;
}

function isTimestamp(value: unknown): boolean {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0;
  return typeof value === 'bigint' && value >= 0n && value <= INT64_MAX;
}

function isValue(value: unknown): boolean {
  switch (typeof value) {
    case 'number':
    case 'string':
      return true;
    case 'bigint':
      return value >= -INT64_MAX - 1n && value <= INT64_MAX;
    default:
      return value instanceof QpackFloat;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (typeof value === 'string') return shownText(value);
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function invalid(message: string): never {
  throw new InsertError(message, { code: 'CONN_SIRIDB_INVALID_INSERT', siridbType: 0 });
}

// ---- comparison ------------------------------------------------------------------------------------

type Outcome =
  | { ok: true; hex: string; seriesCount: number; pointCount: number }
  | { ok: false; name: string; code: unknown; message: string };

function outcome(encode: () => Omit<EncodedInsert, 'ownsBuffer'>): Outcome {
  try {
    const { payload, seriesCount, pointCount } = encode();
    return { ok: true, hex: payload.toString('hex'), seriesCount, pointCount };
  } catch (error) {
    const e = error as Error & { code?: unknown };
    return { ok: false, name: e.constructor.name, code: e.code, message: e.message };
  }
}

function expectSame(data: unknown): Outcome {
  const ours = outcome(() => encodeInsert(data as SiriDBInsertData));
  const reference = outcome(() => referenceEncode(data));
  expect(ours).toEqual(reference);
  return ours;
}

// ---- arbitraries -----------------------------------------------------------------------------------

const INTEGER_EDGES = [
  0,
  1,
  63,
  64,
  127,
  128,
  255,
  256,
  32_767,
  32_768,
  65_535,
  65_536,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  1_700_000_000_000,
  2 ** 53 - 1,
];

const timestamp: fc.Arbitrary<number | bigint> = fc.oneof(
  fc.constantFrom(...INTEGER_EDGES),
  fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  fc.maxSafeNat(),
  fc.bigInt({ min: 0n, max: INT64_MAX }),
  fc.constantFrom(0n, 63n, 2n ** 31n, 2n ** 53n, INT64_MAX),
);

const text: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }).filter(isSafeText), // astral pairs; NUL and lone surrogates are bad values
  fc.string({ minLength: 30, maxLength: 400 }),
  fc.string({ unit: 'grapheme', minLength: 30, maxLength: 120 }),
);

/** Integral doubles of 2^63 and beyond are numbers the encoder refuses (a range error). */
const encodableDouble = fc.double().filter((d) => !Number.isInteger(d) || Math.abs(d) < 2 ** 63);

const value: fc.Arbitrary<unknown> = fc.oneof(
  encodableDouble,
  fc.constantFrom(0, -0, 1, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.constantFrom(...INTEGER_EDGES.flatMap((n) => [n, -n, n + 1, -n - 1])),
  fc.integer(),
  fc.bigInt({ min: -INT64_MAX - 1n, max: INT64_MAX }),
  fc.constantFrom(-(2n ** 63n), INT64_MAX, -1n, 0n, 2n ** 31n),
  text,
  fc.double().map((d) => new QpackFloat(d)),
  fc.constantFrom(0, 1, -1, 22).map((d) => new QpackFloat(d)),
);

const point: fc.Arbitrary<unknown> = fc.tuple(timestamp, value);
const points: fc.Arbitrary<unknown[]> = fc.array(point, { minLength: 1, maxLength: 12 });
const name: fc.Arbitrary<string> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.string({ minLength: 34, maxLength: 300 }),
);
const entries = fc.uniqueArray(fc.tuple(name, points), { maxLength: 12, selector: ([n]) => n });

/** Valid data in one of the three forms. */
const validData: fc.Arbitrary<unknown> = fc.oneof(
  entries.map((list) => Object.fromEntries(list)),
  entries.map((list) => Object.assign(Object.create(null) as object, Object.fromEntries(list))),
  entries.map((list) => new Map(list)),
  entries.map((list) => list.map(([n, p]) => ({ name: n, points: p }))),
  entries.map((list) => list.map(([n, p]) => ({ points: p, name: n, type: 'extra' }))),
);

/** Something wrong somewhere (or not): each kind of invalid point, name, series and container. */
const badValue: fc.Arbitrary<unknown> = fc.constantFrom(
  true,
  null,
  undefined,
  {},
  [1],
  2n ** 63n,
  -(2n ** 63n) - 1n,
  2 ** 63, // integral but beyond int64: the generic encoder's range error
  -(2 ** 64),
  1e300,
  Symbol('s'),
  () => 1,
  'nul\0inside',
  'lone \uD800',
);
const badTimestamp: fc.Arbitrary<unknown> = fc.constantFrom(
  -1,
  1.5,
  2 ** 53,
  Number.NaN,
  -1n,
  2n ** 63n,
  '1',
  null,
  undefined,
  new QpackFloat(1),
);
const badPoint: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(badTimestamp, value),
  fc.tuple(timestamp, badValue),
  fc.tuple(badTimestamp, badValue),
  fc.constantFrom([], [1], [1, 2, 3], 5, null, 'p', { 0: 1, 1: 2, length: 2 }),
);
const mixedPoints: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.oneof({ weight: 8, arbitrary: point }, badPoint), { maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom(5, null, 'points', {}, undefined) },
);
const mixedName: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: name },
  fc.constantFrom('', 5, null, undefined, Symbol('n'), 'nul\0name', 'lone\uDC00'),
);
const mixedEntries = fc.array(fc.tuple(mixedName, mixedPoints), { maxLength: 8 });

const anyData: fc.Arbitrary<unknown> = fc.oneof(
  mixedEntries.map((list) =>
    Object.fromEntries(list.filter(([n]) => typeof n === 'string') as [string, unknown][]),
  ),
  mixedEntries.map((list) => new Map(list)),
  mixedEntries.map((list) => list.map(([n, p]) => ({ name: n, points: p }))),
  fc.array(fc.oneof(fc.record({ name, points: mixedPoints }), fc.constantFrom(5, null, 'x')), {
    maxLength: 8,
  }),
  fc.constantFrom(42, null, undefined, 'series', true),
  fc.constantFrom(new Date(0), new Uint8Array(0), new QpackFloat(1)),
);

// ---- tests -----------------------------------------------------------------------------------------

describe('fused insert encoder', () => {
  it('writes the same bytes as encodeQpack for arbitrary valid data', () => {
    fc.assert(
      fc.property(validData, (data) => {
        const result = expectSame(data);
        expect(result.ok).toBe(true);
        // and exactly encodeQpack's bytes of the data as sent
        const sent = Array.isArray(data)
          ? (data as { name: string; points: unknown }[]).map((e) => ({ name: e.name, points: e.points }))
          : data;
        expect(encodeInsert(data as SiriDBInsertData).payload.equals(encodeQpack(sent))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('fails like validate-then-encode (same class, code, message) for arbitrary data', () => {
    fc.assert(
      fc.property(anyData, (data) => void expectSame(data)),
      { numRuns: RUNS },
    );
  });

  it('reports the first invalid point even after an out-of-range number an encoder would refuse', () => {
    const data = {
      a: [[1, 2 ** 64]],
      b: [[1, true]],
    };
    const result = expectSame(data);
    expect(result).toMatchObject({ ok: false, name: 'InsertError' });
    const range = expectSame({ a: [[1, 2 ** 64]], b: [[1, 1]] });
    expect(range).toMatchObject({ ok: false, code: 'CONN_SIRIDB_QPACK_RANGE' });
    expect((range as { message: string }).message).toContain('at a[0][1]');
    // the int64 bounds as doubles: -2^63 fits, 2^63 and the next double below -2^63 do not
    expect(expectSame({ a: [[1, -(2 ** 63)]] })).toMatchObject({ ok: true });
    expect(expectSame({ a: [[1, 2 ** 63]] })).toMatchObject({ ok: false, code: 'CONN_SIRIDB_QPACK_RANGE' });
    expect(expectSame(new Map([['a', [[1, -(2 ** 63) - 2048]]]]))).toMatchObject({
      ok: false,
      code: 'CONN_SIRIDB_QPACK_RANGE',
    });
    expect(expectSame([{ name: 'a', points: [[1, -(2 ** 70)]] }])).toMatchObject({
      ok: false,
      message: expect.stringContaining('at [0].points[0][1]'),
    });
  });

  it('keeps sparse arrays as the two-pass encoder did: a hole is written as null', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point of the test
    const data = [, { name: 'a', points: [[1, 1]] }];
    expect(expectSame(data)).toMatchObject({ ok: true, seriesCount: 2, pointCount: 1 });
  });

  it('writes large inserts into their own buffer: same bytes whatever size came before', () => {
    const sized = (series: number, points: number, value: (p: number) => unknown) => {
      const data: Record<string, unknown[]> = {};
      for (let s = 0; s < series; s++) {
        data[`s${s}`] = Array.from({ length: points }, (_, p) => [1_700_000_000_000 + p, value(p)]);
      }
      return data;
    };
    const inserts = [
      sized(100, 100, (p) => p * 0.001 + 1e-9), // ~190 kB
      sized(100, 100, (p) => p * 0.5 + 0.25), // the same size: written in place
      sized(100, 110, (p) => p * 0.5 + 0.25), // a little larger than expected
      sized(100, 300, (p) => `v${p}`), // much larger: the buffer grows
      sized(2, 3, (p) => p), // tiny after large: copied out
      sized(100, 100, (p) => -p - 0.5),
    ];
    for (const data of inserts) {
      const result = expectSame(data);
      expect(result.ok).toBe(true);
      const { payload } = encodeInsert(data as SiriDBInsertData);
      expect(payload.equals(encodeQpack(data))).toBe(true);
      // a payload never shares its bytes with the next one
      const copy = Buffer.from(payload);
      encodeInsert(data as SiriDBInsertData);
      expect(payload.equals(copy)).toBe(true);
    }
  });

  it('handles long names at the byte limit, and payloads that grow the buffer many times', () => {
    expectSame({ ['x'.repeat(MAX_NAME_BYTES)]: [[1, 1]] });
    expectSame({ ['x'.repeat(MAX_NAME_BYTES + 1)]: [[1, 1]] });
    expectSame({ ['\u4e2d'.repeat(21_844)]: [[1, 1]] }); // 65,532 bytes
    expectSame({ ['\u4e2d'.repeat(21_845)]: [[1, 1]] }); // 65,535 bytes
    expectSame(new Map([['\u{1f600}'.repeat(16_384), [[1, 1]]]])); // 65,536 bytes

    const big: Record<string, unknown[]> = {};
    for (let s = 0; s < 50; s++) {
      const list: unknown[] = [];
      for (let p = 0; p < 2_000; p++) {
        const kind = (s + p) % 5;
        const v =
          kind === 0
            ? p * 0.25 + 1e-9
            : kind === 1
              ? p - 1_000
              : kind === 2
                ? `m${'é'.repeat(p % 200)}`
                : BigInt(p) << 40n;
        list.push([1_700_000_000_000 + p, kind === 4 ? new QpackFloat(p) : v]);
      }
      big[`series.${s}`] = list;
    }
    expect(expectSame(big)).toMatchObject({ ok: true, seriesCount: 50, pointCount: 100_000 });
  });
});
