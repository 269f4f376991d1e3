import {
  type CallOptions,
  type ConnError,
  ConnectionError,
  connectSocket,
  type EventPublisher,
  FramedConnection,
  ProtocolError,
  type RequestOptions,
  type Secret,
} from '@conn/core';
import { errorFromPackage, unexpectedResponse } from './errors.js';
import { isErrorType, RequestType, ResponseType, type SiriPackage } from './protocol/package.js';
import { DEFAULT_MAX_PACKAGE_BYTES, type SiriRequest, siriPackageCodec } from './protocol/package-codec.js';
import { decodeQpack, encodeQpack, type QpackDecodeOptions } from './protocol/qpack.js';

/** Database login of a connection. Service connections have none. */
export interface SiriDBLogin {
  readonly username: string;
  readonly password: Secret;
  readonly dbname: string;
}

/** Options of {@link SiriDBConnection.open}. */
export interface SiriDBConnectionOptions {
  readonly host: string;
  readonly port: number;
  /** Authenticate as this database user right after connecting (before anything else). */
  readonly login?: SiriDBLogin | undefined;
  readonly connectTimeoutMs: number;
  readonly authTimeoutMs: number;
  /** Ping after this much silence; a ping that fails closes the connection. 0 = no keepalive. */
  readonly keepaliveIntervalMs: number;
  readonly pingTimeoutMs: number;
  readonly maxPackageBytes?: number | undefined;
  readonly decode: QpackDecodeOptions;
  readonly events?: EventPublisher | undefined;
  /** Told once when the connection stops being usable (`undefined` after a clean close). */
  readonly onClose?: ((error: ConnError | undefined) => void) | undefined;
}

const EMPTY = Buffer.alloc(0);

/**
 * One authenticated socket to one SiriDB server. Requests are multiplexed by pid and may be
 * answered out of order; every answer is checked against the types its request allows, and an
 * unknown type fails that request at once.
 */
export class SiriDBConnection {
  readonly host: string;
  readonly port: number;
  readonly #framed: FramedConnection<SiriRequest, SiriPackage>;
  readonly #options: SiriDBConnectionOptions;
  #keepaliveTimer: NodeJS.Timeout | undefined;
  #pinging = false;

  private constructor(framed: FramedConnection<SiriRequest, SiriPackage>, options: SiriDBConnectionOptions) {
    this.#framed = framed;
    this.#options = options;
    this.host = options.host;
    this.port = options.port;
    this.#scheduleKeepalive();
  }

  /** Connects, and authenticates when `login` is given. */
  static async open(options: SiriDBConnectionOptions, signal?: AbortSignal): Promise<SiriDBConnection> {
    const socket = await connectSocket({
      host: options.host,
      port: options.port,
      connectTimeoutMs: options.connectTimeoutMs,
      signal,
      events: options.events,
    });
    let connection: SiriDBConnection | undefined;
    const framed = new FramedConnection<SiriRequest, SiriPackage>(socket, {
      codec: siriPackageCodec(options.maxPackageBytes ?? DEFAULT_MAX_PACKAGE_BYTES),
      correlation: { mode: 'by-id', idOf: (response) => response.pid, maxId: 0xffff },
      target: { host: options.host, port: options.port },
      events: options.events,
      onClose: (error) => {
        if (connection !== undefined) connection.#stopKeepalive();
        options.onClose?.(error);
      },
    });
    connection = new SiriDBConnection(framed, options);
    if (options.login !== undefined) {
      try {
        await connection.#authenticate(options.login, signal);
      } catch (error) {
        framed.destroy();
        throw error;
      }
    }
    return connection;
  }

  /** True until the socket closes or fails. */
  get isOpen(): boolean {
    return this.#framed.isOpen;
  }

  /** Requests waiting for an answer. */
  get pendingCount(): number {
    return this.#framed.pendingCount;
  }

