import { ProtocolError } from '@conn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeChunk,
  type EncodableVector,
  encodeChunk,
  openChunk,
  VectorType,
} from '../../src/protocol/results.js';

// Reference rules computed independently of the code under test: BigInt only, no shared helpers.
const DAY = 86_400_000_000n;
const floorDiv = (a: bigint, b: bigint): bigint => (a % b < 0n ? a / b - 1n : a / b);
function civil(days: bigint): string {
  const z = days + 719468n;
  const era = floorDiv(z, 146097n);
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = doy - (153n * mp + 2n) / 5n + 1n;
  const m = mp < 10n ? mp + 3n : mp - 9n;
  const y = yoe + era * 400n + (m <= 2n ? 1n : 0n);
  const year =
    y > 9999n ? `+${y}` : y < 0n ? `-${(-y).toString().padStart(4, '0')}` : y.toString().padStart(4, '0');
  return `${year}-${m.toString().padStart(2, '0')}-${d.toString().padStart(2, '0')}`;
}
function local(micros: bigint): string {
  const days = floorDiv(micros, DAY);
  const rest = micros - days * DAY;
  const ms = rest / 1000n;
  const p = (n: bigint, w = 2): string => n.toString().padStart(w, '0');
  return `${civil(days)}T${p(ms / 3_600_000n)}:${p((ms / 60_000n) % 60n)}:${p((ms / 1000n) % 60n)}.${p(ms % 1000n, 3)}`;
}
const offsetText = (minutes: number): string =>
  `${minutes < 0 ? '-' : '+'}${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0')}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;
function decimal(unscaled: bigint, scale: number): string {
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const body =
    scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return unscaled < 0n ? `-${body}` : body;
}
const toBytes = (value: bigint): Uint8Array =>
  Uint8Array.from(Buffer.from(BigInt.asUintN(128, value).toString(16).padStart(32, '0'), 'hex'));
const autoInt = (value: bigint): number | bigint =>
  value >= -(2n ** 53n) + 1n && value <= 2n ** 53n - 1n ? Number(value) : value;

/** A column to encode and the values it must decode to. */
interface Case {
  readonly vector: EncodableVector;
  readonly expected: readonly unknown[];
}

const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
// ±10^16 µs ≈ ±317 years around 1970 plus the far ends (year -290k … +294k).
const micros = fc.oneof(
  fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }),
  fc.bigInt({ min: -(2n ** 63n) + DAY * 2n, max: 2n ** 63n - DAY * 2n }),
);

function column<T>(
  rows: number,
  value: fc.Arbitrary<T>,
  build: (values: T[], nulls: boolean[]) => EncodableVector,
  expect: (value: T) => unknown,
  constantBuild?: (value: T) => EncodableVector['data'],
): fc.Arbitrary<Case> {
  const listCase = fc
    .tuple(
      fc.array(value, { minLength: rows, maxLength: rows }),
      fc.array(fc.boolean(), { minLength: rows, maxLength: rows }),
    )
    .map(([values, nulls]) => ({
      vector: build(values, nulls),
      expected: values.map((v, r) => (nulls[r] ? null : expect(v))),
    }));
  if (constantBuild === undefined) return listCase;
  const constantCase = fc.tuple(value, fc.boolean()).map(([v, isNull]) => {
    const data = constantBuild(v);
    return {
      vector: {
        type: build([], []).type,
        nulls: [isNull],
        constant: true,
        ...(data === undefined ? {} : { data }),
      },
      expected: new Array<unknown>(rows).fill(isNull ? null : expect(v)),
    };
  });
  return fc.oneof(listCase, constantCase);
}

function anyColumn(rows: number): fc.Arbitrary<Case> {
  return fc.oneof(
    column(
      rows,
      i64,
      (values, nulls) => ({ type: VectorType.LONG, nulls, data: { kind: 'int64', values } }),
      autoInt,
      (value) => ({ kind: 'numericConstant', value }),
    ),
    column(
      rows,
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      (values, nulls) => ({ type: VectorType.INTEGER, nulls, data: { kind: 'int32', values } }),
      (v) => v,
      (v) => ({ kind: 'numericConstant', value: BigInt(v) }),
    ),
    column(
      rows,
      fc.double(),
      (values, nulls) => ({ type: VectorType.DOUBLE, nulls, data: { kind: 'float64', values } }),
      (v) => v,
      (value) => ({ kind: 'numericDecimalConstant', value }),
    ),
    column(
      rows,
      fc.double(),
      (values, nulls) => ({ type: VectorType.FLOAT, nulls, data: { kind: 'float32', values } }),
      (v) => v,
    ),
    column(
      rows,
      fc.boolean(),
      (values, nulls) => ({ type: VectorType.BOOLEAN, nulls, data: { kind: 'bool', values } }),
      (v) => v,
      (value) => ({ kind: 'boolConstant', value }),
    ),
    column(
      rows,
      fc.string({ unit: 'grapheme' }),
      (values, nulls) => ({ type: VectorType.STRING, nulls, data: { kind: 'varchar', values } }),
      (v) => v,
      (value) => ({ kind: 'varcharConstant', value }),
    ),
    column(
      rows,
      fc.uint8Array({ maxLength: 8 }),
      (values, nulls) => ({ type: VectorType.BINARY, nulls, data: { kind: 'varchar', values } }),
      (v) => v,
      (value) => ({ kind: 'varcharConstant', value }),
    ),
    column(
      rows,
      micros,
      (values, nulls) => ({ type: VectorType.DATE, nulls, data: { kind: 'date', values } }),
      (v) => civil(floorDiv(v, DAY)),
      (value) => ({ kind: 'dateConstant', value }),
    ),
    column(
      rows,
      micros,
      (values, nulls) => ({ type: VectorType.DATETIME, nulls, data: { kind: 'time', values } }),
      (v) => `${local(v)}+00:00`,
      (value) => ({ kind: 'timeConstant', value }),
    ),
    column(
      rows,
      fc.tuple(micros, fc.integer({ min: -18 * 60, max: 18 * 60 }), fc.boolean()),
      (values, nulls) => ({
        type: VectorType.TIMESTAMP_TZ,
        nulls,
        data: {
          kind: 'time',
          values: values.map(([m]) => m),
          zones: values.map(([, o, z]) => (z && o === 0 ? 'Z' : offsetText(o))),
        },
      }),
      ([m, o]) => `${local(m + BigInt(o) * 60_000_000n)}${offsetText(o)}`,
      ([m, o, z]) => ({ kind: 'timeConstant', value: m, zone: z && o === 0 ? 'Z' : offsetText(o) }),
    ),
    column(
      rows,
      fc.tuple(fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }), fc.integer({ min: 0, max: 38 })),
      (values, nulls) => ({
        type: VectorType.DECIMAL128,
        nulls,
        data: { kind: 'decimal128', values: values.map(([u]) => toBytes(u)), scale: values[0]?.[1] ?? 0 },
      }),
      () => undefined,
    ),
    fc.constant({
      vector: { type: VectorType.NULL, nulls: new Array<boolean>(rows).fill(true) },
      expected: new Array<unknown>(rows).fill(null),
    }),
  );
}

/** Decimal columns share one scale, so their expectation is fixed up after generation. */
function expectedOf(test: Case): readonly unknown[] {
  const data = test.vector.data;
  if (data?.kind === 'decimal128')
    return data.values.map((bytes, r) =>
      test.vector.nulls[r]
        ? null
        : decimal(BigInt.asIntN(128, BigInt(`0x${Buffer.from(bytes).toString('hex')}`)), data.scale),
    );
  return test.expected;
}

const chunkCase = fc
  .integer({ min: 1, max: 12 })
  .chain((rows) => fc.tuple(fc.constant(rows), fc.array(anyColumn(rows), { minLength: 1, maxLength: 6 })));

describe('encodeChunk → decodeChunk', () => {
  it('decodes random typed columns to independently computed values', () => {
    fc.assert(
      fc.property(chunkCase, ([rows, cases]) => {
        const decoded = decodeChunk(
          encodeChunk(
            rows,
            cases.map((c) => c.vector),
          ),
        );
        expect(decoded.rowCount).toBe(rows);
        expect(decoded.columns).toEqual(cases.map(expectedOf));
      }),
      { numRuns: 400 },
    );
  });
});

describe('openChunk: a batch read a slice at a time', () => {
  it('slices of random sizes, into fresh or reused arrays, join to the whole decodeChunk', () => {
    fc.assert(
      fc.property(
        chunkCase,
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 12, maxLength: 12 }),
        fc.boolean(),
        ([rows, cases], sizes, reuse) => {
          const bytes = encodeChunk(
            rows,
            cases.map((c) => c.vector),
          );
          const slices = openChunk(bytes);
          const scratch: unknown[][] = [];
          const joined: unknown[][] = cases.map(() => []);
          for (const size of sizes) {
            if (slices.remaining === 0) break;
            const before = slices.remaining;
            const slice = slices.next(size, reuse ? scratch : undefined);
            expect(slice.rowCount).toBe(Math.min(size, before));
            expect(slices.remaining).toBe(before - slice.rowCount);
            for (const [c, values] of slice.columns.entries()) {
              joined[c]?.push(...values.slice(0, slice.rowCount));
            }
          }
          expect(slices.remaining).toBe(0);
          expect(slices.next(3).rowCount).toBe(0);
          expect(joined).toEqual(decodeChunk(bytes).columns);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('fuzz: hostile bytes only ever raise a CONN_E6DATA_* ProtocolError', () => {
  const check = (bytes: Uint8Array): void => {
    try {
      decodeChunk(bytes);
    } catch (error) {
      if (!(error instanceof ProtocolError) || !error.code.startsWith('CONN_E6DATA_')) throw error;
    }
  };
  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), check), { numRuns: 2000 });
  });
  it('truncations and mutations of valid chunks', () => {
    const valid = chunkCase.map(([rows, cases]) =>
      encodeChunk(
        rows,
        cases.map((c) => c.vector),
      ),
    );
    fc.assert(
      fc.property(
        valid,
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (bytes, cut, edits) => {
          check(bytes.subarray(0, cut % bytes.length));
          const mutated = bytes.slice();
          for (const [at, value] of edits) mutated[at % mutated.length] = value;
          check(mutated);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('Number fast paths at their edges match the BigInt reference', () => {
  const SAFE = 2n ** 53n;
  const around = (value: bigint): bigint[] => [value - 1n, value, value + 1n];
  const nearZero = [0n, -1n, 1n, -999n, -1000n, -1001n, -999_999n, -1_000_000n, -1_000_001n];
  // Exact midnights before 1970 and one µs either side; the 2^53 boundaries; the i64 ends.
  const micros = [
    ...nearZero,
    ...[-DAY, -2n * DAY, -719_528n * DAY, -719_529n * DAY, -(10n ** 6n) * DAY].flatMap(around),
    ...[SAFE, -SAFE].flatMap(around),
    ...[DAY * 104_249n, -DAY * 104_249n].flatMap(around),
    // Beyond 2^53 next to a millisecond and a midnight: Number arithmetic would round across them.
    ...[9_007_199_254_741_000n, -9_007_199_254_741_000n, DAY * 104_250n, -DAY * 104_250n].flatMap(around),
    -(2n ** 63n),
    2n ** 63n - 1n,
  ];
  const rows = micros.length;
  const nulls = new Array<boolean>(rows).fill(false);

  it('DATE, DATETIME, TIMESTAMP_TZ and LONG', () => {
    const zoned = micros.filter((m) => m > -(2n ** 63n) + DAY && m < 2n ** 63n - DAY);
    const decoded = decodeChunk(
      encodeChunk(rows, [
        { type: VectorType.DATE, nulls, data: { kind: 'date', values: micros } },
        { type: VectorType.DATETIME, nulls, data: { kind: 'time', values: micros } },
        { type: VectorType.LONG, nulls, data: { kind: 'int64', values: micros } },
      ]),
    );
    expect(decoded.columns).toEqual([
      micros.map((m) => civil(floorDiv(m, DAY))),
      micros.map((m) => `${local(m)}+00:00`),
      micros.map(autoInt),
    ]);
    for (const minutes of [330, -300]) {
      const zone = offsetText(minutes);
      const tz = decodeChunk(
        encodeChunk(zoned.length, [
          {
            type: VectorType.TIMESTAMP_TZ,
            nulls: new Array<boolean>(zoned.length).fill(false),
            data: { kind: 'time', values: zoned, zones: zoned.map(() => zone) },
          },
        ]),
      );
      expect(tz.columns[0]).toEqual(zoned.map((m) => `${local(m + BigInt(minutes) * 60_000_000n)}${zone}`));
    }
  });

  it('DECIMAL128 unscaled values around 2^53, 2^63 and 10^38 at many scales', () => {
    const unscaled = [
      ...nearZero,
      -99n,
      -100n,
      -101n,
      99n,
      100n,
      101n,
      ...[SAFE, -SAFE, 2n ** 63n, -(2n ** 63n), 2n ** 64n, -(2n ** 64n)].flatMap(around),
      10n ** 38n - 1n,
      -(10n ** 38n) + 1n,
    ];
    for (const scale of [0, 1, 2, 3, 9, 10, 15, 16, 18, 38]) {
      const decoded = decodeChunk(
        encodeChunk(unscaled.length, [
          {
            type: VectorType.DECIMAL128,
            nulls: new Array<boolean>(unscaled.length).fill(false),
            data: { kind: 'decimal128', values: unscaled.map(toBytes), scale },
          },
        ]),
      );
      expect(decoded.columns[0]).toEqual(unscaled.map((u) => decimal(u, scale)));
    }
  });
});
