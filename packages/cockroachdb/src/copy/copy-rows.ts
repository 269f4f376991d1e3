import { ConfigError } from '@conn/core';
import { decodeCopyLine, encodeCopyRow, rowValues } from './copy-text.js';

/** About this many characters of rows go into one CopyData message. */
const CHUNK_CHARS = 64 * 1024;

type Rows = AsyncIterable<unknown> | Iterable<unknown>;

/**
 * Rows as text-format chunks of about 64 KiB, pulled from `rows` only as the chunks are taken:
 * a generator source is read no further ahead than one chunk.
 */
export async function* encodeRowChunks(rows: Rows, columns: readonly string[]): AsyncGenerator<string> {
  checkSource(rows);
  let chunk = '';
  let index = 0;
  if (Symbol.iterator in rows && !(Symbol.asyncIterator in rows)) {
    // A sync source (an array) without an await per row.
    for (const row of rows) {
      chunk += encodeCopyRow(rowValues(row, columns, index++));
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
  } else {
    for await (const row of rows) {
      chunk += encodeCopyRow(rowValues(row, columns, index++));
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Raw text-format chunks, checked one by one as they pass. */
export async function* rawChunks(
  chunks: AsyncIterable<unknown> | Iterable<unknown>,
): AsyncGenerator<string | Uint8Array> {
  checkSource(chunks);
  for await (const chunk of chunks) {
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
      throw new ConfigError('raw COPY chunks must be strings or Uint8Arrays', { field: 'rows' });
    }
    if (chunk.length > 0) yield chunk;
  }
}

export function checkSource(rows: unknown): asserts rows is Rows {
  const iterable =
    rows !== null && typeof rows === 'object' && (Symbol.iterator in rows || Symbol.asyncIterator in rows);
  if (!iterable) throw new ConfigError('rows must be an array or an (async) iterable', { field: 'rows' });
}

/** How one column of a COPY TO is named and turned from text into a value. */
export interface CopyColumn {
  readonly name: string;
  readonly parse: (text: string) => unknown;
}

/**
 * Splits raw COPY TO chunks into rows: a chunk may end in the middle of a line (or of a UTF-8
 * character), so the tail waits for the next chunk.
 */
export async function* decodeRows<T>(
  chunks: AsyncIterable<Buffer>,
  columns: () => readonly CopyColumn[],
): AsyncGenerator<T> {
  let tail: Buffer | undefined;
  for await (const chunk of chunks) {
    const data = tail === undefined ? chunk : Buffer.concat([tail, chunk]);
    const end = data.lastIndexOf(0x0a);
    if (end < 0) {
      tail = data;
      continue;
    }
    tail = end + 1 < data.length ? data.subarray(end + 1) : undefined;
    const lines = data.toString('utf8', 0, end).split('\n');
    const named = columns();
    for (const line of lines) yield rowOf(decodeCopyLine(line), named) as T;
  }
}

function rowOf(fields: readonly (string | null)[], columns: readonly CopyColumn[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as CopyColumn;
    const text = fields[i];
    row[column.name] = text === null || text === undefined ? null : column.parse(text);
  }
  return row;
}
