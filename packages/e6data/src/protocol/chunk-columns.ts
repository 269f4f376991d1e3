import { DataKind, type RawData } from './chunk-data.js';
import {
  type ListCursor,
  readDateList,
  readDateTimeList,
  readDecimalList,
  readI64List,
} from './chunk-lists.js';
import {
  readBinaryList,
  readBoolList,
  readDoubleList,
  readI32List,
  readTextList,
} from './chunk-lists-basic.js';
import type { RawVector } from './chunk-vector.js';
import { malformedChunk, unsupportedType } from './protocol-errors.js';
import type { ThriftBinaryReader } from './thrift/binary-reader.js';
import type { ValueOptions } from './value-options.js';
import { formatDate, formatDateTime } from './values/date-time.js';
import { decimalFromBytes } from './values/decimal.js';
import { formatTimestampTz } from './values/timestamp-tz.js';
import { VectorType, vectorTypeName } from './vector-type.js';

const UTF8 = new TextDecoder('utf-8', { fatal: false });

/** Writes the next `count` rows of a located list to `out` (one tight loop per type). */
type ReadList = (cursor: ListCursor, count: number, out: unknown[]) => void;
/** Converts the value of a constant struct. */
type ConvertConstant = (data: RawData, vector: RawVector) => unknown;

/** How each vector type's values are found and converted (docs/protocols/e6data.md §6.4). */
interface TypeRule {
  readonly listKind: number;
  readonly constantKind: number;
  readonly list: ReadList;
  readonly constant: ConvertConstant;
}

/**
 * Writes the values of the next `count` rows of one column to `out[0 … count - 1]`; each call goes
 * on where the last stopped.
 */
export type ColumnSlicer = (count: number, out: unknown[]) => void;

/**
 * Checks column `column` of the vector (rowCount rows) against the type rules and options, and
 * returns its reader. Structural faults throw here, before any row is read; a malformed value
 * (a decimal of 17 bytes, an unknown zone) throws when its slice is read. `raw` (benchmarks only)
 * leaves DATE/DATETIME as epoch microseconds and DECIMAL128 as bytes.
 */
export function openColumn(
  reader: ThriftBinaryReader,
  vector: RawVector,
  rowCount: number,
  column: number,
  options: ValueOptions,
  raw = false,
): ColumnSlicer {
  if (vector.vectorType === VectorType.NULL) return filled(null);
  const rule = ruleFor(reader, vector, rowCount, column, options, raw);
  if (vector.nullsAt < 0) throw malformedChunk(`column ${column} has no nullSet`, vector.at);
  return vector.constant
    ? constantColumn(reader, vector, column, rule)
    : listColumn(reader, vector, rowCount, column, rule);
}

function filled(value: unknown): ColumnSlicer {
  // A loop, not fill(): fill() never grows `out` past its length.
  return (count, out) => {
    for (let r = 0; r < count; r++) out[r] = value;
  };
}

function constantColumn(
  reader: ThriftBinaryReader,
  vector: RawVector,
  column: number,
  rule: TypeRule,
): ColumnSlicer {
  if (vector.nullCount < 1) throw malformedChunk(`constant column ${column} has an empty nullSet`, vector.at);
  if (reader.bytes[vector.nullsAt] !== 0) return filled(null);
  const data = vector.data;
  if (data?.kind !== rule.constantKind) throw wrongKind(vector, column, data);
  if (data.value === undefined) throw malformedChunk(`constant column ${column} has no value`, vector.at);
  return filled(rule.constant(data, vector));
}

function listColumn(
  reader: ThriftBinaryReader,
  vector: RawVector,
  rowCount: number,
  column: number,
  rule: TypeRule,
): ColumnSlicer {
  if (vector.nullCount < rowCount) {
    throw malformedChunk(`column ${column} nullSet has ${vector.nullCount} of ${rowCount} rows`, vector.at);
  }
  const nulls = reader.bytes;
  const nullsAt = vector.nullsAt;
  const data = vector.data;
  if (data?.kind !== rule.listKind || data.listAt < 0) {
    // Data may be left out when every row is null; otherwise it must be the type's list.
    for (let row = 0; row < rowCount; row++)
      if (nulls[nullsAt + row] === 0) throw wrongKind(vector, column, data);
    return filled(null);
  }
  if (data.listCount < rowCount) {
    throw malformedChunk(`column ${column} has ${data.listCount} values for ${rowCount} rows`, vector.at);
  }
  // The first pass (chunk-data.ts) already walked this list within the input, so the loops read
  // without bounds checks.
  const cursor: ListCursor = {
    bytes: reader.bytes,
    view: reader.view,
    at: data.listAt,
    row: 0,
    nullsAt,
    scale: data.scale,
  };
  const read = rule.list;
  return (count, out) => read(cursor, count, out);
}

function wrongKind(vector: RawVector, column: number, data: RawData | undefined): Error {
  const kind = data === undefined ? 'no data' : `data member ${data.kind}`;
  const shape = vector.constant ? 'constant ' : '';
  return malformedChunk(
    `${shape}${vectorTypeName(vector.vectorType)} column ${column} has ${kind}`,
    vector.at,
  );
}

