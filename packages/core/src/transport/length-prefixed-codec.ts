import { ConfigError, ProtocolError } from '../errors/index.js';
import type { FrameCodec } from './frame-codec.js';

/** Options of {@link lengthPrefixedCodec}. */
export interface LengthPrefixedCodecOptions {
  /** Size of the unsigned length prefix: 4 (ApertureDB, ZTeraDB) or 2 (legacy ZTeraDB v1). Default 4. */
  lengthBytes?: 2 | 4 | undefined;
  /** Byte order of the prefix: `'le'` for ApertureDB, `'be'` for ZTeraDB. */
  endian: 'le' | 'be';
  /** Largest whole frame accepted from the peer, prefix included (see {@link FrameCodec.maxFrameBytes}). */
  maxFrameBytes: number;
}

/**
 * A codec for frames made of an unsigned length prefix (payload length, prefix not counted)
 * followed by the payload. Requests and responses are payload `Buffer`s; decoded payloads are
 * views into the received bytes (no copy).
 * @example
 * const codec = lengthPrefixedCodec({ endian: 'be', maxFrameBytes: 64 * 1024 * 1024 }); // ZTeraDB
 * @throws ConfigError on invalid options.
 */
export function lengthPrefixedCodec(
  options: LengthPrefixedCodecOptions,
): FrameCodec<Buffer, Buffer> & Required<Pick<FrameCodec<Buffer, Buffer>, 'frameLengthAt'>> {
  const lengthBytes = options.lengthBytes ?? 4;
  const { endian, maxFrameBytes } = options;
  if (lengthBytes !== 2 && lengthBytes !== 4) {
    throw new ConfigError(`lengthBytes must be 2 or 4, got ${String(lengthBytes)}`, { field: 'lengthBytes' });
  }
  if (endian !== 'le' && endian !== 'be') {
    throw new ConfigError(`endian must be 'le' or 'be', got ${String(endian)}`, { field: 'endian' });
  }
  if (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < lengthBytes) {
    throw new ConfigError(`maxFrameBytes must be an integer of at least ${lengthBytes}`, {
      field: 'maxFrameBytes',
    });
  }
  const maxPayload = lengthBytes === 4 ? 0xffff_ffff : 0xffff;
  const readLength =
    lengthBytes === 4
      ? endian === 'le'
        ? (buffer: Buffer, offset: number) => buffer.readUInt32LE(offset)
        : (buffer: Buffer, offset: number) => buffer.readUInt32BE(offset)
      : endian === 'le'
        ? (buffer: Buffer, offset: number) => buffer.readUInt16LE(offset)
        : (buffer: Buffer, offset: number) => buffer.readUInt16BE(offset);

  return {
    maxFrameBytes,
    frameLength(buffered) {
      return buffered.length < lengthBytes ? undefined : lengthBytes + readLength(buffered, 0);
    },
    frameLengthAt(buffered, offset) {
      return buffered.length - offset < lengthBytes ? undefined : lengthBytes + readLength(buffered, offset);
    },
    decode(frame) {
      return frame.subarray(lengthBytes);
    },
    encode(payload) {
      if (!Buffer.isBuffer(payload)) {
        throw new TypeError('lengthPrefixedCodec encodes Buffer payloads only');
      }
      if (payload.length > maxPayload) {
        throw new ProtocolError(
          `payload of ${payload.length} bytes does not fit a ${lengthBytes}-byte length`,
          {
            code: 'CONN_FRAME_TOO_LARGE',
            details: { payloadBytes: payload.length, maxPayloadBytes: maxPayload },
          },
        );
      }
      const header = Buffer.allocUnsafe(lengthBytes);
      if (lengthBytes === 4) {
        if (endian === 'le') header.writeUInt32LE(payload.length, 0);
        else header.writeUInt32BE(payload.length, 0);
      } else if (endian === 'le') header.writeUInt16LE(payload.length, 0);
      else header.writeUInt16BE(payload.length, 0);
      // One buffer for small payloads (one write, one packet); two for large ones (no copy).
      return payload.length <= 4096 ? Buffer.concat([header, payload]) : [header, payload];
    },
  };
}
