import { type RawData, readData } from './chunk-data.js';
import type { ThriftBinaryReader } from './thrift/binary-reader.js';
import { ThriftType } from './thrift/type-codes.js';

/** A Thrift `Vector` after the first pass: its null set located, its data located (chunk-data.ts). */
export interface RawVector {
  /** Where the vector starts, for error messages. */
  readonly at: number;
  vectorType: number;
  /** Offset of the first `nullSet` element, -1 when the field is absent. */
  nullsAt: number;
  nullCount: number;
  constant: boolean;
  data: RawData | undefined;
}

/** Reads one `Vector` struct (docs/protocols/e6data.md §6.2); fields 1, 6, 7 and unknown ones are skipped. */
export function readVector(reader: ThriftBinaryReader): RawVector {
  const vector: RawVector = {
    at: reader.offset,
    vectorType: -1,
    nullsAt: -1,
    nullCount: 0,
    constant: false,
    data: undefined,
  };
  reader.enterStruct();
  for (let type = reader.readFieldType(); type !== ThriftType.STOP; type = reader.readFieldType()) {
    const id = reader.fieldId;
    if (id === 2 && type === ThriftType.I32) vector.vectorType = reader.readI32();
    else if (id === 3 && type === ThriftType.LIST) {
      vector.nullCount = reader.readListOf(ThriftType.BOOL, 'nullSet');
      vector.nullsAt = reader.offset;
      reader.advance(vector.nullCount, 'nullSet');
    } else if (id === 4 && type === ThriftType.STRUCT) vector.data = readData(reader);
    else if (id === 5 && type === ThriftType.BOOL) vector.constant = reader.readBool();
    else reader.skip(type);
  }
  reader.leaveStruct();
  if (vector.vectorType === -1) throw reader.error('Vector without vectorType');
  return vector;
}
