import { type ColumnSlicer, openColumn } from './chunk-columns.js';
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

/**
 * One batch read a slice of rows at a time. A consumer that drops each slice's values before
 * asking for the next lets them die young: decoding a 10,000-row batch whole made every value
 * survive a scavenge.
 */
export interface ChunkSlices {
  readonly rowCount: number;
  /** Rows not decoded yet. */
  readonly remaining: number;
  /**
   * The next `maxRows` rows (fewer at the end) of every column. With `scratch`, column `c` is
   * written to `scratch[c]` (made when missing) and the result is only valid until the next call;
   * entries past `rowCount` are left over from earlier slices.
   */
  next(maxRows: number, scratch?: unknown[][]): DecodedChunk;
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
  if (bytes.length === 0) return EMPTY;
  const slices = openChunkWith(bytes, options, false);
  return slices.next(slices.rowCount);
}

/**
 * {@link decodeChunk} a slice at a time. The whole chunk's structure is checked here, so a
 * malformed batch fails before any of its rows is handed out; only a malformed value (a 17-byte
 * decimal, an unknown zone) fails when its slice is read. `bytes` must stay unchanged until the
 * last slice is read.
 */
export function openChunk(bytes: Uint8Array, options: ValueOptions = {}): ChunkSlices {
  return openChunkWith(bytes, options, false);
}

/**
 * For benchmarks only (not exported by the package): {@link decodeChunk} without value formatting,
 * DATE/DATETIME left as epoch microseconds and DECIMAL128 as bytes.
 */
export function decodeChunkUnformatted(bytes: Uint8Array): DecodedChunk {
  if (bytes.length === 0) return EMPTY;
  const slices = openChunkWith(bytes, {}, true);
  return slices.next(slices.rowCount);
}

function openChunkWith(bytes: Uint8Array, options: ValueOptions, raw: boolean): ChunkSlices {
  if (bytes.length === 0) return new Slices(0, []);
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
  if (rowCount === 0)
    return new Slices(
      0,
      located.map(() => () => {}),
    );
  return new Slices(
    rowCount,
    located.map((vector, column) => openColumn(reader, vector, rowCount, column, options, raw)),
  );
}

class Slices implements ChunkSlices {
  readonly rowCount: number;
  readonly #columns: readonly ColumnSlicer[];
  #read = 0;

  constructor(rowCount: number, columns: readonly ColumnSlicer[]) {
    this.rowCount = rowCount;
    this.#columns = columns;
  }

  get remaining(): number {
    return this.rowCount - this.#read;
  }

  next(maxRows: number, scratch?: unknown[][]): DecodedChunk {
    const rowCount = Math.max(0, Math.min(maxRows, this.rowCount - this.#read));
    this.#read += rowCount;
    const columns = this.#columns;
    const values = scratch ?? new Array<unknown[]>(columns.length);
    for (let c = 0; c < columns.length; c++) {
      const out = scratch?.[c] ?? new Array<unknown>(rowCount);
      values[c] = out;
      (columns[c] as ColumnSlicer)(rowCount, out);
    }
    return { rowCount, columns: values };
  }
}
