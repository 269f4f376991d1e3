import { type FrameCodec, lengthPrefixedCodec, ProtocolError } from '@conn/core';
import { isJsonObject, type JsonObject, stringifyWireObject, type WireObject } from './json.js';
import { parseResponseEnvelope, type ResponseEnvelope } from './response-envelope.js';

/** Size of the big-endian payload length before every frame (docs/protocols/zteradb.md, framing). */
export const FRAME_HEADER_BYTES = 4;

/**
 * Default largest frame accepted from the peer, header included. The protocol itself allows up to
 * 4 GiB; a row frame is one row, so 64 MiB leaves room for large rows without letting a bad
 * header make us buffer gigabytes.
 */
export const DEFAULT_MAX_FRAME_BYTES: number = 64 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The ZTeraDB frame codec in both directions: a 4-byte big-endian payload length, then one UTF-8
 * JSON object. Frames longer than `maxFrameBytes` fail the connection with a `ProtocolError`
 * (`CONN_FRAME_TOO_LARGE`) before their body is buffered; nothing is ever dropped silently.
 * Used as is by the test server (requests in, any object out).
 * @throws ConfigError when `maxFrameBytes` is not an integer of at least 4.
 */
export function zteradbJsonCodec(
  maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES,
): FrameCodec<WireObject, JsonObject> {
  const frames = lengthPrefixedCodec({ endian: 'be', lengthBytes: 4, maxFrameBytes });
  return {
    maxFrameBytes,
    frameLength: (buffered) => frames.frameLength(buffered),
    decode: (frame) => decodeJsonPayload(frames.decode(frame)),
    encode: (message) => frames.encode(Buffer.from(stringifyWireObject(message), 'utf8'), undefined),
  };
}

/**
 * The client's codec: requests are encoded like {@link zteradbJsonCodec}, received frames are
 * decoded and checked as response envelopes.
 */
export function zteradbClientCodec(
  maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES,
): FrameCodec<WireObject, ResponseEnvelope> {
  const json = zteradbJsonCodec(maxFrameBytes);
  return { ...json, decode: (frame) => parseResponseEnvelope(json.decode(frame)) };
}

/**
 * Parses one frame payload (header removed).
 * @throws ProtocolError `CONN_ZTERADB_MALFORMED_FRAME` for invalid UTF-8, invalid JSON or JSON
 * that is not an object.
 */
export function decodeJsonPayload(payload: Uint8Array): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(payload));
  } catch (cause) {
    throw malformed('a frame payload is not valid UTF-8 JSON', payload.length, cause);
  }
  if (!isJsonObject(parsed)) throw malformed('a frame payload is JSON but not an object', payload.length);
  return parsed;
}

function malformed(message: string, payloadBytes: number, cause?: unknown): ProtocolError {
  return new ProtocolError(message, {
    code: 'CONN_ZTERADB_MALFORMED_FRAME',
    details: { payloadBytes },
    ...(cause === undefined ? {} : { cause }),
  });
}
