import { ProtocolError, QueryError } from '@conn/core';
// protobufjs is CommonJS: a default import is what works both in Node's ESM loader and in the bundles.
import protobuf from 'protobufjs/minimal.js';
import { VDMS } from './generated/query-message.js';

/**
 * What a client or the test server sends: the one protobuf message of the protocol, used in both
 * directions (docs/protocols/aperturedb.md, protobuf schema).
 */
export interface QueryMessageInput {
  /** The JSON text: a request is an array of commands; a response is an array or an error object. */
  readonly json: string;
  /** Binary blobs in transaction order. Omitted or empty: no field 2 on the wire. */
  readonly blobs?: readonly Uint8Array[] | undefined;
  /** The session token (requests only). Omitted or empty: no field 3 on the wire. */
  readonly token?: string | undefined;
}

/** A decoded message. Absent fields read as their proto3 defaults (`''`, `[]`). */
export interface QueryMessage {
  readonly json: string;
  /**
   * Views of the decoded bytes, not copies: they share memory with the buffer they were decoded
   * from, so a caller that keeps one past the next read of that buffer must copy it.
   */
  readonly blobs: Uint8Array[];
  readonly token: string;
}

const Message = VDMS.protobufs.queryMessage;

/**
 * Serializes one message (no frame header). Empty fields are omitted as proto3 requires, so a
 * request without a token has no field 3 and an all-empty message is zero bytes.
 * @throws QueryError `CONN_APERTUREDB_INVALID_STRING` when `json` or `token` holds a lone surrogate:
 * protobufjs would write it as bytes that are not UTF-8 (or as U+FFFD, depending on the length),
 * which the server rejects; `JSON.stringify` never produces one.
 */
export function encodeQueryMessage(message: QueryMessageInput): Buffer {
  checkWellFormed(message.json, 'json');
  if (message.token !== undefined) checkWellFormed(message.token, 'token');
  const bytes = Message.encode({
    json: message.json,
    // The generated signature wants a mutable array; encode only reads it.
    blobs: (message.blobs ?? []) as Uint8Array[],
    token: message.token ?? '',
  }).finish();
  // In Node protobufjs writes into a Buffer already; wrap (never copy) anything else.
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Parses one serialized message (no frame header). Blobs are views of `bytes`, not copies
 * (protobufjs slices a Buffer without copying and takes `subarray` of a Uint8Array). Unknown fields
 * are skipped, as proto3 requires.
 * @throws ProtocolError `CONN_APERTUREDB_MALFORMED_MESSAGE` for bytes that are not a valid message
 * (truncated field, bad wire type, strings that are not UTF-8).
 */
export function decodeQueryMessage(bytes: Uint8Array): QueryMessage {
  return decodeQueryMessageAt(bytes, 0, bytes.length);
}

/**
 * {@link decodeQueryMessage} of `source[start..end)`, without making a view of that range first.
 * @throws ProtocolError `CONN_APERTUREDB_MALFORMED_MESSAGE`, as {@link decodeQueryMessage}.
 */
export function decodeQueryMessageAt(source: Uint8Array, start: number, end: number): QueryMessage {
  const reader = protobuf.Reader.create(source);
  reader.pos = start;
  reader.len = end;
  // Per reader, so that another package flipping protobufjs's global default cannot change ours.
  reader.discardUnknown = true;
  let decoded: VDMS.protobufs.queryMessage;
  try {
    decoded = Message.decode(reader);
  } catch (cause) {
    throw new ProtocolError(`received a malformed ApertureDB message (${end - start} bytes)`, {
      code: 'CONN_APERTUREDB_MALFORMED_MESSAGE',
      details: { messageBytes: end - start },
      cause,
    });
  }
  return { json: decoded.json, blobs: decoded.blobs, token: decoded.token };
}

/**
 * The exact length {@link encodeQueryMessage} would produce, computed without serializing, so that
 * an oversized message is refused before gigabytes are allocated. Assumes well-formed strings.
 */
export function encodedQueryMessageBytes(message: QueryMessageInput): number {
  let total = fieldBytes(Buffer.byteLength(message.json, 'utf8'), false);
  for (const blob of message.blobs ?? []) total += fieldBytes(blob.byteLength, true);
  if (message.token !== undefined) total += fieldBytes(Buffer.byteLength(message.token, 'utf8'), false);
  return total;
}

/** One length-delimited field: a 1-byte tag, a varint length, the bytes. proto3 omits empty strings. */
function fieldBytes(length: number, keptWhenEmpty: boolean): number {
  if (length === 0 && !keptWhenEmpty) return 0;
  return 1 + varintBytes(length) + length;
}

function varintBytes(value: number): number {
  let bytes = 1;
  for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128)) bytes += 1;
  return bytes;
}

function checkWellFormed(text: string, field: 'json' | 'token'): void {
  if (!(text as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    throw new QueryError(`the message's ${field} holds a lone UTF-16 surrogate, which has no UTF-8 form`, {
      code: 'CONN_APERTUREDB_INVALID_STRING',
      details: { field },
    });
  }
}
