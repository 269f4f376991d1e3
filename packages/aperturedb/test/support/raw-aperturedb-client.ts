/**
 * A bare ApertureDB socket client for testing the test server: it writes the hello and real frames
 * with the shared pure codec over node:net / node:tls and nothing else of the driver.
 */
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import {
  aperturedbFrameCodec,
  encodeHello,
  HELLO_FRAME_BYTES,
  type QueryMessage,
  type QueryMessageInput,
  type RequestedProtocol,
} from '../../src/protocol/index.js';

const codec = aperturedbFrameCodec();

export class RawApertureDBClient {
  readonly #raw: Socket;
  #stream: Socket;
  #pending: Buffer = Buffer.alloc(0);
  #waiter: (() => void) | undefined;
  #closed = false;
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.#raw = socket;
    this.#stream = socket;
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#closed = true;
        this.#wake();
        resolve();
      });
    });
    socket.on('error', () => undefined);
    socket.on('data', this.#onData);
  }

  static connect(port: number): Promise<RawApertureDBClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawApertureDBClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Connects, sends the hello and checks the server agreed to `protocol` exactly. */
  static async open(
    port: number,
    protocol: 'tcp' | 'tls' = 'tcp',
    tlsOptions: tls.ConnectionOptions = {},
  ): Promise<RawApertureDBClient> {
    const client = await RawApertureDBClient.connect(port);
    client.sendBytes(encodeHello(protocol));
    const reply = await client.readBytes(HELLO_FRAME_BYTES);
    if (reply.readUInt32LE(8) !== (protocol === 'tls' ? 2 : 1)) {
      client.destroy();
      throw new Error(`hello refused: ${reply.toString('hex')}`);
    }
    if (protocol === 'tls') await client.upgrade(tlsOptions);
    return client;
  }

  sendHello(protocol: RequestedProtocol): void {
    this.sendBytes(encodeHello(protocol));
  }

  sendBytes(bytes: Buffer): void {
    this.#stream.write(bytes);
  }

  /** Sends one message encoded by the shared codec. */
  send(message: QueryMessageInput): void {
    const encoded = codec.encode(message, undefined);
    this.#stream.write(Array.isArray(encoded) ? Buffer.concat(encoded) : encoded);
  }

  /** Sends one message and parses the JSON of the answer. */
  async query(json: unknown, token?: string, blobs?: Uint8Array[]): Promise<unknown> {
    this.send({ json: JSON.stringify(json), token, blobs });
    return JSON.parse((await this.next()).json) as unknown;
  }

  /** Exactly `count` bytes; rejects when the server closes first. */
  async readBytes(count: number): Promise<Buffer> {
    while (this.#pending.length < count) await this.#more();
    const bytes = this.#pending.subarray(0, count);
    this.#pending = this.#pending.subarray(count);
    return bytes;
  }

  /** The next message; rejects when the server closes before one arrives. */
  async next(): Promise<QueryMessage> {
    const header = await this.readBytes(4);
    const body = await this.readBytes(header.readUInt32LE(0));
    return codec.decode(Buffer.concat([header, body]));
  }

  /** Starts TLS on the same socket (after the hello), verifying with `options` (e.g. `ca`). */
  upgrade(options: tls.ConnectionOptions): Promise<void> {
    this.#raw.off('data', this.#onData);
    return new Promise((resolve, reject) => {
      const secure = tls.connect({ ...options, socket: this.#raw }, () => resolve());
      secure.once('error', reject);
      secure.on('data', this.#onData);
      this.#stream = secure;
    });
  }

  /** The cleartext socket, for a test that drives TLS by hand. */
  get socket(): Socket {
    return this.#raw;
  }

  /** Bytes the client holds that no read consumed. */
  get pendingBytes(): number {
    return this.#pending.length;
  }

  destroy(): void {
    this.#stream.destroy();
    this.#raw.destroy();
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    this.#wake();
  };

  #more(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the server closed the connection'));
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }
}

/** The token of a successful Authenticate answer. */
export function sessionTokenOf(answer: unknown): string {
  const token = (answer as [{ Authenticate: { session_token?: unknown } }])[0].Authenticate.session_token;
  if (typeof token !== 'string') throw new Error(`no session token in ${JSON.stringify(answer)}`);
  return token;
}

export const AUTHENTICATE_ADMIN: readonly object[] = [
  { Authenticate: { username: 'admin', password: 'admin' } },
];

/** A cleartext client already authenticated as admin, with its session token. */
export async function authenticatedClient(
  port: number,
): Promise<{ client: RawApertureDBClient; token: string }> {
  const client = await RawApertureDBClient.open(port, 'tcp');
  return { client, token: sessionTokenOf(await client.query(AUTHENTICATE_ADMIN)) };
}

/** How many entities of `className` the server holds, asked on a fresh connection. */
export async function countEntities(port: number, className: string): Promise<number> {
  const { client, token } = await authenticatedClient(port);
  try {
    const answer = (await client.query(
      [{ FindEntity: { with_class: className, results: { count: true } } }],
      token,
    )) as [{ FindEntity: { count: number } }];
    return answer[0].FindEntity.count;
  } finally {
    client.destroy();
  }
}
