import type { ThriftBinaryReader } from './thrift/binary-reader.js';
import { ThriftType } from './thrift/type-codes.js';

/** Field ids of the Thrift `Data` union (docs/protocols/e6data.md §6.2). */
export const DataKind = {
  bool: 1,
  int32: 2,
  int64: 3,
  date: 4,
  float32: 5,
  float64: 6,
  varchar: 7,
  boolConstant: 8,
  dateConstant: 9,
  nullConstant: 10,
  numericConstant: 11,
  numericDecimalConstant: 12,
  temporalIntervalConstant: 13,
  timeConstant: 14,
  varcharConstant: 15,
  time: 16,
  decimal128: 17,
  numericDecimal128Constant: 18,
} as const;

/**
 * One `Data` union as read in the first pass: lists are located (offset of the first element and
 * count) but not decoded, so values are only built once the vector type is known.
 */
export interface RawData {
  kind: number;
  /** Offset of the first element of the main list (field 1), -1 when absent. */
  listAt: number;
  listCount: number;
  /** TIMESTAMP_TZ zones of a `timeData` (field 2), -1 when absent. */
  zonesAt: number;
  zoneCount: number;
  scale: number;
  /** Field 1 of a constant struct. */
  value: bigint | number | boolean | Uint8Array | undefined;
  /** Field 2 of `timeConstantData`. */
  zone: string | undefined;
}

/** The wire type of field 1 of each union member (index = kind). */
const FIELD1_TYPE: readonly number[] = [
  -1,
  ThriftType.LIST,
  ThriftType.LIST,
  ThriftType.LIST,
  ThriftType.LIST,
  ThriftType.LIST,
  ThriftType.LIST,
  ThriftType.LIST,
  ThriftType.BOOL,
  ThriftType.I64,
  ThriftType.BYTE,
  ThriftType.I64,
  ThriftType.DOUBLE,
  ThriftType.BYTE,
  ThriftType.I64,
  ThriftType.STRING,
  ThriftType.LIST,
  ThriftType.LIST,
  ThriftType.STRING,
];

/** Element type of the list in field 1 of list members (index = kind). */
const LIST_ELEMENT: readonly number[] = [
  -1,
  ThriftType.BOOL,
  ThriftType.I32,
  ThriftType.I64,
  ThriftType.I64,
  ThriftType.DOUBLE,
  ThriftType.DOUBLE,
  ThriftType.STRING,
  -1,
  -1,
  -1,
  -1,
  -1,
  -1,
  -1,
  -1,
  ThriftType.I64,
  ThriftType.STRING,
];

/** Reads a `Data` union (its field header already read); unknown members are skipped. */
export function readData(reader: ThriftBinaryReader): RawData | undefined {
  let data: RawData | undefined;
  reader.enterStruct();
  for (let type = reader.readFieldType(); type !== ThriftType.STOP; type = reader.readFieldType()) {
    const kind = reader.fieldId;
    if (type !== ThriftType.STRUCT || kind < 1 || kind >= FIELD1_TYPE.length) {
      reader.skip(type);
      continue;
    }
    if (data !== undefined) throw reader.error('Data union with more than one member');
    data = readMember(reader, kind);
  }
  reader.leaveStruct();
  return data;
}

function readMember(reader: ThriftBinaryReader, kind: number): RawData {
  const data: RawData = {
    kind,
    listAt: -1,
    listCount: 0,
    zonesAt: -1,
    zoneCount: 0,
    scale: 0,
    value: undefined,
    zone: undefined,
  };
  reader.enterStruct();
  for (let type = reader.readFieldType(); type !== ThriftType.STOP; type = reader.readFieldType()) {
    const id = reader.fieldId;
    if (id === 1 && type === FIELD1_TYPE[kind]) readField1(reader, data, type);
    else if (id === 2 && kind === DataKind.time && type === ThriftType.LIST) {
      data.zoneCount = reader.readListOf(ThriftType.STRING, 'zoneData');
      data.zonesAt = reader.offset;
      skipElements(reader, ThriftType.STRING, data.zoneCount);
    } else if (id === 2 && kind === DataKind.timeConstant && type === ThriftType.STRING) {
      data.zone = reader.readString();
    } else if (id === 2 && type === ThriftType.I32 && (kind === 17 || kind === 18)) {
      data.scale = reader.readI32();
    } else reader.skip(type);
  }
  reader.leaveStruct();
  return data;
}

function readField1(reader: ThriftBinaryReader, data: RawData, type: number): void {
  switch (type) {
    case ThriftType.LIST: {
      const element = LIST_ELEMENT[data.kind] as number;
      data.listCount = reader.readListOf(element, 'Data list');
      data.listAt = reader.offset;
      skipElements(reader, element, data.listCount);
      return;
    }
    case ThriftType.BOOL:
      data.value = reader.readBool();
      return;
    case ThriftType.BYTE:
      data.value = reader.readI8();
      return;
    case ThriftType.I64:
      data.value = reader.readI64Auto();
      return;
    case ThriftType.DOUBLE:
      data.value = reader.readDouble();
      return;
    default:
      data.value = reader.readBinary();
  }
}

function skipElements(reader: ThriftBinaryReader, element: number, count: number): void {
  switch (element) {
    case ThriftType.BOOL:
      reader.advance(count, 'bool list');
      return;
    case ThriftType.I32:
      reader.advance(count * 4, 'i32 list');
      return;
    case ThriftType.I64:
    case ThriftType.DOUBLE:
      reader.advance(count * 8, 'list');
      return;
    default:
      for (let i = 0; i < count; i++) reader.advance(checkedLength(reader), 'string');
  }
}

function checkedLength(reader: ThriftBinaryReader): number {
  const length = reader.readI32();
  if (length < 0) throw reader.error(`negative string length ${length}`);
  return length;
}
