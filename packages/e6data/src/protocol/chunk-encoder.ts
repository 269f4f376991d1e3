import { DataKind } from './chunk-data.js';
import { ThriftBinaryWriter } from './thrift/binary-writer.js';
import { ThriftType } from './thrift/type-codes.js';
import type { VectorTypeCode } from './vector-type.js';

type Text = string | Uint8Array;

/** The Thrift `Data` union member of a vector, with raw wire values (docs/protocols/e6data.md §6.2). */
export type VectorData =
  | { readonly kind: 'bool'; readonly values: readonly boolean[] }
  | { readonly kind: 'int32'; readonly values: readonly number[] }
  | { readonly kind: 'int64' | 'date'; readonly values: readonly bigint[] }
  | { readonly kind: 'float32' | 'float64'; readonly values: readonly number[] }
  | { readonly kind: 'varchar'; readonly values: readonly Text[] }
  | { readonly kind: 'boolConstant'; readonly value: boolean }
  | { readonly kind: 'dateConstant' | 'numericConstant'; readonly value: bigint }
  | { readonly kind: 'nullConstant'; readonly value: number }
  | { readonly kind: 'numericDecimalConstant'; readonly value: number }
  | { readonly kind: 'timeConstant'; readonly value: bigint; readonly zone?: string }
  | { readonly kind: 'varcharConstant'; readonly value: Text }
  | { readonly kind: 'time'; readonly values: readonly bigint[]; readonly zones?: readonly string[] }
  | { readonly kind: 'decimal128'; readonly values: readonly Uint8Array[]; readonly scale: number }
  | { readonly kind: 'numericDecimal128Constant'; readonly value: Uint8Array; readonly scale: number };

/** One column to encode: its vector type, null flags (one for a constant vector) and data. */
export interface EncodableVector {
  readonly type: VectorTypeCode;
  readonly nulls: readonly boolean[];
  readonly constant?: boolean;
  /** Left out for NULL vectors or when every row is null. */
  readonly data?: VectorData;
}

/**
 * Encodes a `Chunk` of `rowCount` rows as TBinaryProtocol bytes, as an e6data engine sends it in
 * `resultBatch` (docs/protocols/e6data.md §6.2). For the test server and tests; it does not check
 * that the data fits the vector type.
 */
export function encodeChunk(rowCount: number, vectors: readonly EncodableVector[]): Uint8Array {
  const writer = new ThriftBinaryWriter(256 + rowCount * vectors.length * 9);
  writer.writeFieldHeader(ThriftType.I32, 1).writeI32(rowCount);
  writer.writeFieldHeader(ThriftType.LIST, 2).writeListHeader(ThriftType.STRUCT, vectors.length);
  for (const vector of vectors) writeVector(writer, rowCount, vector);
  return writer.writeStop().finish();
}

function writeVector(writer: ThriftBinaryWriter, rowCount: number, vector: EncodableVector): void {
  writer.writeFieldHeader(ThriftType.I32, 1).writeI32(rowCount);
  writer.writeFieldHeader(ThriftType.I32, 2).writeI32(vector.type);
  writer.writeFieldHeader(ThriftType.LIST, 3).writeListHeader(ThriftType.BOOL, vector.nulls.length);
  for (const isNull of vector.nulls) writer.writeBool(isNull);
  if (vector.data !== undefined) {
    writer.writeFieldHeader(ThriftType.STRUCT, 4);
    writeData(writer, vector.data);
    writer.writeStop();
  }
  writer.writeFieldHeader(ThriftType.BOOL, 5).writeBool(vector.constant === true);
  writer.writeStop();
}

/** Writes the union member (field header, struct, STOP); the caller writes the union's STOP. */
function writeData(writer: ThriftBinaryWriter, data: VectorData): void {
  writer.writeFieldHeader(ThriftType.STRUCT, DataKind[data.kind]);
  switch (data.kind) {
    case 'bool':
      writer.writeFieldHeader(ThriftType.LIST, 1).writeListHeader(ThriftType.BOOL, data.values.length);
      for (const value of data.values) writer.writeBool(value);
      break;
    case 'int32':
      writer.writeFieldHeader(ThriftType.LIST, 1).writeListHeader(ThriftType.I32, data.values.length);
      for (const value of data.values) writer.writeI32(value);
      break;
    case 'int64':
    case 'date':
      writeI64List(writer, 1, data.values);
      break;
    case 'float32':
    case 'float64':
      writer.writeFieldHeader(ThriftType.LIST, 1).writeListHeader(ThriftType.DOUBLE, data.values.length);
      for (const value of data.values) writer.writeDouble(value);
      break;
    case 'varchar':
      writeStringList(writer, 1, data.values);
      break;
    case 'boolConstant':
      writer.writeFieldHeader(ThriftType.BOOL, 1).writeBool(data.value);
      break;
    case 'dateConstant':
    case 'numericConstant':
      writer.writeFieldHeader(ThriftType.I64, 1).writeI64(data.value);
      break;
    case 'nullConstant':
      writer.writeFieldHeader(ThriftType.BYTE, 1).writeI8(data.value);
      break;
    case 'numericDecimalConstant':
      writer.writeFieldHeader(ThriftType.DOUBLE, 1).writeDouble(data.value);
      break;
    case 'timeConstant':
      writer.writeFieldHeader(ThriftType.I64, 1).writeI64(data.value);
      if (data.zone !== undefined) writer.writeFieldHeader(ThriftType.STRING, 2).writeString(data.zone);
      break;
    case 'varcharConstant':
      writer.writeFieldHeader(ThriftType.STRING, 1).writeString(data.value);
      break;
    case 'time':
      writeI64List(writer, 1, data.values);
      if (data.zones !== undefined) writeStringList(writer, 2, data.zones);
      break;
    case 'decimal128':
      writeStringList(writer, 1, data.values);
      writer.writeFieldHeader(ThriftType.I32, 2).writeI32(data.scale);
      break;
    case 'numericDecimal128Constant':
      writer.writeFieldHeader(ThriftType.STRING, 1).writeBinary(data.value);
      writer.writeFieldHeader(ThriftType.I32, 2).writeI32(data.scale);
      break;
  }
  writer.writeStop();
}

function writeI64List(writer: ThriftBinaryWriter, id: number, values: readonly bigint[]): void {
  writer.writeFieldHeader(ThriftType.LIST, id).writeListHeader(ThriftType.I64, values.length);
  for (const value of values) writer.writeI64(value);
}

function writeStringList(writer: ThriftBinaryWriter, id: number, values: readonly Text[]): void {
  writer.writeFieldHeader(ThriftType.LIST, id).writeListHeader(ThriftType.STRING, values.length);
  for (const value of values) writer.writeString(value);
}
