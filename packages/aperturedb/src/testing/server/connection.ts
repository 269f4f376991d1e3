/**
 * One client connection of the test server: the cleartext hello, the in-place TLS upgrade on the
 * same socket, then request frames answered one at a time and in order, with the server's faults
 * applied (docs/protocols/aperturedb.md, handshake and test server).
 * @internal
 */
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { type FrameCodec, FrameReader } from '@conn/core';
import { HELLO_FRAME_BYTES, type QueryMessage, type QueryMessageInput } from '../../protocol/index.js';
import type { DatabaseReply, DatabaseRequest, TestDatabase } from '../database/index.js';
import type { ApertureDBFault, FaultList } from './faults.js';
import { type ApertureDBAllowedProtocols, negotiateHello } from './hello-negotiation.js';
import type { ApertureDBTestServerTls } from './listener.js';

/** What a connection needs of the database: the whole server minus sockets. */
export type DatabasePort = Pick<TestDatabase, 'handle'>;

/** The server-wide settings and state a connection answers from. */
export interface ConnectionSettings {
  readonly allowed: ApertureDBAllowedProtocols;
  readonly tls: ApertureDBTestServerTls | undefined;
  readonly codec: FrameCodec<QueryMessageInput, QueryMessage>;
  readonly database: DatabasePort;
  readonly faults: FaultList;
  /** Called for every decoded request, in arrival order, before it is queued. */
  readonly onRequest: (connection: ServerConnection, request: DatabaseRequest) => void;
  /** Called once when the connection is gone. */
  readonly onClose: (connection: ServerConnection) => void;
}

/** The answer to a request whose response does not fit the message limit (the real server's status 4). */
const RESPONSE_TOO_LARGE = JSON.stringify({ info: 'Response size is too large', status: 4 });

