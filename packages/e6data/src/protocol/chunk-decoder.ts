import { decodeColumn } from './chunk-columns.js';
import { type RawVector, readVector } from './chunk-vector.js';
import { ThriftBinaryReader } from './thrift/binary-reader.js';
import { ThriftType } from './thrift/type-codes.js';
import type { ValueOptions } from './value-options.js';

/**
 * Most rows one batch may claim. Non-constant vectors are bounded by their bytes anyway; this stops
 * a batch of constant vectors from asking for billions of cells.
 */
export const MAX_CHUNK_ROWS = 16_777_216;

/** One decoded result batch: `columns[c][r]`, constant vectors expanded to `rowCount` values. */
export interface DecodedChunk {
  readonly rowCount: number;
  readonly columns: readonly (readonly unknown[])[];
}

const EMPTY: DecodedChunk = Object.freeze({ rowCount: 0, columns: Object.freeze([]) });

/**
 * Decodes one `GetNextResultBatchResponse.resultBatch` (a TBinaryProtocol `Chunk`,
 * docs/protocols/e6data.md §6.2–6.4) into columns of JS values. Empty bytes (the end of the
 * stream) give 0 rows; a `size` ≤ 0 gives 0 rows. Anything malformed throws a `ProtocolError`
 * (`CONN_E6DATA_MALFORMED_CHUNK`, or `CONN_E6DATA_UNSUPPORTED_TYPE` for a vector type it cannot
 * decode).
 */
export function decodeChunk(bytes: Uint8Array, options: ValueOptions = {}): DecodedChunk {
  return decodeChunkWith(bytes, options, false);
}

/**
 * For benchmarks only (not exported by the package): {@link decodeChunk} without value formatting,
 * DATE/DATETIME left as epoch microseconds and DECIMAL128 as bytes.
 */
export function decodeChunkUnformatted(bytes: Uint8Array): DecodedChunk {
  return decodeChunkWith(bytes, {}, true);
}

function decodeChunkWith(bytes: Uint8Array, options: ValueOptions, raw: boolean): DecodedChunk {
  if (bytes.length === 0) return EMPTY;
  const reader = new ThriftBinaryReader(bytes);
  let size: number | undefined;
  let vectors: RawVector[] | undefined;
  reader.enterStruct();
  for (let type = reader.readFieldType(); type !== ThriftType.STOP; type = reader.readFieldType()) {
    const id = reader.fieldId;
    if (id === 1 && type === ThriftType.I32) size = reader.readI32();
    else if (id === 2 && type === ThriftType.LIST) {
      const count = reader.readListOf(ThriftType.STRUCT, 'Chunk.vectors');
      vectors = [];
      for (let i = 0; i < count; i++) vectors.push(readVector(reader));
    } else reader.skip(type);
  }
  reader.leaveStruct();
  if (size === undefined) throw reader.error('Chunk without size');
  if (size > MAX_CHUNK_ROWS) throw reader.error(`Chunk of ${size} rows (at most ${MAX_CHUNK_ROWS})`);
  const rowCount = Math.max(0, size);
  const located = vectors ?? [];
  if (rowCount === 0) return { rowCount, columns: located.map(() => []) };
  return {
    rowCount,
    columns: located.map((vector, column) => decodeColumn(reader, vector, rowCount, column, options, raw)),
  };
}