function ruleFor(
  reader: ThriftBinaryReader,
  vector: RawVector,
  rowCount: number,
  column: number,
  options: ValueOptions,
  raw: boolean,
): TypeRule {
  switch (vector.vectorType) {
    case VectorType.LONG:
      return int64Rule(options.int64 ?? 'auto');
    case VectorType.INTEGER:
      return INTEGER;
    case VectorType.DOUBLE:
      return floatRule(DataKind.float64);
    case VectorType.FLOAT:
      return floatRule(DataKind.float32);
    case VectorType.BOOLEAN:
      return BOOLEAN;
    case VectorType.STRING:
    case VectorType.ARRAY:
    case VectorType.MAP:
    case VectorType.STRUCT:
      return TEXT;
    case VectorType.BINARY:
      return options.binary === 'string' ? TEXT : BINARY;
    case VectorType.DATE:
      return raw ? RAW_DATE : DATE;
    case VectorType.DATETIME:
      return raw ? RAW_DATETIME : DATETIME;
    case VectorType.TIMESTAMP:
    case VectorType.INT96: {
      // Only decodable when the server sent time data (then DATETIME rules apply).
      const kind = vector.data?.kind;
      if (kind !== DataKind.time && kind !== DataKind.timeConstant) {
        throw unsupportedType(vectorTypeName(vector.vectorType), column);
      }
      return DATETIME;
    }
    case VectorType.TIMESTAMP_TZ:
      return timestampTzRule(reader, vector, rowCount, column);
    case VectorType.DECIMAL128:
      return raw ? RAW_DECIMAL : decimalRule(vector, options.decimal ?? 'string');
    default:
      throw unsupportedType(vectorTypeName(vector.vectorType), column);
  }
}

function int64Rule(mode: 'auto' | 'bigint' | 'number'): TypeRule {
  const convert =
    mode === 'auto'
      ? (value: number | bigint) => value
      : mode === 'bigint'
        ? (value: number | bigint) => BigInt(value)
        : (value: number | bigint) => Number(value);
  return {
    listKind: DataKind.int64,
    constantKind: DataKind.numericConstant,
    list: (cursor, count, out) => readI64List(cursor, count, out, mode),
    constant: (data) => convert(data.value as number | bigint),
  };
}

const INTEGER: TypeRule = {
  listKind: DataKind.int32,
  constantKind: DataKind.numericConstant,
  list: readI32List,
  constant: (data) => Number(data.value),
};

function floatRule(listKind: number): TypeRule {
  return {
    listKind,
    constantKind: DataKind.numericDecimalConstant,
    list: readDoubleList,
    constant: (data) => data.value,
  };
}

const BOOLEAN: TypeRule = {
  listKind: DataKind.bool,
  constantKind: DataKind.boolConstant,
  list: readBoolList,
  constant: (data) => data.value,
};

const TEXT: TypeRule = {
  listKind: DataKind.varchar,
  constantKind: DataKind.varcharConstant,
  list: readTextList,
  constant: (data) => UTF8.decode(data.value as Uint8Array),
};

const BINARY: TypeRule = {
  listKind: DataKind.varchar,
  constantKind: DataKind.varcharConstant,
  list: readBinaryList,
  // A copy: the input buffer belongs to the transport and may be reused.
  constant: (data) => (data.value as Uint8Array).slice(),
};

const DATE: TypeRule = {
  listKind: DataKind.date,
  constantKind: DataKind.dateConstant,
  list: readDateList,
  constant: (data) => formatDate(data.value as number | bigint),
};

const DATETIME: TypeRule = {
  listKind: DataKind.time,
  constantKind: DataKind.timeConstant,
  list: readDateTimeList,
  constant: (data) => formatDateTime(data.value as number | bigint),
};

const RAW_DATE: TypeRule = {
  ...DATE,
  list: (cursor, count, out) => readI64List(cursor, count, out, 'auto'),
};
const RAW_DATETIME: TypeRule = {
  ...DATETIME,
  list: (cursor, count, out) => readI64List(cursor, count, out, 'auto'),
};

function timestampTzRule(
  reader: ThriftBinaryReader,
  vector: RawVector,
  rowCount: number,
  column: number,
): TypeRule {
  const zones = readZones(reader, vector, rowCount, column);
  return {
    listKind: DataKind.time,
    constantKind: DataKind.timeConstant,
    list: (cursor, count, out) => {
      const first = cursor.row;
      const at = cursor.at;
      readI64List(cursor, count, out, 'auto');
      for (let r = 0; r < count; r++) {
        const value = out[r] as number | bigint | null;
        if (value !== null) out[r] = formatTimestampTz(value, zones[first + r], at + r * 8);
      }
    },
    constant: (constant) => formatTimestampTz(constant.value as number | bigint, constant.zone, vector.at),
  };
}

/** The per-row zones of a `timeData` (none: every row is UTC). */
function readZones(
  reader: ThriftBinaryReader,
  vector: RawVector,
  rowCount: number,
  column: number,
): readonly string[] {
  const data = vector.data;
  if (data === undefined || data.kind !== DataKind.time || data.zonesAt < 0 || vector.constant) return [];
  if (data.zoneCount < rowCount) {
    throw malformedChunk(`column ${column} has ${data.zoneCount} zones for ${rowCount} rows`, vector.at);
  }
  const saved = reader.offset;
  reader.offset = data.zonesAt;
  const zones: string[] = [];
  for (let row = 0; row < rowCount; row++) zones.push(reader.readString());
  reader.offset = saved;
  return zones;
}

function decimalRule(vector: RawVector, mode: 'string' | ((text: string) => unknown)): TypeRule {
  return {
    listKind: DataKind.decimal128,
    constantKind: DataKind.numericDecimal128Constant,
    list: (cursor, count, out) => readDecimalList(cursor, count, out, mode === 'string' ? undefined : mode),
    constant: (data) => {
      const text = decimalFromBytes(data.value as Uint8Array, data.scale, vector.at) ?? '0';
      return mode === 'string' ? text : mode(text);
    },
  };
}

const RAW_DECIMAL: TypeRule = {
  listKind: DataKind.decimal128,
  constantKind: DataKind.numericDecimal128Constant,
  list: readBinaryList,
  constant: (data) => data.value,
};
