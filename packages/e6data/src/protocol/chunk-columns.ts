import { DataKind, type RawData } from './chunk-data.js';
import type { RawVector } from './chunk-vector.js';
import { malformedChunk, unsupportedType } from './protocol-errors.js';
import type { ThriftBinaryReader } from './thrift/binary-reader.js';
import type { ValueOptions } from './value-options.js';
import { formatDate, formatDateTime } from './values/date-time.js';
import { decimalFromBytes } from './values/decimal.js';
import { formatTimestampTz } from './values/timestamp-tz.js';
import { VectorType, vectorTypeName } from './vector-type.js';

const UTF8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Reads one list element at the reader's offset, converted to its JS value; a null row's element is
 * only stepped over (the reference client never looks at it, so it need not be valid).
 */
type ReadValue = (reader: ThriftBinaryReader, row: number, isNull: boolean) => unknown;
/** Converts the value of a constant struct. */
type ConvertConstant = (data: RawData, vector: RawVector) => unknown;

/** How each vector type's values are found and converted (docs/protocols/e6data.md §6.4). */
interface TypeRule {
  readonly listKind: number;
  readonly constantKind: number;
  readonly read: ReadValue;
  readonly constant: ConvertConstant;
}

/** Builds column `column` (rowCount values) of the vector, per the type rules and options. */
export function decodeColumn(
  reader: ThriftBinaryReader,
  vector: RawVector,
  rowCount: number,
  column: number,
  options: ValueOptions,
): unknown[] {
  if (vector.vectorType === VectorType.NULL) return new Array<unknown>(rowCount).fill(null);
  const rule = ruleFor(reader, vector, rowCount, column, options);
  if (vector.nullsAt < 0) throw malformedChunk(`column ${column} has no nullSet`, vector.at);
  return vector.constant
    ? constantColumn(reader, vector, rowCount, column, rule)
    : listColumn(reader, vector, rowCount, column, rule);
}

function constantColumn(
  reader: ThriftBinaryReader,
  vector: RawVector,
  rowCount: number,
  column: number,
  rule: TypeRule,
): unknown[] {
  if (vector.nullCount < 1) throw malformedChunk(`constant column ${column} has an empty nullSet`, vector.at);
  if (reader.bytes[vector.nullsAt] !== 0) return new Array<unknown>(rowCount).fill(null);
  const data = vector.data;
  if (data?.kind !== rule.constantKind) throw wrongKind(vector, column, data);
  if (data.value === undefined) throw malformedChunk(`constant column ${column} has no value`, vector.at);
  return new Array<unknown>(rowCount).fill(rule.constant(data, vector));
}

function listColumn(
  reader: ThriftBinaryReader,
  vector: RawVector,
  rowCount: number,
  column: number,
  rule: TypeRule,
): unknown[] {
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
    return new Array<unknown>(rowCount).fill(null);
  }
  if (data.listCount < rowCount) {
    throw malformedChunk(`column ${column} has ${data.listCount} values for ${rowCount} rows`, vector.at);
  }
  const values: unknown[] = [];
  const read = rule.read;
  reader.offset = data.listAt;
  for (let row = 0; row < rowCount; row++) {
    const isNull = nulls[nullsAt + row] !== 0;
    const value = read(reader, row, isNull);
    values.push(isNull ? null : value);
  }
  return values;
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
      return DATE;
    case VectorType.DATETIME:
      return DATETIME;
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
      return decimalRule(vector, options.decimal ?? 'string');
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
    read: mode === 'auto' ? (reader) => reader.readI64Auto() : (reader) => convert(reader.readI64Auto()),
    constant: (data) => convert(data.value as number | bigint),
  };
}

const INTEGER: TypeRule = {
  listKind: DataKind.int32,
  constantKind: DataKind.numericConstant,
  read: (reader) => reader.readI32(),
  constant: (data) => Number(data.value),
};

function floatRule(listKind: number): TypeRule {
  return {
    listKind,
    constantKind: DataKind.numericDecimalConstant,
    read: (reader) => reader.readDouble(),
    constant: (data) => data.value,
  };
}

const BOOLEAN: TypeRule = {
  listKind: DataKind.bool,
  constantKind: DataKind.boolConstant,
  read: (reader) => reader.readBool(),
  constant: (data) => data.value,
};

const TEXT: TypeRule = {
  listKind: DataKind.varchar,
  constantKind: DataKind.varcharConstant,
  read: (reader, _row, isNull) => (isNull ? reader.skipString() : reader.readString()),
  constant: (data) => UTF8.decode(data.value as Uint8Array),
};

const BINARY: TypeRule = {
  listKind: DataKind.varchar,
  constantKind: DataKind.varcharConstant,
  // A copy: the input buffer belongs to the transport and may be reused.
  read: (reader, _row, isNull) => (isNull ? reader.skipString() : reader.readBinary().slice()),
  constant: (data) => (data.value as Uint8Array).slice(),
};

const DATE: TypeRule = {
  listKind: DataKind.date,
  constantKind: DataKind.dateConstant,
  read: (reader, _row, isNull) => (isNull ? reader.skipI64() : formatDate(reader.readI64Auto())),
  constant: (data) => formatDate(data.value as number | bigint),
};

const DATETIME: TypeRule = {
  listKind: DataKind.time,
  constantKind: DataKind.timeConstant,
  read: (reader, _row, isNull) => (isNull ? reader.skipI64() : formatDateTime(reader.readI64Auto())),
  constant: (data) => formatDateTime(data.value as number | bigint),
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
    read: (reader, row, isNull) => {
      const at = reader.offset;
      const micros = reader.readI64Auto();
      return isNull ? null : formatTimestampTz(micros, zones[row], at);
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
  const convert = mode === 'string' ? (text: string) => text : mode;
  return {
    listKind: DataKind.decimal128,
    constantKind: DataKind.numericDecimal128Constant,
    read: (reader, _row, isNull) => {
      const at = reader.offset;
      const bytes = reader.readBinary();
      if (isNull) return null;
      const text = decimalFromBytes(bytes, vector.data?.scale ?? 0, at);
      return text === null ? null : convert(text);
    },
    constant: (data) => convert(decimalFromBytes(data.value as Uint8Array, data.scale, vector.at) ?? '0'),
  };
}
