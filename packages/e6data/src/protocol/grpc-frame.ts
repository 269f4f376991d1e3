/**
 * The gRPC length-prefixed message: 1 byte "compressed" flag, 4 bytes big-endian length, then the
 * protobuf bytes. Unary calls carry exactly one such message in each direction; the test server
 * cuts the request out of however many HTTP/2 DATA frames it arrived in.
 */
import { ProtocolError } from '@conn/core';

/** Bytes before the message: the compressed flag and the length. */
export const GRPC_FRAME_HEADER_BYTES = 5;

/** Default largest message a {@link GrpcMessageReader} accepts: 4 MiB, the grpc-js default. */
export const DEFAULT_MAX_GRPC_MESSAGE_BYTES: number = 4 * 1024 * 1024;

/** Wraps one protobuf message in the 5-byte prefix (never compressed). */
export function encodeGrpcFrame(message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(GRPC_FRAME_HEADER_BYTES + message.byteLength);
  new DataView(frame.buffer).setUint32(1, message.byteLength);
  frame.set(message, GRPC_FRAME_HEADER_BYTES);
  return frame;
}

type FrameErrorCode =
  | 'CONN_E6DATA_GRPC_TOO_LARGE'
  | 'CONN_E6DATA_GRPC_COMPRESSED'
  | 'CONN_E6DATA_GRPC_MALFORMED';

function frameError(code: FrameErrorCode, message: string, details: Record<string, number>): ProtocolError {
  return new ProtocolError(`gRPC message: ${message}`, { code, details });
}

/**
 * Collects the body of a unary request, chunk by chunk, and returns its one message at the end.
 *
 * Errors are `ProtocolError`s: `CONN_E6DATA_GRPC_TOO_LARGE` as soon as the announced length exceeds
 * the limit (before buffering it), `CONN_E6DATA_GRPC_COMPRESSED` for a compressed message (none was
 * negotiated), `CONN_E6DATA_GRPC_MALFORMED` for a truncated body or bytes after the message.
 */
export class GrpcMessageReader {
  readonly #maxBytes: number;
  readonly #header = new Uint8Array(GRPC_FRAME_HEADER_BYTES);
  #headerFilled = 0;
  #message: Uint8Array | undefined;
  #messageFilled = 0;

  constructor(maxBytes: number = DEFAULT_MAX_GRPC_MESSAGE_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** Adds the next piece of the body. @throws ProtocolError (see the class). */
  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.byteLength) {
      if (this.#headerFilled < GRPC_FRAME_HEADER_BYTES) {
        const take = Math.min(GRPC_FRAME_HEADER_BYTES - this.#headerFilled, chunk.byteLength - offset);
        this.#header.set(chunk.subarray(offset, offset + take), this.#headerFilled);
        this.#headerFilled += take;
        offset += take;
        if (this.#headerFilled === GRPC_FRAME_HEADER_BYTES) this.#startMessage();
        continue;
      }
      const message = this.#message as Uint8Array;
      const take = Math.min(message.byteLength - this.#messageFilled, chunk.byteLength - offset);
      if (take === 0) {
        throw frameError('CONN_E6DATA_GRPC_MALFORMED', 'bytes after the one message of a unary call', {
          extraBytes: chunk.byteLength - offset,
        });
      }
      message.set(chunk.subarray(offset, offset + take), this.#messageFilled);
      this.#messageFilled += take;
      offset += take;
    }
  }

  /** The body ended: returns the message. @throws ProtocolError when it is incomplete. */
  finish(): Uint8Array {
    if (this.#message === undefined || this.#messageFilled < this.#message.byteLength) {
      throw frameError('CONN_E6DATA_GRPC_MALFORMED', 'body ended before the message was complete', {
        received: this.#headerFilled + this.#messageFilled,
      });
    }
    return this.#message;
  }

  #startMessage(): void {
    const flag = this.#header[0];
    if (flag !== 0) {
      throw frameError('CONN_E6DATA_GRPC_COMPRESSED', 'compressed messages are not supported', {
        flag: flag ?? 0,
      });
    }
    const length = new DataView(this.#header.buffer).getUint32(1);
    if (length > this.#maxBytes) {
      throw frameError('CONN_E6DATA_GRPC_TOO_LARGE', `${String(length)} bytes exceed the limit`, {
        length,
        maxBytes: this.#maxBytes,
      });
    }
    this.#message = new Uint8Array(length);
  }
}
