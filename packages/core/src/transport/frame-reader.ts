import { ProtocolError } from '../errors/index.js';
import type { FrameCodec } from './frame-codec.js';

/** The part of a {@link FrameCodec} a {@link FrameReader} needs. */
export type FrameBoundaries = Pick<FrameCodec<unknown, unknown>, 'frameLength' | 'maxFrameBytes'>;

/**
 * Cuts received chunks into whole frames. Chunks may split a frame anywhere (even inside the
 * header) or hold several frames. Bytes are copied at most once: a frame that lies inside one
 * chunk is returned as a view of it, a frame spread over several chunks is assembled once when
 * complete, and only a header cut between chunks is merged early.
 *
 * @example
 * reader.push(chunk);
 * for (let frame = reader.next(); frame !== undefined; frame = reader.next()) handle(frame);
 */
export class FrameReader {
  readonly #codec: FrameBoundaries;
  /** Received chunks not consumed yet; `#chunks[#head]` starts at offset 0 of the next frame. */
  #chunks: Buffer[] = [];
  #head = 0;
  #buffered = 0;
  /** Length of the frame being assembled, once its header was read. */
  #frameLength: number | undefined;

  constructor(codec: FrameBoundaries) {
    this.#codec = codec;
  }

  /** Bytes received and not yet returned as frames. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Adds received bytes. Empty chunks are ignored. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /**
   * The next whole frame, or `undefined` until more bytes arrive.
   * @throws ProtocolError `CONN_FRAME_TOO_LARGE` when a header announces a frame longer than
   * `maxFrameBytes`, `CONN_PROTOCOL` for an impossible length, or whatever the codec's
   * `frameLength` throws for a bad header. The reader is unusable afterwards.
   */
  next(): Buffer | undefined {
    if (this.#frameLength === undefined) {
      if (this.#buffered === 0) return undefined;
      let length = this.#codec.frameLength(this.#first());
      if (length === undefined && this.#chunks.length - this.#head > 1) length = this.#lengthAcrossChunks();
      if (length === undefined) {
        if (this.#buffered > this.#codec.maxFrameBytes)
          throw tooLarge(this.#buffered, this.#codec.maxFrameBytes);
        return undefined;
      }
      if (!Number.isSafeInteger(length) || length < 1) {
        throw new ProtocolError(`invalid frame length ${String(length)}`, {
          details: { frameBytes: length },
        });
      }
      if (length > this.#codec.maxFrameBytes) throw tooLarge(length, this.#codec.maxFrameBytes);
      this.#frameLength = length;
    }
    const length = this.#frameLength;
    if (this.#buffered < length) return undefined;
    this.#frameLength = undefined;
    return this.#take(length);
  }

  /**
   * Removes and returns every buffered byte that is not part of a returned frame, for example to
   * give bytes read past a handshake back to the socket. Resets the reader.
   */
  takeRemaining(): Buffer {
    const rest = this.#chunks.length - this.#head === 1 ? this.#first() : Buffer.concat(this.#live());
    this.#chunks = [];
    this.#head = 0;
    this.#buffered = 0;
    this.#frameLength = undefined;
    return rest;
  }

  #first(): Buffer {
    return this.#chunks[this.#head] as Buffer;
  }

  #live(): Buffer[] {
    return this.#chunks.slice(this.#head);
  }

  /**
   * The header is cut between chunks: show the codec a copy of the first chunk plus a few bytes
   * of the next ones, growing until it can tell the length. Copying a bounded prefix (not every
   * buffered byte) keeps a backlog of many frames linear to read.
   */
  #lengthAcrossChunks(): number | undefined {
    const firstLength = this.#first().length;
    for (let extra = 64; ; extra *= 2) {
      const size = Math.min(firstLength + extra, this.#buffered);
      const length = this.#codec.frameLength(this.#prefix(size));
      if (length !== undefined || size === this.#buffered) return length;
    }
  }

  /** A copy of the first `size` buffered bytes. */
  #prefix(size: number): Buffer {
    const prefix = Buffer.allocUnsafe(size);
    let filled = 0;
    for (let i = this.#head; filled < size; i++) {
      const chunk = this.#chunks[i] as Buffer;
      filled += chunk.copy(prefix, filled, 0, Math.min(chunk.length, size - filled));
    }
    return prefix;
  }

  #take(length: number): Buffer {
    this.#buffered -= length;
    const first = this.#first();
    if (first.length >= length) {
      // The common case: the frame lies inside one chunk, return a view of it.
      if (first.length === length) this.#shift();
      else this.#chunks[this.#head] = first.subarray(length);
      return first.subarray(0, length);
    }
    const frame = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const chunk = this.#first();
      const wanted = length - filled;
      if (chunk.length <= wanted) {
        chunk.copy(frame, filled);
        filled += chunk.length;
        this.#shift();
      } else {
        chunk.copy(frame, filled, 0, wanted);
        filled += wanted;
        this.#chunks[this.#head] = chunk.subarray(wanted);
      }
    }
    return frame;
  }

  #shift(): void {
    this.#chunks[this.#head] = EMPTY;
    this.#head += 1;
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#chunks.length) {
      this.#chunks = this.#live();
      this.#head = 0;
    }
  }
}

const EMPTY = Buffer.alloc(0);

function tooLarge(frameBytes: number, maxFrameBytes: number): ProtocolError {
  return new ProtocolError(`frame of ${frameBytes} bytes exceeds the limit of ${maxFrameBytes} bytes`, {
    code: 'CONN_FRAME_TOO_LARGE',
    details: { frameBytes, maxFrameBytes },
  });
}
