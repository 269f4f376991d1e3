import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { VectorType, type VectorTypeCode } from '../../protocol/vector-type.js';

/**
 * One cell as the real engine writes it on the wire (docs/protocols/e6data.md §6.2, §6.4): bigint
 * for LONG and epoch-microsecond temporals, number for INTEGER/DOUBLE/FLOAT, string for text and
 * pre-rendered complex types, raw bytes for BINARY and for the 16-byte unscaled DECIMAL128.
 */
export type WireValue = bigint | number | boolean | string | Uint8Array;

/** How one DuckDB result column becomes an e6data column. */
export interface ColumnCodec {
  /** The metadata type name (`LONG`, `DECIMAL128`, ...). */
  readonly metadataType: string;
  readonly vectorType: VectorTypeCode;
  /** DECIMAL128 scale (0 for other types). */
  readonly scale: number;
  /** Converts a non-null DuckDB value. */
  readonly toWire: (value: DuckDBValue) => WireValue;
}

/**
 * Numeric ids of DuckDB's `DuckDBTypeId` enum; the enum itself lives in the optional peer dependency,
 * which only `createDuckDBEngine` may load.
 */
export const DuckDBTypeIds = {
  BOOLEAN: 1,
  TINYINT: 2,
  SMALLINT: 3,
  INTEGER: 4,
  BIGINT: 5,
  UTINYINT: 6,
  USMALLINT: 7,
  UINTEGER: 8,
  UBIGINT: 9,
  FLOAT: 10,
  DOUBLE: 11,
  TIMESTAMP: 12,
  DATE: 13,
  HUGEINT: 16,
  VARCHAR: 17,
  BLOB: 18,
  DECIMAL: 19,
  TIMESTAMP_S: 20,
  TIMESTAMP_MS: 21,
  TIMESTAMP_NS: 22,
  LIST: 24,
  STRUCT: 25,
  MAP: 26,
  TIMESTAMP_TZ: 31,
  ARRAY: 33,
  SQLNULL: 36,
} as const;

const Id = DuckDBTypeIds;

const MICROS_PER_DAY = 86_400_000_000n;

/** The zone sent with every TIMESTAMP_TZ value: DuckDB keeps instants in UTC. */
export const TIMESTAMP_TZ_ZONE = 'Z';

function codec(
  metadataType: keyof typeof VectorType,
  toWire: (value: DuckDBValue) => WireValue,
  scale = 0,
): ColumnCodec {
  return { metadataType, vectorType: VectorType[metadataType], scale, toWire };
}

const asNumber = (value: DuckDBValue): WireValue => Number(value);
const asBigInt = (value: DuckDBValue): WireValue => BigInt(value as bigint | number);
const asText = (value: DuckDBValue): WireValue => String(value);
const field =
  <K extends string>(key: K) =>
  (value: DuckDBValue): unknown =>
    (value as unknown as Record<K, unknown>)[key];

/** The codec of a DuckDB column type (docs/protocols/e6data.md §6.4; unknown types become their text). */
export function codecFor(type: DuckDBType): ColumnCodec {
  switch (type.typeId as number) {
    case Id.BIGINT:
    case Id.UINTEGER:
      return codec('LONG', asBigInt);
    case Id.INTEGER:
    case Id.SMALLINT:
    case Id.TINYINT:
    case Id.USMALLINT:
    case Id.UTINYINT:
      return codec('INTEGER', asNumber);
    case Id.UBIGINT:
    case Id.HUGEINT:
      return codec('DECIMAL128', (value) => unscaledBytes(BigInt(value as bigint)));
    case Id.DECIMAL: {
      const scale = (type as unknown as { scale: number }).scale;
      return codec('DECIMAL128', (value) => unscaledBytes(field('value')(value) as bigint), scale);
    }
    case Id.DOUBLE:
      return codec('DOUBLE', asNumber);
    case Id.FLOAT:
      return codec('FLOAT', (value) => shortestFloat32(value as number));
    case Id.BOOLEAN:
      return codec('BOOLEAN', (value) => value === true);
    case Id.VARCHAR:
      return codec('STRING', asText);
    case Id.BLOB:
      return codec('BINARY', (value) => field('bytes')(value) as Uint8Array);
    case Id.DATE:
      return codec('DATE', (value) => BigInt(field('days')(value) as number) * MICROS_PER_DAY);
    case Id.TIMESTAMP:
      return codec('DATETIME', (value) => field('micros')(value) as bigint);
    case Id.TIMESTAMP_S:
      return codec('DATETIME', (value) => (field('seconds')(value) as bigint) * 1_000_000n);
    case Id.TIMESTAMP_MS:
      return codec('DATETIME', (value) => (field('millis')(value) as bigint) * 1000n);
    case Id.TIMESTAMP_NS:
      return codec('DATETIME', (value) => floorDiv(field('nanos')(value) as bigint, 1000n));
    case Id.TIMESTAMP_TZ:
      return codec('TIMESTAMP_TZ', (value) => field('micros')(value) as bigint);
    case Id.LIST:
    case Id.ARRAY:
      return codec('ARRAY', asText);
    case Id.STRUCT:
      return codec('STRUCT', asText);
    case Id.MAP:
      return codec('MAP', asText);
    case Id.SQLNULL:
      return codec('NULL', () => 0);
    default:
      return codec('STRING', asText);
  }
}

/** A 16-byte big-endian two's-complement unscaled integer (the canonical DECIMAL128 cell). */
export function unscaledBytes(unscaled: bigint): Uint8Array {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  const wrapped = BigInt.asUintN(128, unscaled);
  view.setBigUint64(0, wrapped >> 64n);
  view.setBigUint64(8, BigInt.asUintN(64, wrapped));
  return bytes;
}

/**
 * The shortest decimal double that rounds to the same float32: a Java engine widens a float through
 * its decimal text, so FLOAT 0.1 arrives as the double 0.1, not 0.10000000149011612.
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return Number(value.toPrecision(9));
}

function floorDiv(value: bigint, divisor: bigint): bigint {
  const quotient = value / divisor;
  return value % divisor < 0n ? quotient - 1n : quotient;
}
