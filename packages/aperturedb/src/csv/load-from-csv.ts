import type { ParallelItem } from '../parallel/batch.js';
import {
  type ParallelOptions,
  type ParallelQueryClient,
  type ParallelResult,
  runParallel,
} from '../parallel/run-parallel.js';
import { connectionRowMapper } from './connection-rows.js';
import { type CsvSource, readCsvRows } from './csv-reader.js';
import { type DescriptorLoader, descriptorRowMapper } from './descriptor-rows.js';
import { entityRowMapper } from './entity-rows.js';

/** The SDK loader layouts we read (docs/protocols/aperturedb.md §6). */
export type CsvLoadKind = 'entity' | 'connection' | 'descriptor';

/** Options of {@link csvItems}. */
export interface CsvItemsOptions {
  /** How descriptor CSVs read vectors (default: rows of `.npy` files). */
  readonly loadDescriptor?: DescriptorLoader | undefined;
}

/**
 * The items of a CSV in one of the SDK loader layouts, streamed: one item per row, produced as
 * they are pulled. The header is checked when the first item is pulled.
 * @throws ConfigError `CONN_APERTUREDB_CSV` for malformed CSV or another layout.
 */
export async function* csvItems(
  source: CsvSource,
  kind: CsvLoadKind,
  options: CsvItemsOptions = {},
): AsyncGenerator<ParallelItem, void, undefined> {
  let map: ((values: readonly string[]) => ParallelItem | Promise<ParallelItem>) | undefined;
  for await (const row of readCsvRows(source)) {
    map ??=
      kind === 'entity'
        ? entityRowMapper(row.header)
        : kind === 'connection'
          ? connectionRowMapper(row.header)
          : descriptorRowMapper(row.header, options.loadDescriptor);
    yield await map(row.values);
  }
}

/** Options of {@link loadFromCsv}. */
export interface LoadFromCsvOptions extends ParallelOptions, CsvItemsOptions {
  readonly kind: CsvLoadKind;
}

/**
 * Loads a CSV file (or stream) in an SDK loader layout: rows become items, run by
 * {@link runParallel} with its batching, concurrency, counting and cancellation. The file is
 * streamed, never read whole. Resolves with the totals; rejects as `runParallel` does, and with
 * ConfigError `CONN_APERTUREDB_CSV` for a malformed file (rows before it may have been loaded).
 */
export function loadFromCsv(
  client: ParallelQueryClient,
  source: CsvSource,
  options: LoadFromCsvOptions,
): Promise<ParallelResult> {
  const { kind, loadDescriptor, ...parallel } = options;
  return runParallel(client, csvItems(source, kind, { loadDescriptor }), parallel);
}
