/**
 * A bare protocol client for the test server's own tests: it writes packages and reads answers
 * exactly as they come off the socket, with no driver logic in between. Not exported from the
 * package.
 * @internal
 */
import net, { type Socket } from 'node:net';
import { FrameReader } from '@conn/core';
import {
  decodePackage,
  encodePackage,
  HEADER_SIZE,
  packageLength,
  type SiriPackage,
} from '../protocol/package.js';
import { decodeQpack, encodeQpack, type QpackInput } from '../protocol/qpack.js';

/** One received package; `bytes` is the whole package, header included. */
export interface RawPackage extends SiriPackage {
  readonly bytes: Buffer;
}

/** An answer with its payload decoded (doubles as `QpackFloat`, big integers as `bigint`). */
export interface RawAnswer {
  readonly type: number;
  readonly pid: number;
  readonly data: unknown;
  readonly package: RawPackage;
}

/** Decodes a package's payload (`undefined` when empty). */
export function decodeAnswer(pkg: RawPackage): RawAnswer {
  const data = pkg.payload.length === 0 ? undefined : decodeQpack(pkg.payload, { floats: 'wrap' });
  return { type: pkg.type, pid: pkg.pid, data, package: pkg };
}

export class RawClient {
  readonly socket: Socket;
  /** Resolves when the socket has closed (for any reason). */
  readonly closed: Promise<void>;
  readonly #reader = new FrameReader({ maxFrameBytes: 1 << 30, frameLength: packageLength });
  readonly #received: RawPackage[] = [];
  readonly #waiters: {
    pid: number | undefined;
    resolve: (pkg: RawPackage) => void;
    reject: (error: Error) => void;
  }[] = [];
  #nextPid = 1;
  #ended = false;
  /** Every byte received, in order. */
  readonly raw: Buffer[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      this.raw.push(chunk);
      this.#reader.push(chunk);
      for (let frame = this.#reader.next(); frame !== undefined; frame = this.#reader.next()) {
        const pkg = decodePackage(frame);
        this.#deliver({
          pid: pkg.pid,
          type: pkg.type,
          payload: Buffer.from(pkg.payload),
          bytes: Buffer.from(frame),
        });
      }
    });
    socket.on('close', () => {
      this.#ended = true;
      for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error('socket closed'));
    });
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        // no Nagle delay: back-to-back packages must leave at once
        socket.setNoDelay(true);
        resolve(new RawClient(socket));
      });
    });
  }

  #deliver(pkg: RawPackage): void {
    const index = this.#waiters.findIndex((waiter) => waiter.pid === undefined || waiter.pid === pkg.pid);
    if (index === -1) {
      this.#received.push(pkg);
      return;
    }
    const [waiter] = this.#waiters.splice(index, 1);
    waiter?.resolve(pkg);
  }

  /** Sends one package; `payload` is qpack-encoded unless it already is a Buffer. Returns its pid. */
  send(type: number, payload?: QpackInput | Buffer, pid: number = this.#nextPid++ & 0xffff): number {
    const bytes =
      payload === undefined
        ? undefined
        : Buffer.isBuffer(payload)
          ? payload
          : encodeQpack(payload as QpackInput);
    this.socket.write(encodePackage(pid, type, bytes));
    return pid;
  }

  /** Writes bytes as they are. */
  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The next package to arrive (any pid), or the answer for `pid`. */
  next(pid?: number): Promise<RawPackage> {
    const index = this.#received.findIndex((pkg) => pid === undefined || pkg.pid === pid);
    if (index !== -1) return Promise.resolve(this.#received.splice(index, 1)[0] as RawPackage);
    if (this.#ended) return Promise.reject(new Error('socket closed'));
    return new Promise((resolve, reject) => this.#waiters.push({ pid, resolve, reject }));
  }

  /** Sends a request and waits for its answer. */
  request(type: number, payload?: QpackInput | Buffer): Promise<RawPackage> {
    return this.next(this.send(type, payload));
  }

  /** `[username, password, dbname]` auth; returns the answer type (2, 72, 73). */
  async auth(username = 'iris', password = 'siri', dbname = 'dbtest'): Promise<number> {
    return (await this.request(2, [username, password, dbname])).type;
  }

  /** A query (type 0) with an optional time precision (null by default). */
  async query(query: string, timePrecision: QpackInput = null): Promise<RawAnswer> {
    return decodeAnswer(await this.request(0, [query, timePrecision]));
  }

  /** An insert (type 1). */
  async insert(data: QpackInput | Buffer): Promise<RawAnswer> {
    return decodeAnswer(await this.request(1, data));
  }

  /** A service request (type 32); `options` is left out when undefined. */
  async service(
    account: string,
    password: string,
    request: number,
    options?: QpackInput,
  ): Promise<RawAnswer> {
    const payload: QpackInput[] = [account, password, request];
    if (options !== undefined) payload.push(options);
    return decodeAnswer(await this.request(32, payload));
  }

  /** Packages received that nobody asked for yet. */
  get pending(): readonly RawPackage[] {
    return this.#received;
  }

  /** Closes the socket and waits for it to close. */
  async close(): Promise<void> {
    this.socket.destroy();
    await this.closed;
  }
}

/** The header length, re-exported for tests that build packages by hand. */
export const RAW_HEADER_SIZE: number = HEADER_SIZE;
