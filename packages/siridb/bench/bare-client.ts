/**
 * The least a Node program can do to talk to SiriDB: one socket, packages encoded before the
 * clock starts, answers cut from the stream by their length header and decoded with our qpack.
 * It is the floor our client is measured against: one request at a time (or one burst), no checks.
 */
import { connect, type Socket } from 'node:net';
import { decodeQpack, encodeQpack } from '../src/index.js';

const HEADER = 8;
export const PackageType = { QUERY: 0, INSERT: 1, AUTH: 2 } as const;

/** A whole package (8-byte header, then the qpack payload), ready to write as it is. */
export function encodeBarePackage(type: number, payload: unknown, pid = 0): Buffer {
  const frame = encodeQpack(payload, { reserve: HEADER });
  frame.writeUInt32LE(frame.length - HEADER, 0);
  frame.writeUInt16LE(pid, 4);
  frame[6] = type;
  frame[7] = type ^ 0xff;
  return frame;
}

export interface BareLogin {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly dbname: string;
}

export class BareSiriDBSocket {
  readonly #socket: Socket;
  #buffered: Buffer = Buffer.alloc(0);
  #waiting: { resolve(answer: unknown): void; reject(error: Error): void } | undefined;
  /** During `burst()`: answers still to come. */
  #burstLeft = 0;
  #failure: Error | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('bare socket closed')));
  }

  /** Connects and authenticates. */
  static async open(login: BareLogin): Promise<BareSiriDBSocket> {
    const socket = connect({ host: login.host, port: login.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const bare = new BareSiriDBSocket(socket);
    await bare.exchange(encodeBarePackage(PackageType.AUTH, [login.username, login.password, login.dbname]));
    return bare;
  }

  /** Writes one package and resolves with its answer's decoded payload (rejects on an error type). */
  exchange(frame: Buffer): Promise<unknown> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#socket.write(frame);
    });
  }

  /**
   * Writes `frames` (pre-encoded, each with its own pid) in one write and resolves once as many
   * answers arrived, each decoded: the most a client can get from one connection.
   */
  burst(frames: Buffer): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    this.#burstLeft = countPackages(frames);
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve: () => resolve(), reject };
      this.#socket.write(frames);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    while (this.#buffered.length >= HEADER) {
      const end = HEADER + this.#buffered.readUInt32LE(0);
      if (this.#buffered.length < end) return;
      const type = this.#buffered[6] as number;
      const payload = this.#buffered.subarray(HEADER, end);
      this.#buffered = this.#buffered.subarray(end);
      const answer = payload.length === 0 ? undefined : decodeQpack(payload);
      if (this.#burstLeft > 1 && type < 64) {
        this.#burstLeft -= 1;
        continue;
      }
      this.#burstLeft = 0;
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (type >= 64) waiting?.reject(new Error(`server answered type ${type}: ${JSON.stringify(answer)}`));
      else waiting?.resolve(answer);
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(error);
  }
}

/** How many packages `frames` holds, back to back. */
function countPackages(frames: Buffer): number {
  let count = 0;
  for (let at = 0; at < frames.length; at += HEADER + frames.readUInt32LE(at)) count++;
  return count;
}
