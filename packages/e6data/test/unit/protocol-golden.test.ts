import { describe, expect, it } from 'vitest';
import {
  decodeChunk,
  decodeResultMetadata,
  encodeChunk,
  encodeResultMetadata,
  VectorType,
} from '../../src/protocol/results.js';

const hex = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text.replace(/[^0-9a-f]/gi, ''), 'hex'));
const sixteen = (value: bigint): Uint8Array => hex(BigInt.asUintN(128, value).toString(16).padStart(32, '0'));

describe('golden vectors of docs/protocols/e6data.md §6', () => {
  it('decodes the worked metadata example', () => {
    const bytes = hex('0000000000000002 00000001 0002 6964 0004 4c4f4e47 0000 0000');
    expect(decodeResultMetadata(bytes)).toEqual({
      rowCount: 2n,
      columns: [{ name: 'id', type: 'LONG', zone: '', format: '' }],
    });
    expect(encodeResultMetadata(decodeResultMetadata(bytes))).toEqual(bytes);
  });

  it('decodes modified UTF-8 (C0 80 NUL, surrogate pairs) and encodes it like writeUTF', () => {
    const name = 'a\u0000😀é';
    const bytes = hex('0000000000000000 00000001 000b 61 c080 eda0bd edb880 c3a9 0000 0000 0000');
    expect(decodeResultMetadata(bytes).columns[0]?.name).toBe(name);
    expect(
      encodeResultMetadata({ rowCount: 0n, columns: [{ name, type: '', zone: '', format: '' }] }),
    ).toEqual(bytes);
  });

  it('decodes the worked Chunk example byte for byte', () => {
    const bytes = hex(`08 0001 00000002 0f 0002 0c 00000001
      08 0001 00000002 08 0002 00000006 0f 0003 02 00000002 00 01
      0c 0004 0c 0003 0f 0001 0a 00000002 0000000000000007 0000000000000000 00 00
      02 0005 00 00 00`);
    expect(decodeChunk(bytes)).toEqual({ rowCount: 2, columns: [[7, null]] });
    expect(
      encodeChunk(2, [
        { type: VectorType.LONG, nulls: [false, true], data: { kind: 'int64', values: [7n, 0n] } },
      ]),
    ).toEqual(bytes);
  });

  const one = (vector: Parameters<typeof encodeChunk>[1][number], rows: number): readonly unknown[] =>
    decodeChunk(encodeChunk(rows, [vector])).columns[0] ?? [];

  it('LONG beyond 2^53, INTEGER extremes', () => {
    expect(
      one(
        {
          type: VectorType.LONG,
          nulls: [false, true, false],
          data: { kind: 'int64', values: [9007199254740993n, 0n, -5n] },
        },
        3,
      ),
    ).toEqual([9007199254740993n, null, -5]);
    expect(
      one(
        {
          type: VectorType.INTEGER,
          nulls: [false, false, true],
          data: { kind: 'int32', values: [2147483647, -1, 0] },
        },
        3,
      ),
    ).toEqual([2147483647, -1, null]);
  });

  it('DATE, including before 1970 and after 9999', () => {
    const values = [1770854400000000n, -86400000000n, 308847859200000000n];
    expect(
      one({ type: VectorType.DATE, nulls: [false, false, false], data: { kind: 'date', values } }, 3),
    ).toEqual(['2026-02-12', '1969-12-31', '+11756-12-31']);
  });

  it('DATETIME and TIMESTAMP_TZ (fixed, Z, IANA)', () => {
    const micros = 1770854400123456n;
    expect(
      one(
        { type: VectorType.DATETIME, nulls: [false, false], data: { kind: 'time', values: [micros, 0n] } },
        2,
      ),
    ).toEqual(['2026-02-12T00:00:00.123+00:00', '1970-01-01T00:00:00.000+00:00']);
    const zones = ['+05:30', 'Z', 'America/New_York'];
    expect(
      one(
        {
          type: VectorType.TIMESTAMP_TZ,
          nulls: [false, false, false],
          data: { kind: 'time', values: [micros, micros, micros], zones },
        },
        3,
      ),
    ).toEqual([
      '2026-02-12T05:30:00.123+05:30',
      '2026-02-12T00:00:00.123+00:00',
      '2026-02-11T19:00:00.123-05:00',
    ]);
  });

  it('true floor for negative instants (the reference client is wrong here)', () => {
    expect(
      one(
        {
          type: VectorType.DATETIME,
          nulls: [false, false],
          data: { kind: 'time', values: [-1n, -43200000000n] },
        },
        2,
      ),
    ).toEqual(['1969-12-31T23:59:59.999+00:00', '1969-12-31T12:00:00.000+00:00']);
  });

  it('DECIMAL128 exact, including 38 digits, literals and short two’s complement', () => {
    const values = [
      sixteen(12345n),
      sixteen(-1n),
      sixteen(10n ** 38n - 1n),
      new TextEncoder().encode('123.450'),
      hex('ff85'),
      new Uint8Array(0),
    ];
    expect(
      one(
        {
          type: VectorType.DECIMAL128,
          nulls: values.map(() => false),
          data: { kind: 'decimal128', values, scale: 2 },
        },
        values.length,
      ),
    ).toEqual(['123.45', '-0.01', '999999999999999999999999999999999999.99', '123.450', '-1.23', null]);
  });

  it('constant vectors', () => {
    expect(
      one(
        {
          type: VectorType.LONG,
          nulls: [false],
          constant: true,
          data: { kind: 'numericConstant', value: 42n },
        },
        2,
      ),
    ).toEqual([42, 42]);
    expect(
      one(
        {
          type: VectorType.LONG,
          nulls: [true],
          constant: true,
          data: { kind: 'numericConstant', value: 42n },
        },
        2,
      ),
    ).toEqual([null, null]);
    // -250 × 10^-1: Python prints Decimal('-25'), equal to the exact -25.0 that JDBC's BigDecimal gives.
    expect(
      one(
        {
          type: VectorType.DECIMAL128,
          nulls: [false],
          constant: true,
          data: { kind: 'numericDecimal128Constant', value: sixteen(-250n), scale: 1 },
        },
        2,
      ),
    ).toEqual(['-25.0', '-25.0']);
    expect(
      one(
        {
          type: VectorType.DECIMAL128,
          nulls: [false],
          constant: true,
          data: { kind: 'numericDecimal128Constant', value: new Uint8Array(0), scale: 1 },
        },
        1,
      ),
    ).toEqual(['0']);
  });

  it('value options: bigint, number, decimal constructor, binary', () => {
    const chunk = encodeChunk(1, [
      { type: VectorType.LONG, nulls: [false], data: { kind: 'int64', values: [5n] } },
      {
        type: VectorType.DECIMAL128,
        nulls: [false],
        data: { kind: 'decimal128', values: [sixteen(5n)], scale: 1 },
      },
      { type: VectorType.BINARY, nulls: [false], data: { kind: 'varchar', values: [hex('ff00')] } },
    ]);
    expect(decodeChunk(chunk).columns).toEqual([[5], ['0.5'], [hex('ff00')]]);
    expect(
      decodeChunk(chunk, { int64: 'bigint', decimal: (text) => ({ text }), binary: 'string' }).columns,
    ).toEqual([[5n], [{ text: '0.5' }], ['\ufffd\u0000']]);
    expect(decodeChunk(new Uint8Array(0))).toEqual({ rowCount: 0, columns: [] });
  });
});
