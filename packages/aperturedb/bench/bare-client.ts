/**
 * The least a Node program can do to query ApertureDB: one socket, the cleartext hello, one
 * Authenticate for the session token, then its own loop: write a request frame encoded before the
 * clock starts (with the package's pure protocol helpers), cut the answer by its 4-byte
 * little-endian length, decode the protobuf and `JSON.parse` its json field, as any client must.
 * No pool, no session manager, no retries, no response checks: the floor the driver is measured
 * against.
 */
import { connect, type Socket } from 'node:net';
import {
  aperturedbFrameCodec,
  decodeQueryMessageAt,
  encodeHello,
  parseHelloReply,
  type QueryMessageInput,
} from '../src/protocol/index.js';

const HEADER = 4;

/** One decoded answer: the parsed JSON and views of the blobs. */
export interface BareAnswer {
  readonly response: unknown;
  readonly blobs: Uint8Array[];
}

interface Waiter {
  /** The hello reply is 8 raw bytes, not a protobuf message. */
  readonly raw: boolean;
  resolve(answer: BareAnswer | Buffer): void;
  reject(error: Error): void;
}

const codec = aperturedbFrameCodec({ maxMessageBytes: 1024 * 1024 * 1024 });

/** One frame as one buffer (the codec hands large ones as header and payload), so one write sends it. */
export function encodeFrame(message: QueryMessageInput): Buffer {
  const encoded = codec.encode(message, undefined);
  return Array.isArray(encoded) ? Buffer.concat(encoded) : (encoded as Buffer);
}

export class BareApertureDBSocket {
  readonly #socket: Socket;
  /** Received bytes not yet cut into frames (concatenated once, when a frame is complete). */
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Length of the frame being received, header included; -1 while its header is incomplete. */
  #frameBytes = -1;
  #waiter: Waiter | undefined;
  #token = '';
  #failure: Error | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('bare socket closed')));
  }

  /** Connects to the server of an `aperturedb://user:password@host:port` URL, says hello, authenticates. */
  static async open(url: string): Promise<BareApertureDBSocket> {
    const parsed = new URL(url);
    const socket = connect({ host: parsed.hostname, port: Number(parsed.port) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const bare = new BareApertureDBSocket(socket);
    const hello = (await bare.#send(encodeHello('tcp'), true)) as Buffer;
    parseHelloReply(hello, 'tcp');
    const username = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    const { response } = await bare.exchange(bare.frame([{ Authenticate: { username, password } }]));
    const token = (response as [{ Authenticate?: { session_token?: unknown } }])[0]?.Authenticate
      ?.session_token;
    if (typeof token !== 'string') throw new Error(`Authenticate failed: ${JSON.stringify(response)}`);
    bare.#token = token;
    return bare;
  }

  /** The encoded request frame of `commands` (with the session token once authenticated). */
  frame(commands: readonly unknown[], blobs: readonly Uint8Array[] = []): Buffer {
    const token = this.#token === '' ? undefined : this.#token;
    return encodeFrame({ json: JSON.stringify(commands), blobs, token });
  }

  /** Writes one pre-encoded request and resolves with its decoded answer. */
  exchange(frame: Buffer): Promise<BareAnswer> {
    return this.#send(frame, false) as Promise<BareAnswer>;
  }

  close(): void {
    this.#socket.destroy();
  }

  #send(frame: Buffer, raw: boolean): Promise<BareAnswer | Buffer> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiter = { raw, resolve, reject };
      this.#socket.write(frame);
    });
  }

  #onData(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    for (;;) {
      if (this.#frameBytes < 0) {
        if (this.#buffered < HEADER) return;
        const head =
          (this.#chunks[0] as Buffer).length >= HEADER ? (this.#chunks[0] as Buffer) : this.#joined();
        this.#frameBytes = HEADER + head.readUInt32LE(0);
      }
      if (this.#buffered < this.#frameBytes) return;
      const buffer = this.#joined();
      const end = this.#frameBytes;
      const rest = buffer.subarray(end);
      this.#chunks = rest.length === 0 ? [] : [rest];
      this.#buffered = rest.length;
      this.#frameBytes = -1;
      this.#onFrame(buffer, end);
    }
  }

  /** All buffered bytes as one buffer: one copy per frame that came in several chunks. */
  #joined(): Buffer {
    if (this.#chunks.length !== 1) this.#chunks = [Buffer.concat(this.#chunks, this.#buffered)];
    return this.#chunks[0] as Buffer;
  }

  #onFrame(buffer: Buffer, end: number): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter === undefined) {
      this.#fail(new Error('a frame outside any answer'));
      return;
    }
    if (waiter.raw) {
      waiter.resolve(buffer.subarray(0, end));
      return;
    }
    try {
      const message = decodeQueryMessageAt(buffer, HEADER, end);
      waiter.resolve({ response: JSON.parse(message.json) as unknown, blobs: message.blobs });
    } catch (error) {
      waiter.reject(error as Error);
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(error);
  }
}
