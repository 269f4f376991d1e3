import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { ConfigError } from '@conn/core';
import { CSV_FORMAT_ERROR, CsvParser } from './csv-parser.js';

/** Where CSV text comes from: a file path, a Node stream, or any (async) iterable of text or bytes. */
export type CsvSource =
  | string
  | Readable
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>;

/** Bytes read from a file at a time: enough for fast parsing, small for memory. */
const FILE_CHUNK_BYTES = 64 * 1024;
const BYTE_ORDER_MARK = '\uFEFF';

/**
 * The records of a CSV text, streamed: the text is read chunk by chunk as records are pulled, so a
 * file of any length takes the memory of one chunk and one record. Bytes are decoded as UTF-8
 * (multi-byte characters split across chunks are kept whole); a leading byte-order mark is dropped.
 * Stopping the iteration early closes a file it opened.
 * @throws ConfigError `CONN_APERTUREDB_CSV` for malformed CSV (with the line number).
 */
export async function* readCsvRecords(source: CsvSource): AsyncGenerator<string[], void, undefined> {
  const parser = new CsvParser();
  const decoder = new TextDecoder('utf-8');
  let first = true;
  const stream =
    typeof source === 'string' ? createReadStream(source, { highWaterMark: FILE_CHUNK_BYTES }) : source;
  try {
    for await (const chunk of stream as AsyncIterable<string | Uint8Array>) {
      let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (first && text.length > 0) {
        first = false;
        if (text.startsWith(BYTE_ORDER_MARK)) text = text.slice(1);
      }
      yield* parser.push(text);
    }
    const rest = decoder.decode();
    if (rest.length > 0) yield* parser.push(rest);
    yield* parser.end();
  } finally {
    if (typeof source === 'string') (stream as Readable).destroy();
  }
}

/** A record with its header: the CSV's first record names the columns. */
export interface CsvRow {
  readonly header: readonly string[];
  readonly values: readonly string[];
  /** 1 for the first record after the header. */
  readonly rowNumber: number;
}

/**
 * The rows of a CSV text with a header line, streamed like {@link readCsvRecords}.
 * @throws ConfigError `CONN_APERTUREDB_CSV` for a row whose field count differs from the header's.
 */
export async function* readCsvRows(source: CsvSource): AsyncGenerator<CsvRow, void, undefined> {
  let header: readonly string[] | undefined;
  let rowNumber = 0;
  for await (const values of readCsvRecords(source)) {
    if (header === undefined) {
      header = values;
      continue;
    }
    rowNumber++;
    if (values.length !== header.length) {
      throw new ConfigError(
        `malformed CSV: row ${rowNumber} has ${values.length} fields, the header ${header.length}`,
        { code: CSV_FORMAT_ERROR, details: { row: rowNumber } },
      );
    }
    yield { header, values, rowNumber };
  }
}
