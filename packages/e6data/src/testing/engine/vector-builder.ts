import type { EncodableVector, VectorData } from '../../protocol/chunk-encoder.js';
import { VectorType } from '../../protocol/vector-type.js';
import { type ColumnCodec, TIMESTAMP_TZ_ZONE, type WireValue } from './column-codecs.js';

const ZERO_DECIMAL = new Uint8Array(16);

/**
 * Builds one vector of a batch. A column whose cells are all equal (all null included) becomes a
 * CONSTANT vector with a one-element null set, the way the real engine sends literals
 * (docs/protocols/e6data.md §6.3); other columns carry one list entry per row, nulls as zero values.
 */
export function buildVector(codec: ColumnCodec, cells: readonly (WireValue | null)[]): EncodableVector {
  const type = codec.vectorType;
  if (type === VectorType.NULL)
    return { type, nulls: [true], constant: true, data: { kind: 'nullConstant', value: 0 } };
  const first = cells[0] ?? null;
  if (cells.every((cell) => sameCell(cell, first))) {
    return { type, nulls: [first === null], constant: true, data: constantData(codec, first) };
  }
  const nulls = cells.map((cell) => cell === null);
  return { type, nulls, data: listData(codec, cells) };
}

function sameCell(a: WireValue | null, b: WireValue | null): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((byte, i) => byte === b[i]);
  }
  return Object.is(a, b); // keeps -0 apart from 0 and NaN equal to NaN
}

function constantData(codec: ColumnCodec, cell: WireValue | null): VectorData {
  switch (codec.vectorType) {
    case VectorType.LONG:
    case VectorType.INTEGER:
      return { kind: 'numericConstant', value: BigInt((cell as bigint | number | null) ?? 0) };
    case VectorType.DOUBLE:
    case VectorType.FLOAT:
      return { kind: 'numericDecimalConstant', value: (cell as number | null) ?? 0 };
    case VectorType.BOOLEAN:
      return { kind: 'boolConstant', value: cell === true };
    case VectorType.DATE:
      return { kind: 'dateConstant', value: (cell as bigint | null) ?? 0n };
    case VectorType.DATETIME:
      return { kind: 'timeConstant', value: (cell as bigint | null) ?? 0n };
    case VectorType.TIMESTAMP_TZ:
      return { kind: 'timeConstant', value: (cell as bigint | null) ?? 0n, zone: TIMESTAMP_TZ_ZONE };
    case VectorType.DECIMAL128:
      return {
        kind: 'numericDecimal128Constant',
        value: (cell as Uint8Array | null) ?? ZERO_DECIMAL,
        scale: codec.scale,
      };
    default:
      return { kind: 'varcharConstant', value: (cell as string | Uint8Array | null) ?? '' };
  }
}

function listData(codec: ColumnCodec, cells: readonly (WireValue | null)[]): VectorData {
  switch (codec.vectorType) {
    case VectorType.LONG:
      return { kind: 'int64', values: cells.map((cell) => (cell as bigint | null) ?? 0n) };
    case VectorType.INTEGER:
      return { kind: 'int32', values: cells.map((cell) => (cell as number | null) ?? 0) };
    case VectorType.DOUBLE:
      return { kind: 'float64', values: cells.map((cell) => (cell as number | null) ?? 0) };
    case VectorType.FLOAT:
      return { kind: 'float32', values: cells.map((cell) => (cell as number | null) ?? 0) };
    case VectorType.BOOLEAN:
      return { kind: 'bool', values: cells.map((cell) => cell === true) };
    case VectorType.DATE:
      return { kind: 'date', values: cells.map((cell) => (cell as bigint | null) ?? 0n) };
    case VectorType.DATETIME:
      return { kind: 'time', values: cells.map((cell) => (cell as bigint | null) ?? 0n) };
    case VectorType.TIMESTAMP_TZ:
      return {
        kind: 'time',
        values: cells.map((cell) => (cell as bigint | null) ?? 0n),
        zones: cells.map(() => TIMESTAMP_TZ_ZONE),
      };
    case VectorType.DECIMAL128:
      return {
        kind: 'decimal128',
        values: cells.map((cell) => (cell as Uint8Array | null) ?? ZERO_DECIMAL),
        scale: codec.scale,
      };
    default:
      return { kind: 'varchar', values: cells.map((cell) => (cell as string | Uint8Array | null) ?? '') };
  }
}
