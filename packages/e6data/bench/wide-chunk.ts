/**
 * The benches' wide result: 8 mixed columns (LONG, INTEGER, DOUBLE, BOOLEAN, STRING, DATE,
 * DATETIME, DECIMAL128), every 17th row null, encoded with the package's own chunk encoder.
 */
import { type EncodableVector, encodeChunk, type ResultColumn, VectorType } from '../src/protocol/results.js';

/** The metadata columns of {@link wideChunk}, in vector order. */
export const WIDE_COLUMNS: readonly ResultColumn[] = [
  ['id', 'LONG'],
  ['n', 'INTEGER'],
  ['ratio', 'DOUBLE'],
  ['even', 'BOOLEAN'],
  ['name', 'STRING'],
  ['day', 'DATE'],
  ['at', 'DATETIME'],
  ['amount', 'DECIMAL128'],
].map(([name, type]) => ({ name: name as string, type: type as string, zone: '', format: '' }));

/** The 16-byte two's complement of `value` (a DECIMAL128's unscaled integer). */
function bytes16(value: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(BigInt.asUintN(128, value).toString(16).padStart(32, '0'), 'hex'));
}

/** Rows `first` … `first + rows - 1` of the wide result, as one Thrift `Chunk`. */
export function wideChunk(first: number, rows: number): Uint8Array {
  const index = Array.from({ length: rows }, (_, r) => first + r);
  const nulls = index.map((i) => i % 17 === 0);
  const vectors: EncodableVector[] = [
    {
      type: VectorType.LONG,
      nulls,
      data: { kind: 'int64', values: index.map((i) => BigInt(i) * 1_000_003n) },
    },
    { type: VectorType.INTEGER, nulls, data: { kind: 'int32', values: index.map((i) => i | 0) } },
    { type: VectorType.DOUBLE, nulls, data: { kind: 'float64', values: index.map((i) => i / 7) } },
    { type: VectorType.BOOLEAN, nulls, data: { kind: 'bool', values: index.map((i) => i % 2 === 0) } },
    { type: VectorType.STRING, nulls, data: { kind: 'varchar', values: index.map((i) => `name-${i}`) } },
    {
      type: VectorType.DATE,
      nulls,
      data: { kind: 'date', values: index.map((i) => BigInt(i % 40_000) * 86_400_000_000n) },
    },
    {
      type: VectorType.DATETIME,
      nulls,
      data: { kind: 'time', values: index.map((i) => BigInt(i) * 1_234_567_891n) },
    },
    {
      type: VectorType.DECIMAL128,
      nulls,
      data: { kind: 'decimal128', values: index.map((i) => bytes16(BigInt(i) * 12_345n)), scale: 2 },
    },
  ];
  return encodeChunk(rows, vectors);
}