export class ServerConnection {
  readonly id: number;
  readonly #raw: Socket;
  readonly #settings: ConnectionSettings;
  /** The socket frames travel on: the raw one, or the TLS socket over it after the upgrade. */
  #stream: Socket;
  #hello: Buffer[] = [];
  #helloBytes = 0;
  readonly #reader: FrameReader;
  readonly #queue: DatabaseRequest[] = [];
  #busy = false;
  /** Set by a `'stall'` fault: queued requests wait until {@link release}. */
  #stalled = false;
  /** Set by `'drop-after-frames'`: answers left before the socket is destroyed. */
  #answersBeforeDrop: number | undefined;
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(id: number, raw: Socket, settings: ConnectionSettings) {
    this.id = id;
    this.#raw = raw;
    this.#stream = raw;
    this.#settings = settings;
    this.#reader = new FrameReader(settings.codec);
    raw.setNoDelay(true);
    raw.on('error', () => this.destroy());
    raw.on('close', () => this.#gone());
    raw.on('data', this.#onHelloData);
  }

  /** Ends the connection at once (the client sees the socket drop). */
  destroy(): void {
    this.#stream.destroy();
    this.#raw.destroy();
    this.#gone();
  }

  /** Lets a stalled connection answer its held requests, in order. */
  release(): void {
    if (!this.#stalled) return;
    this.#stalled = false;
    void this.#pump();
  }

  readonly #onHelloData = (chunk: Buffer): void => {
    this.#hello.push(chunk);
    this.#helloBytes += chunk.length;
    if (this.#helloBytes < HELLO_FRAME_BYTES) return;
    this.#raw.off('data', this.#onHelloData);
    const received = Buffer.concat(this.#hello);
    this.#hello = [];
    const rest = received.subarray(HELLO_FRAME_BYTES);
    const outcome = negotiateHello(received.subarray(0, HELLO_FRAME_BYTES), this.#settings.allowed);
    if (outcome.next === 'close') {
      // What the real server does: write the refusal (if any), then close.
      this.#raw.end(outcome.reply);
      return;
    }
    this.#raw.write(outcome.reply);
    if (outcome.next === 'tcp') {
      this.#startFrames(this.#raw, rest);
      return;
    }
    this.#upgrade(rest);
  };

  /** TLS on the same socket; bytes the client sent right after its hello go into the TLS layer first. */
  #upgrade(rest: Buffer): void {
    const material = this.#settings.tls as ApertureDBTestServerTls;
    this.#raw.pause();
    // A TLSSocket feeds what the wrapped socket has buffered into TLS before reading on.
    if (rest.length > 0) this.#raw.unshift(rest);
    const secure = new tls.TLSSocket(this.#raw, { isServer: true, key: material.key, cert: material.cert });
    this.#stream = secure;
    secure.on('error', () => this.destroy());
    secure.on('close', () => this.#gone());
    secure.once('secure', () => this.#startFrames(secure, Buffer.alloc(0)));
  }

  #startFrames(stream: Socket, rest: Buffer): void {
    stream.on('data', (chunk: Buffer) => this.#onFrameData(chunk));
    if (rest.length > 0) this.#onFrameData(rest);
    stream.resume();
  }

  #onFrameData(chunk: Buffer): void {
    if (this.#closed) return;
    this.#reader.push(chunk);
    const { codec } = this.#settings;
    for (;;) {
      let message: QueryMessage | undefined;
      try {
        const frame = this.#reader.next();
        message = frame === undefined ? undefined : codec.decode(frame);
      } catch {
        // Too large or malformed: the real server drops the connection without a reply.
        this.destroy();
        return;
      }
      if (message === undefined) break;
      const request: DatabaseRequest = {
        json: message.json,
        // Copies: the request may wait in the queue, and the database may keep its blobs.
        blobs: message.blobs.map((blob) => Uint8Array.from(blob)),
        token: message.token,
      };
      this.#settings.onRequest(this, request);
      this.#queue.push(request);
    }
    void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#busy || this.#stalled) return;
    this.#busy = true;
    try {
      while (!this.#stalled && !this.#closed) {
        const request = this.#queue.shift();
        if (request === undefined) break;
        // A held request taken again after `clearFaults()` finds no fault left.
        await this.#answer(request, this.#settings.faults.take());
      }
    } catch {
      // A bug in the database must not crash the test process: the client sees the socket drop.
      this.destroy();
    } finally {
      this.#busy = false;
    }
    // A release that came while the last answer was being written.
    if (!this.#stalled && !this.#closed && this.#queue.length > 0) void this.#pump();
  }

  async #answer(request: DatabaseRequest, fault: ApertureDBFault | undefined): Promise<void> {
    switch (fault?.kind) {
      case 'drop-request':
        this.destroy();
        return;
      case 'drop-after-execute':
        await this.#settings.database.handle(request);
        this.destroy();
        return;
      case 'stall':
        // This request is held too: it is answered first on release.
        this.#queue.unshift(request);
        this.#stalled = true;
        return;
      case 'delay':
        await this.#sleep(fault.ms);
        if (this.#closed) return;
        break;
      case 'drop-after-frames':
        this.#answersBeforeDrop = fault.frames;
        break;
      default:
        break;
    }
    if (this.#answersBeforeDrop === 0) {
      this.destroy();
      return;
    }
    const reply = await this.#settings.database.handle(request);
    if (this.#closed) return;
    this.#write(reply);
    if (this.#answersBeforeDrop !== undefined) {
      this.#answersBeforeDrop -= 1;
      if (this.#answersBeforeDrop === 0) this.destroy();
    }
  }

  /** Header and payload in one write, as the official Python client's reader needs. */
  #write(reply: DatabaseReply): void {
    let encoded: Buffer | Buffer[];
    try {
      encoded = this.#settings.codec.encode({ json: reply.json, blobs: reply.blobs }, undefined);
    } catch {
      encoded = this.#settings.codec.encode({ json: RESPONSE_TOO_LARGE }, undefined);
    }
    this.#stream.write(Array.isArray(encoded) ? Buffer.concat(encoded) : encoded);
  }

  /** A timer that dies with the connection; it keeps the process alive, since a test awaits it. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  #gone(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#settings.onClose(this);
  }
}
