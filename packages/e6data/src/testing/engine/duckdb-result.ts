import type { DuckDBDataChunk, DuckDBMaterializedResult } from '@duckdb/node-api';
import { encodeChunk } from '../../protocol/chunk-encoder.js';
import type { ResultMetadata } from '../../protocol/metadata.js';
import { type ColumnCodec, codecFor, type WireValue } from './column-codecs.js';
import type { EngineResult, EngineTimings } from './test-engine.js';
import { buildVector } from './vector-builder.js';

/**
 * A statement's rows kept in DuckDB's materialized result (native memory, not the JS heap) and
 * encoded `batchRows` rows at a time: only one DuckDB chunk and one batch are alive in JS at once.
 */
export class DuckDBEngineResult implements EngineResult {
  readonly metadata: ResultMetadata;
  readonly timings: EngineTimings;
  private readonly codecs: readonly ColumnCodec[];
  private result: DuckDBMaterializedResult | undefined;
  private chunk: DuckDBDataChunk | undefined;
  private chunkRow = 0;
  private readonly release: () => void;
  private readonly batchRows: number;

  constructor(
    result: DuckDBMaterializedResult,
    batchRows: number,
    timings: EngineTimings,
    release: () => void,
  ) {
    this.result = result;
    this.batchRows = batchRows;
    this.timings = timings;
    this.release = release;
    this.codecs = result.columnTypes().map(codecFor);
    const names = result.columnNames();
    this.metadata = {
      rowCount: BigInt(result.rowCount),
      columns: this.codecs.map((codec, i) => ({
        name: names[i] ?? '',
        type: codec.metadataType,
        zone: '',
        format: '',
      })),
    };
  }

  async nextBatch(): Promise<Uint8Array | undefined> {
    const cells: (WireValue | null)[][] = this.codecs.map(() => []);
    let rows = 0;
    while (rows < this.batchRows) {
      const chunk = await this.currentChunk();
      if (chunk === undefined) break;
      const take = Math.min(this.batchRows - rows, chunk.rowCount - this.chunkRow);
      this.codecs.forEach((codec, column) => {
        readCells(chunk, column, codec, this.chunkRow, take, cells[column] ?? []);
      });
      this.chunkRow += take;
      rows += take;
    }
    if (rows === 0) {
      await this.close();
      return undefined;
    }
    return encodeChunk(
      rows,
      this.codecs.map((codec, column) => buildVector(codec, cells[column] ?? [])),
    );
  }

  /** The chunk with unread rows, fetching the next one when needed; `undefined` at the end. */
  private async currentChunk(): Promise<DuckDBDataChunk | undefined> {
    if (this.chunk !== undefined && this.chunkRow < this.chunk.rowCount) return this.chunk;
    this.chunk = undefined;
    const next = await this.result?.fetchChunk();
    if (next === undefined || next === null || next.rowCount === 0) return undefined;
    this.chunk = next;
    this.chunkRow = 0;
    return next;
  }

  async close(): Promise<void> {
    if (this.result === undefined) return;
    this.result = undefined;
    this.chunk = undefined;
    this.release();
  }
}

function readCells(
  chunk: DuckDBDataChunk,
  column: number,
  codec: ColumnCodec,
  from: number,
  count: number,
  into: (WireValue | null)[],
): void {
  const vector = chunk.getColumnVector(column);
  for (let row = from; row < from + count; row++) {
    const item = vector.getItem(row);
    into.push(item === null ? null : codec.toWire(item));
  }
}