  /** Runs a query; `timePrecision` is the server's 0..3 or `null` for the database's own. */
  query(
    query: string,
    timePrecision: number | null,
    options: RequestOptions,
  ): Promise<Record<string, unknown>> {
    let payload: Buffer;
    try {
      payload = encodeQpack([query, timePrecision]);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#request(RequestType.QUERY, payload, options, ResponseType.QUERY, 'query') as Promise<
      Record<string, unknown>
    >;
  }

  /** Sends an already encoded insert payload (the same bytes can go to another host on retry). */
  insert(payload: Buffer, options: RequestOptions): Promise<Record<string, unknown>> {
    return this.#request(RequestType.INSERT, payload, options, ResponseType.INSERT, 'insert') as Promise<
      Record<string, unknown>
    >;
  }

  /** Sends a ping and waits for its acknowledgement. */
  async ping(options: RequestOptions): Promise<void> {
    await this.#request(RequestType.PING, EMPTY, options, ResponseType.ACK, 'ping');
  }

  /**
   * Sends a service (admin) request. Resolves with the data of a 33 answer, or `undefined` for a
   * plain 32 acknowledgement.
   */
  async service(payload: Buffer, options: CallOptions): Promise<unknown> {
    const answer = await this.#framed.request({ type: RequestType.SERVICE, payload }, options);
    if (answer.type === ResponseType.ACK_SERVICE) return undefined;
    if (answer.type === ResponseType.ACK_SERVICE_DATA) return this.#decode(answer);
    throw this.#failure(answer, 'a service acknowledgement');
  }

  /** Closes after requests in flight are answered (or `timeoutMs` passes). */
  async close(timeoutMs?: number): Promise<void> {
    this.#stopKeepalive();
    await this.#framed.close(timeoutMs === undefined ? {} : { timeoutMs });
  }

  /** Closes at once; pending requests fail with `ConnectionError`. */
  destroy(error?: ConnError): void {
    this.#stopKeepalive();
    this.#framed.destroy(error);
  }

  async #authenticate(login: SiriDBLogin, signal: AbortSignal | undefined): Promise<void> {
    const payload = encodeQpack([login.username, login.password.reveal(), login.dbname]);
    await this.#request(
      RequestType.AUTH,
      payload,
      { signal, timeoutMs: this.#options.authTimeoutMs },
      ResponseType.AUTH_SUCCESS,
      'authentication',
    );
  }

  /** One request and its checked, decoded answer (a plain promise chain: this runs per request). */
  #request(
    type: number,
    payload: Buffer,
    options: RequestOptions,
    expected: number,
    what: string,
  ): Promise<unknown> {
    return this.#framed.request({ type, payload }, options).then((answer) => {
      if (answer.type !== expected) throw this.#failure(answer, `${what} answer type ${expected}`);
      return answer.payload.length === 0 ? undefined : this.#decode(answer);
    });
  }

  #decode(answer: SiriPackage): unknown {
    try {
      return decodeQpack(answer.payload, this.#options.decode);
    } catch (error) {
      // A payload we cannot read leaves the stream intact (framing is separate), but the answer is lost.
      throw new ProtocolError(`undecodable SiriDB payload for package type ${answer.type}`, {
        code: 'CONN_SIRIDB_BAD_PAYLOAD',
        cause: error,
        details: this.#details(answer),
      });
    }
  }

  #failure(answer: SiriPackage, expected: string): ConnError {
    if (!isErrorType(answer.type)) return unexpectedResponse(answer.type, expected, this.#details(answer));
    const payload = answer.payload.length === 0 ? undefined : safeDecode(answer.payload);
    return errorFromPackage(answer.type, payload, this.#details(answer));
  }

  #details(answer: SiriPackage): Record<string, string | number> {
    return { host: this.host, port: this.port, pid: answer.pid };
  }

  #scheduleKeepalive(): void {
    const interval = this.#options.keepaliveIntervalMs;
    if (interval <= 0 || !this.#framed.isOpen) return;
    const silentFor = performance.now() - this.#framed.lastActivityAt;
    this.#keepaliveTimer = setTimeout(() => this.#keepalive(), Math.max(0, interval - silentFor));
    this.#keepaliveTimer.unref();
  }

  async #keepalive(): Promise<void> {
    this.#keepaliveTimer = undefined;
    if (!this.#framed.isOpen || this.#pinging) return;
    if (performance.now() - this.#framed.lastActivityAt >= this.#options.keepaliveIntervalMs) {
      this.#pinging = true;
      try {
        await this.ping({ timeoutMs: this.#options.pingTimeoutMs });
      } catch (error) {
        // A peer that does not answer a ping is dead to us: closing starts the reconnect loop.
        this.#framed.destroy(
          new ConnectionError(`keepalive ping to ${this.host}:${this.port} failed`, {
            code: 'CONN_SIRIDB_KEEPALIVE_FAILED',
            cause: error,
            details: { host: this.host, port: this.port },
          }),
        );
      } finally {
        this.#pinging = false;
      }
    }
    this.#scheduleKeepalive();
  }

  #stopKeepalive(): void {
    if (this.#keepaliveTimer !== undefined) clearTimeout(this.#keepaliveTimer);
    this.#keepaliveTimer = undefined;
  }
}

function safeDecode(payload: Buffer): unknown {
  try {
    return decodeQpack(payload);
  } catch {
    return undefined;
  }
}
