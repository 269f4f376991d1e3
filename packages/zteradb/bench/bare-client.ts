/**
 * The least a Node program can do to stream a ZTeraDB select: one socket, requests encoded
 * before the clock starts (with the package's pure protocol helpers), and its own loop cutting
 * frames by their 4-byte big-endian length and `JSON.parse`-ing each until QUERY_COMPLETE. No
 * envelope checks, no iterators, no pool: the floor the driver is measured against.
 */
import { connect, type Socket } from 'node:net';
import {
  optionsFromUrl,
  type ResolvedZTeraDBOptions,
  resolveOptions,
  Secret,
  ZTeraDBQuery,
} from '../src/index.js';
import { buildConnectRequest, buildQueryRequest, zteradbJsonCodec } from '../src/protocol/index.js';

const HEADER = 4;
const CONNECTED = 2;
const ROW = 7;
const QUERY_COMPLETE = 1544;

/**
 * A row frame of the test server starts with these bytes (its key order is fixed), so `scan`
 * mode can count it without parsing; any other frame is parsed.
 */
const ROW_PREFIX = Buffer.from('{"error":false,"response_code":7,');

/** `parse`: every frame through `JSON.parse`. `scan`: framing only (the server's write rate). */
export type ReadMode = 'parse' | 'scan';

interface Answer {
  readonly mode: ReadMode;
  rows: number;
  resolve(rows: number): void;
  reject(error: Error): void;
}

interface FrameObject {
  readonly error?: unknown;
  readonly response_code?: unknown;
  readonly data?: { readonly access_token?: unknown; readonly zteradb_error?: unknown };
}

export class BareZTeraDBSocket {
  readonly #socket: Socket;
  readonly #options: ResolvedZTeraDBOptions;
  /** Bytes of a frame cut by a chunk boundary. */
  #pending: Buffer | undefined;
  #answer: Answer | undefined;
  #accessToken: string | undefined;
  #failure: Error | undefined;

  private constructor(socket: Socket, options: ResolvedZTeraDBOptions) {
    this.#socket = socket;
    this.#options = options;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('bare socket closed')));
  }

  /** Connects to the server of a `zteradb://` URL and completes the handshake. */
  static async open(url: string): Promise<BareZTeraDBSocket> {
    const options = resolveOptions(optionsFromUrl(url));
    const socket = connect({ host: options.host, port: options.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const bare = new BareZTeraDBSocket(socket, options);
    await bare.exchange(encode(buildConnectRequest(options).frame), 'parse');
    if (bare.#accessToken === undefined) throw new Error('the server sent no access_token');
    return bare;
  }

  /** The encoded QUERY frame of `select()` over `schema` (its first `limit` rows), for {@link exchange}. */
  selectFrame(schema: string, limit?: number): Buffer {
    const options = this.#options;
    const select = ZTeraDBQuery(schema).select();
    return encode(
      buildQueryRequest({
        clientKey: options.clientKey,
        accessToken: new Secret(this.#accessToken ?? ''),
        databaseId: options.databaseId,
        env: options.env,
        query: limit === undefined ? select : select.limit(0, limit),
      }),
    );
  }

  /** Writes one request and resolves with the number of row frames of its answer. */
  exchange(frame: Buffer, mode: ReadMode): Promise<number> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#answer = { mode, rows: 0, resolve, reject };
      this.#socket.write(frame);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    const buffer = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk]);
    let at = 0;
    while (buffer.length - at >= HEADER) {
      const end = at + HEADER + buffer.readUInt32BE(at);
      if (end > buffer.length) break;
      this.#onFrame(buffer, at + HEADER, end);
      at = end;
    }
    this.#pending = at === buffer.length ? undefined : buffer.subarray(at);
  }

  #onFrame(buffer: Buffer, start: number, end: number): void {
    const answer = this.#answer;
    if (answer === undefined) {
      this.#fail(new Error('a frame outside any answer'));
      return;
    }
    if (answer.mode === 'scan' && isRowFrame(buffer, start, end)) {
      answer.rows += 1;
      return;
    }
    const frame = JSON.parse(buffer.toString('utf8', start, end)) as FrameObject;
    if (frame.error === true) {
      this.#answer = undefined;
      answer.reject(
        new Error(`server error ${String(frame.response_code)}: ${String(frame.data?.zteradb_error)}`),
      );
    } else if (frame.response_code === ROW) {
      // In scan mode a row frame that missed ROW_PREFIX would make the figure a parse rate.
      if (answer.mode === 'scan') {
        this.#answer = undefined;
        answer.reject(new Error('scan mode: a row frame does not start with the expected bytes'));
        return;
      }
      answer.rows += 1;
    } else if (frame.response_code === QUERY_COMPLETE) {
      this.#answer = undefined;
      answer.resolve(answer.rows);
    } else if (frame.response_code === CONNECTED && typeof frame.data?.access_token === 'string') {
      this.#accessToken = frame.data.access_token;
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const answer = this.#answer;
    this.#answer = undefined;
    answer?.reject(error);
  }
}

const codec = zteradbJsonCodec();

function encode(frame: Parameters<typeof codec.encode>[0]): Buffer {
  return codec.encode(frame, undefined) as Buffer;
}

function isRowFrame(buffer: Buffer, start: number, end: number): boolean {
  return (
    end - start > ROW_PREFIX.length &&
    buffer.compare(ROW_PREFIX, 0, ROW_PREFIX.length, start, start + ROW_PREFIX.length) === 0
  );
}
