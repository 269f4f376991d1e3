import { ProtocolError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import {
  decodeChunk,
  type EncodableVector,
  encodeChunk,
  ThriftBinaryWriter,
  ThriftType,
  VectorType,
  type VectorTypeCode,
} from '../../src/protocol/results.js';

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return (error as ProtocolError).code;
  }
  throw new Error('expected a ProtocolError');
}

const decode = (rows: number, vector: EncodableVector): string =>
  codeOf(() => decodeChunk(encodeChunk(rows, [vector])));

describe('malformed result batches are typed errors', () => {
  it('a data kind that does not match the vector type', () => {
    expect(decode(1, { type: VectorType.LONG, nulls: [false], data: { kind: 'int32', values: [1] } })).toBe(
      'CONN_E6DATA_MALFORMED_CHUNK',
    );
  });
  it('a list shorter than size, a short nullSet', () => {
    expect(
      decode(2, { type: VectorType.LONG, nulls: [false, false], data: { kind: 'int64', values: [1n] } }),
    ).toBe('CONN_E6DATA_MALFORMED_CHUNK');
    expect(
      decode(2, { type: VectorType.LONG, nulls: [false], data: { kind: 'int64', values: [1n, 2n] } }),
    ).toBe('CONN_E6DATA_MALFORMED_CHUNK');
  });
  it('a decimal longer than 16 bytes', () => {
    expect(
      decode(1, {
        type: VectorType.DECIMAL128,
        nulls: [false],
        data: { kind: 'decimal128', values: [new Uint8Array(17).fill(1)], scale: 0 },
      }),
    ).toBe('CONN_E6DATA_MALFORMED_CHUNK');
  });
  it('an unknown zone', () => {
    expect(
      decode(1, {
        type: VectorType.TIMESTAMP_TZ,
        nulls: [false],
        data: { kind: 'time', values: [0n], zones: ['Not/AZone'] },
      }),
    ).toBe('CONN_E6DATA_MALFORMED_CHUNK');
  });
  it('TIMESTAMP without time data, unknown vector types', () => {
    expect(
      decode(1, { type: VectorType.TIMESTAMP, nulls: [false], data: { kind: 'int64', values: [0n] } }),
    ).toBe('CONN_E6DATA_UNSUPPORTED_TYPE');
    expect(
      decode(1, {
        type: 17 as VectorTypeCode,
        nulls: [false],
        data: { kind: 'int64', values: [0n] },
      } as EncodableVector),
    ).toBe('CONN_E6DATA_UNSUPPORTED_TYPE');
  });
  it('TIMESTAMP with time data follows DATETIME rules', () => {
    expect(
      decodeChunk(
        encodeChunk(1, [
          { type: VectorType.TIMESTAMP, nulls: [false], data: { kind: 'time', values: [0n] } },
        ]),
      ).columns,
    ).toEqual([['1970-01-01T00:00:00.000+00:00']]);
  });
  it('a missing nullSet', () => {
    const writer = new ThriftBinaryWriter();
    writer.writeFieldHeader(ThriftType.I32, 1).writeI32(1);
    writer.writeFieldHeader(ThriftType.LIST, 2).writeListHeader(ThriftType.STRUCT, 1);
    writer.writeFieldHeader(ThriftType.I32, 2).writeI32(VectorType.LONG).writeStop().writeStop();
    expect(codeOf(() => decodeChunk(writer.finish()))).toBe('CONN_E6DATA_MALFORMED_CHUNK');
  });
  it('a huge list count is refused before allocating', () => {
    const writer = new ThriftBinaryWriter();
    writer.writeFieldHeader(ThriftType.I32, 1).writeI32(1);
    writer.writeFieldHeader(ThriftType.LIST, 2).writeListHeader(ThriftType.STRUCT, 0x7fffffff);
    expect(codeOf(() => decodeChunk(writer.finish()))).toBe('CONN_E6DATA_MALFORMED_CHUNK');
  });
  it('unknown fields of every wire type are skipped', () => {
    const writer = new ThriftBinaryWriter();
    writer
      .writeFieldHeader(ThriftType.MAP, 9)
      .writeI8(ThriftType.STRING)
      .writeI8(ThriftType.LIST)
      .writeI32(1);
    writer.writeString('k').writeListHeader(ThriftType.I16, 2).writeI16(1).writeI16(2);
    writer
      .writeFieldHeader(ThriftType.STRUCT, 10)
      .writeFieldHeader(ThriftType.DOUBLE, 1)
      .writeDouble(1)
      .writeFieldHeader(ThriftType.SET, 2)
      .writeListHeader(ThriftType.BYTE, 1)
      .writeI8(3)
      .writeStop();
    writer.writeFieldHeader(ThriftType.BOOL, 11).writeBool(true);
    writer.writeFieldHeader(ThriftType.I64, 12).writeI64(1n);
    const body = encodeChunk(1, [
      { type: VectorType.INTEGER, nulls: [false], data: { kind: 'int32', values: [3] } },
    ]);
    writer.writeRaw(body);
    expect(decodeChunk(writer.finish()).columns).toEqual([[3]]);
  });
});
