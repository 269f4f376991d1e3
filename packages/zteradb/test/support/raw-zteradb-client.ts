/**
 * A bare ZTeraDB socket client for testing the test server: it writes and reads real frames with
 * the shared pure codec over node:net and nothing else of the driver.
 */
import net, { type Socket } from 'node:net';
import { FrameReader, Secret } from '@conn/core';
import {
  buildConnectRequest,
  type JsonObject,
  RequestType,
  type WireObject,
  zteradbJsonCodec,
} from '../../src/protocol/index.js';

const codec = zteradbJsonCodec();

/** The keys every integration test uses. */
export const TEST_KEY = {
  clientKey: 'CLIENTKEY0000000000000000AA',
  accessKey: 'ACCESSKEY0000000000000000BB',
  secretKey: 's3cr3t-key',
} as const;

export class RawZTeraDBClient {
  readonly #socket: Socket;
  readonly #reader = new FrameReader(codec);
  readonly #frames: JsonObject[] = [];
  #waiter: (() => void) | undefined;
  #closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#reader.push(chunk);
      for (let bytes = this.#reader.next(); bytes !== undefined; bytes = this.#reader.next()) {
        this.#frames.push(codec.decode(bytes));
      }
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawZTeraDBClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawZTeraDBClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends one frame encoded by the shared codec. */
  send(frame: WireObject): void {
    this.#socket.write(codec.encode(frame, undefined) as Buffer);
  }

  /** Sends raw bytes (for malformed frames). */
  sendBytes(bytes: Buffer): void {
    this.#socket.write(bytes);
  }

  /** The next frame; rejects when the server closes before one arrives. */
  async next(): Promise<JsonObject> {
    for (;;) {
      const frame = this.#frames.shift();
      if (frame !== undefined) return frame;
      if (this.#closed) throw new Error('the server closed the connection');
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
    }
  }

  /** Frames up to and including QUERY_COMPLETE (1544), or the first error frame. */
  async readResponse(): Promise<JsonObject[]> {
    const frames: JsonObject[] = [];
    for (;;) {
      const frame = await this.next();
      frames.push(frame);
      if (frame.error === true || frame.response_code === 1544) return frames;
    }
  }

  /** Resolves once the server has closed the connection. Returns the frames left unread. */
  async closedByServer(): Promise<JsonObject[]> {
    while (!this.#closed) {
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
    }
    return this.#frames.splice(0);
  }

  /** Signs and sends CONNECT, then reads until QUERY_COMPLETE or an error frame. */
  async handshake(
    overrides: { timestamp?: number; nonce?: string; secretKey?: string; clientKey?: string } = {},
  ): Promise<JsonObject[]> {
    const { frame } = buildConnectRequest({
      clientKey: new Secret(overrides.clientKey ?? TEST_KEY.clientKey),
      accessKey: new Secret(TEST_KEY.accessKey),
      secretKey: new Secret(overrides.secretKey ?? TEST_KEY.secretKey),
      databaseId: 'DB1',
      env: 'dev',
      timestamp: overrides.timestamp,
      nonce: overrides.nonce,
    });
    this.send(frame);
    return this.readResponse();
  }

  /** Sends a QUERY envelope in the Python shape (no token), which the server must accept. */
  query(query: unknown, databaseId = 'DB1'): Promise<JsonObject[]> {
    this.send({
      query: query as WireObject,
      request_type: RequestType.QUERY,
      database_id: databaseId,
      env: 'dev',
    });
    return this.readResponse();
  }

  close(): void {
    this.#socket.destroy();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }
}

/** The `data` of every code-7 frame of a response. */
export function rowsOf(frames: readonly JsonObject[]): JsonObject[] {
  return frames.filter((frame) => frame.response_code === 7).map((frame) => frame.data as JsonObject);
}
