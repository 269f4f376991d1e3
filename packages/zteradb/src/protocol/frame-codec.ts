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
    frameLengthAt: (buffered, offset) => frames.frameLengthAt(buffered, offset),
    decode: (frame) => decodeJsonAt(frame, 0, frame.length),
    decodeAt: decodeJsonAt,
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
  const decodeAt = (source: Buffer, start: number, end: number): ResponseEnvelope =>
    decodeRowFrameAt(source, start, end) ?? parseResponseEnvelope(decodeJsonAt(source, start, end));
  return { ...json, decode: (frame) => decodeAt(frame, 0, frame.length), decodeAt };
}

/** How the test server (and a compact JSON writer) starts a row frame. */
const ROW_FRAME_START = Buffer.from('{"error":false,"response_code":7,"data":');
const CLOSING_BRACE = 0x7d;

/**
 * The fast path of a long select: a frame that is exactly `ROW_FRAME_START` + an object + `}`
 * has its object parsed alone, which is the same JSON with one object fewer to build. Anything
 * else (other spacing or key order, more keys, invalid text) returns `undefined` and takes the
 * full path, so the result never differs from it.
 */
function decodeRowFrameAt(source: Buffer, start: number, end: number): ResponseEnvelope | undefined {
  const prefixAt = start + FRAME_HEADER_BYTES;
  const dataAt = prefixAt + ROW_FRAME_START.length;
  if (end <= dataAt + 1 || source[end - 1] !== CLOSING_BRACE) return undefined;
  // A plain loop: `Buffer#compare` checks its arguments on every call, which costs more here.
  for (let index = 0; index < ROW_FRAME_START.length; index += 1) {
    if (source[prefixAt + index] !== ROW_FRAME_START[index]) return undefined;
  }
  const text = source.toString('utf8', dataAt, end - 1);
  if (text.includes('\uFFFD')) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // `data` was not the frame's last member, or the frame is broken: the full path tells which.
    return undefined;
  }
  return isJsonObject(data) ? { error: false, responseCode: 7, data, clientAuth: undefined } : undefined;
}

/**
 * Parses the whole frame at `source[start..end)` (header included) without copying it. Invalid
 * UTF-8 would be replaced by U+FFFD when read as text, so a payload showing that character is
 * checked strictly by {@link decodeJsonPayload}, which tells a U+FFFD that was sent from broken
 * bytes.
 */
function decodeJsonAt(source: Buffer, start: number, end: number): JsonObject {
  const payloadAt = start + FRAME_HEADER_BYTES;
  const text = source.toString('utf8', payloadAt, end);
  if (text.includes('\uFFFD')) return decodeJsonPayload(source.subarray(payloadAt, end));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw malformed('a frame payload is not valid UTF-8 JSON', end - payloadAt, cause);
  }
  if (!isJsonObject(parsed)) throw malformed('a frame payload is JSON but not an object', end - payloadAt);
  return parsed;
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
