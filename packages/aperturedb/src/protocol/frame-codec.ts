import { ConfigError, type FrameCodec, lengthPrefixedCodec, ProtocolError } from '@conn/core';
import { encodeFrameChunks } from './frame-encoder.js';
import {
  decodeQueryMessageAt,
  encodedQueryMessageBytes,
  type QueryMessage,
  type QueryMessageInput,
} from './query-message.js';

/**
 * Size of the payload length before every frame: a uint32 in the sender's byte order, which is
 * little-endian on every platform the official clients run on (docs/protocols/aperturedb.md, framing).
 */
export const FRAME_HEADER_BYTES = 4;

/** Default largest message (payload, header not counted) in either direction: the server's default. */
export const DEFAULT_MAX_MESSAGE_BYTES: number = 256 * 1024 * 1024;

/** Largest message the 4-byte length can describe. */
const MAX_ENCODABLE_MESSAGE_BYTES = 0xffff_ffff;

/** Options of {@link aperturedbFrameCodec}. */
export interface AperturedbFrameCodecOptions {
  /**
   * Largest serialized message (payload, header not counted) sent or accepted. Sending a larger one
   * throws `CONN_APERTUREDB_MESSAGE_TOO_LARGE` before anything is written; receiving one fails the
   * connection with `CONN_FRAME_TOO_LARGE` before its body is buffered. Default 256 MiB.
   */
  readonly maxMessageBytes?: number | undefined;
}

/**
 * The ApertureDB frame codec, in both directions: a 4-byte little-endian payload length, then one
 * serialized `queryMessage`. A length of 0 is a legal, all-empty message. Used as is by clients and
 * by the test server (the same message type serves requests and responses).
 * @throws ConfigError when `maxMessageBytes` is not an integer from 0 to 4 GiB - 1.
 */
export function aperturedbFrameCodec(
  options: AperturedbFrameCodecOptions = {},
): FrameCodec<QueryMessageInput, QueryMessage> {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (
    !Number.isSafeInteger(maxMessageBytes) ||
    maxMessageBytes < 0 ||
    maxMessageBytes > MAX_ENCODABLE_MESSAGE_BYTES
  ) {
    throw new ConfigError(
      `maxMessageBytes must be an integer from 0 to ${MAX_ENCODABLE_MESSAGE_BYTES}, got ${String(maxMessageBytes)}`,
      { field: 'maxMessageBytes' },
    );
  }
  const maxFrameBytes = FRAME_HEADER_BYTES + maxMessageBytes;
  const frames = lengthPrefixedCodec({ endian: 'le', lengthBytes: FRAME_HEADER_BYTES, maxFrameBytes });
  const decodeAt = (source: Buffer, start: number, end: number): QueryMessage =>
    decodeQueryMessageAt(source, start + FRAME_HEADER_BYTES, end);
  return {
    maxFrameBytes,
    frameLength: (buffered) => frames.frameLength(buffered),
    frameLengthAt: (buffered, offset) => frames.frameLengthAt(buffered, offset),
    decode: (frame) => decodeAt(frame, 0, frame.length),
    decodeAt,
    encode: (message) => {
      // Sized first: an oversized message is refused without being serialized.
      const messageBytes = encodedQueryMessageBytes(message);
      if (messageBytes > maxMessageBytes) throw messageTooLarge(messageBytes, maxMessageBytes);
      return encodeFrameChunks(message, messageBytes);
    },
  };
}

function messageTooLarge(messageBytes: number, maxMessageBytes: number): ProtocolError {
  return new ProtocolError(
    `an ApertureDB message of ${messageBytes} bytes exceeds the limit of ${maxMessageBytes} bytes (maxMessageBytes)`,
    { code: 'CONN_APERTUREDB_MESSAGE_TOO_LARGE', details: { messageBytes, maxMessageBytes } },
  );
}
