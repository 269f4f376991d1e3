import { QueryError } from '@conn/core';
import type { QueryMessageInput } from './query-message.js';

/** Frames up to this size go out as one buffer (one write); larger ones keep their blobs apart. */
const SINGLE_BUFFER_BYTES = 64 * 1024;

const JSON_TAG = 0x0a;
const BLOB_TAG = 0x12;
const TOKEN_TAG = 0x1a;

/** `String#isWellFormed` (Node 20 has it; the project's TypeScript lib does not declare it yet). */
const isWellFormed = (text: string): boolean =>
  (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * Encodes one framed `queryMessage` (4-byte little-endian length, then the protobuf fields in
 * field order, docs/protocols/aperturedb.md) without copying its blobs: a large blob is its own
 * chunk behind a small field header, so a 64 MiB upload is never copied into a writer buffer.
 * The bytes equal protobufjs's encoding of the same message (a property test checks it); proto3
 * rules hold: empty `json` and `token` are left out, empty blobs are kept.
 * @throws QueryError `CONN_APERTUREDB_INVALID_STRING` for a lone surrogate in `json` or `token`.
 */
export function encodeFrameChunks(message: QueryMessageInput, messageBytes: number): Buffer[] {
  checkWellFormed(message.json, 'json');
  const token = message.token ?? '';
  if (token !== '') checkWellFormed(token, 'token');
  const jsonBytes = Buffer.byteLength(message.json, 'utf8');
  const head = Buffer.allocUnsafe(4 + (jsonBytes === 0 ? 0 : fieldHeaderBytes(jsonBytes) + jsonBytes));
  head.writeUInt32LE(messageBytes, 0);
  let at = 4;
  if (jsonBytes > 0) {
    at = writeFieldHeader(head, at, JSON_TAG, jsonBytes);
    head.write(message.json, at, 'utf8');
  }
  const chunks: Buffer[] = [head];
  for (const blob of message.blobs ?? []) {
    const header = Buffer.allocUnsafe(fieldHeaderBytes(blob.byteLength));
    writeFieldHeader(header, 0, BLOB_TAG, blob.byteLength);
    chunks.push(header, Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength));
  }
  if (token !== '') {
    const tokenBytes = Buffer.byteLength(token, 'utf8');
    const field = Buffer.allocUnsafe(fieldHeaderBytes(tokenBytes) + tokenBytes);
    field.write(token, writeFieldHeader(field, 0, TOKEN_TAG, tokenBytes), 'utf8');
    chunks.push(field);
  }
  return 4 + messageBytes <= SINGLE_BUFFER_BYTES && chunks.length > 1 ? [Buffer.concat(chunks)] : chunks;
}

function fieldHeaderBytes(length: number): number {
  let bytes = 2;
  for (let rest = Math.floor(length / 128); rest > 0; rest = Math.floor(rest / 128)) bytes += 1;
  return bytes;
}

/** Writes a tag and the varint `length` at `at`; returns the offset after them. */
function writeFieldHeader(target: Buffer, at: number, tag: number, length: number): number {
  let offset = at;
  target[offset++] = tag;
  let rest = length;
  while (rest >= 128) {
    target[offset++] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
  }
  target[offset++] = rest;
  return offset;
}

function checkWellFormed(text: string, field: 'json' | 'token'): void {
  if (!isWellFormed(text)) {
    throw new QueryError(`the message's ${field} holds a lone UTF-16 surrogate, which has no UTF-8 form`, {
      code: 'CONN_APERTUREDB_INVALID_STRING',
      details: { field },
    });
  }
}
