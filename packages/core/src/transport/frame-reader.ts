import { ProtocolError } from '../errors/index.js';
import type { FrameCodec } from './frame-codec.js';

/** What {@link FrameReader.nextDecoded} returns while no whole frame is buffered. */
export const NO_FRAME: unique symbol = Symbol('no frame');

/** The part of a {@link FrameCodec} a {@link FrameReader} needs. */
export type FrameBoundaries = Pick<
  FrameCodec<unknown, unknown>,
  'frameLength' | 'frameLengthAt' | 'maxFrameBytes'
>;

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
  /** Received chunks not consumed yet; the next frame starts at `#offset` of `#chunks[#head]`. */
  #chunks: Buffer[] = [];
  #head = 0;
  /** Bytes of `#chunks[#head]` already returned: frames are cut without re-slicing the rest. */
  #offset = 0;
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
    const length = this.#wholeFrameLength();
    return length === undefined ? undefined : this.#take(length);
  }

  /**
   * Like {@link next}, but hands the frame to `decode` as `(source, start, end)` without making a
   * view of it (a frame spread over several chunks is assembled first), and returns what `decode`
   * returns, or {@link NO_FRAME} until more bytes arrive. What a codec with `decodeAt` is read by.
   * @throws what {@link next} throws, and what `decode` throws (the frame is consumed).
   */
  nextDecoded<T>(decode: (source: Buffer, start: number, end: number) => T): T | typeof NO_FRAME {
    const length = this.#wholeFrameLength();
    if (length === undefined) return NO_FRAME;
    const first = this.#chunks[this.#head] as Buffer;
    const start = this.#offset;
    if (first.length - start < length) return decode(this.#take(length), 0, length);
    this.#buffered -= length;
    if (first.length - start === length) this.#shift();
    else this.#offset += length;
    return decode(first, start, start + length);
  }

  /** The length of the next frame once all of it is buffered; `undefined` before. */
  #wholeFrameLength(): number | undefined {
    if (this.#frameLength === undefined) {
      if (this.#buffered === 0) return undefined;
      let length = this.#lengthHere();
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
    return length;
  }

  /**
   * Removes and returns every buffered byte that is not part of a returned frame, for example to
   * give bytes read past a handshake back to the socket. Resets the reader.
   */
  takeRemaining(): Buffer {
    const rest = this.#chunks.length - this.#head === 1 ? this.#first() : Buffer.concat(this.#live());
    this.#chunks = [];
    this.#head = 0;
    this.#offset = 0;
    this.#buffered = 0;
    this.#frameLength = undefined;
    return rest;
  }

  /** The unread part of the first chunk. */
  #first(): Buffer {
    const chunk = this.#chunks[this.#head] as Buffer;
    return this.#offset === 0 ? chunk : chunk.subarray(this.#offset);
  }

  #live(): Buffer[] {
    if (this.#head === this.#chunks.length) return [];
    return [this.#first(), ...this.#chunks.slice(this.#head + 1)];
  }

  /** The codec's reading of the header at the read position, without a view when it can. */
  #lengthHere(): number | undefined {
    const codec = this.#codec;
    if (codec.frameLengthAt !== undefined)
      return codec.frameLengthAt(this.#chunks[this.#head] as Buffer, this.#offset);
    return codec.frameLength(this.#first());
  }

  /**
   * The header is cut between chunks: show the codec a copy of the first chunk plus a few bytes
   * of the next ones, growing until it can tell the length. Copying a bounded prefix (not every
   * buffered byte) keeps a backlog of many frames linear to read.
   */
  #lengthAcrossChunks(): number | undefined {
    const firstLength = (this.#chunks[this.#head] as Buffer).length - this.#offset;
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
      const from = i === this.#head ? this.#offset : 0;
      filled += chunk.copy(prefix, filled, from, Math.min(chunk.length, from + size - filled));
    }
    return prefix;
  }

  #take(length: number): Buffer {
    this.#buffered -= length;
    const first = this.#chunks[this.#head] as Buffer;
    const start = this.#offset;
    if (first.length - start >= length) {
      // The common case: the frame lies inside one chunk, return a view of it.
      if (first.length - start === length) this.#shift();
      else this.#offset += length;
      return start === 0 && length === first.length ? first : first.subarray(start, start + length);
    }
    const frame = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const chunk = this.#chunks[this.#head] as Buffer;
      const from = this.#offset;
      const wanted = length - filled;
      if (chunk.length - from <= wanted) {
        filled += chunk.copy(frame, filled, from);
        this.#shift();
      } else {
        chunk.copy(frame, filled, from, from + wanted);
        filled += wanted;
        this.#offset += wanted;
      }
    }
    return frame;
  }

  #shift(): void {
    this.#chunks[this.#head] = EMPTY;
    this.#head += 1;
    this.#offset = 0;
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
