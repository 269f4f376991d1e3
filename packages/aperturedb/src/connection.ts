import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import {
  type CancelSource,
  ConfigError,
  type ConnError,
  connectSocket,
  FramedConnection,
  readFrame,
  type TlsUpgradeOptions,
  upgradeToTls,
} from '@conn/core';
import type { ResolvedApertureDBOptions, ResolvedTls } from './options.js';
import { aperturedbFrameCodec } from './protocol/frame-codec.js';
import { encodeHello, helloReplyCodec } from './protocol/hello.js';
import type { QueryMessage, QueryMessageInput } from './protocol/query-message.js';

/** Options of one {@link ApertureDBConnection.request}. */
export interface ApertureDBRequestOptions {
  /** The call's end (deadline or abort), told cheaply; see core's `CancelSource`. */
  readonly cancel?: CancelSource | undefined;
  /** Ends the request with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * One socket to an ApertureDB server: the cleartext hello (docs/protocols/aperturedb.md,
 * handshake), the in-place TLS upgrade when TLS was agreed (certificates verified unless the
 * options say `insecure`), then protobuf `queryMessage`s in 4-byte little-endian frames, one
 * request at a time, answered in order. Sessions are not bound to a socket: the token travels in
 * every message, so this class knows nothing of them.
 */
export class ApertureDBConnection {
  readonly #framed: FramedConnection<QueryMessageInput, QueryMessage>;
  /** `'tls'` when the upgrade happened. */
  readonly protocol: 'tcp' | 'tls';

  private constructor(framed: FramedConnection<QueryMessageInput, QueryMessage>, protocol: 'tcp' | 'tls') {
    this.#framed = framed;
    this.protocol = protocol;
  }

  /**
   * Connects, says hello and upgrades to TLS when it was asked for, all within
   * `connectTimeoutMs`.
   * @throws ProtocolError `CONN_APERTUREDB_PROTOCOL_REJECTED` when the server refuses the protocol
   * (a TLS-only server asked for TCP, or TLS asked and not offered), core's connection, TLS
   * (`CONN_TLS_FAILED`, e.g. a self-signed certificate), timeout and abort errors.
   */
  static async open(options: ResolvedApertureDBOptions, signal?: AbortSignal): Promise<ApertureDBConnection> {
    const requested = options.tls === undefined ? 'tcp' : 'tls';
    let agreed: 'tcp' | 'tls' = 'tcp';
    const socket = await connectSocket({
      host: options.host,
      port: options.port,
      connectTimeoutMs: options.connectTimeoutMs,
      keepAlive: options.useKeepalive,
      signal,
      events: options.events,
      handshake: async (plain: Socket, handshakeSignal: AbortSignal): Promise<Socket> => {
        plain.write(encodeHello(requested));
        agreed = (await readFrame(plain, helloReplyCodec(requested), handshakeSignal)).protocol;
        if (agreed === 'tcp') {
          plain.resume();
          return plain;
        }
        return upgradeToTls(plain, tlsUpgradeOptions(options), handshakeSignal);
      },
    });
    const framed = new FramedConnection<QueryMessageInput, QueryMessage>(socket, {
      codec: aperturedbFrameCodec({ maxMessageBytes: options.maxMessageBytes }),
      correlation: { mode: 'in-order' },
      maxInFlight: 1,
      target: { host: options.host, port: options.port },
      events: options.events,
    });
    return new ApertureDBConnection(framed, agreed);
  }

  /** True until the socket closes or fails. */
  get isOpen(): boolean {
    return this.#framed.isOpen;
  }

  /** True when the connection is open and no request is in flight. */
  get isIdle(): boolean {
    return this.#framed.isOpen && this.#framed.pendingCount === 0;
  }

  /** Resolves when the socket has closed. */
  get closed(): Promise<void> {
    return this.#framed.closed;
  }

  /**
   * Sends one message and resolves with the answer. A failure says in `details.written` whether
   * the request left; core's `ConnectionError` is `retryable` only when it did not.
   */
  request(message: QueryMessageInput, options: ApertureDBRequestOptions = {}): Promise<QueryMessage> {
    return this.#framed.request(message, options);
  }

  /** Closes after a request in flight is answered (or `timeoutMs` passes). */
  async close(timeoutMs?: number): Promise<void> {
    await this.#framed.close(timeoutMs === undefined ? {} : { timeoutMs });
  }

  /** Closes at once; a request in flight fails with a `ConnectionError`. */
  destroy(error?: ConnError): void {
    this.#framed.destroy(error);
  }
}

/** Core's TLS settings from ours: verified by default; `insecure` verifies nothing. */
function tlsUpgradeOptions(options: ResolvedApertureDBOptions): TlsUpgradeOptions {
  const tls = options.tls as ResolvedTls;
  const ca = tls.ca ?? (tls.caFile === undefined ? undefined : readCaFile(tls.caFile));
  return {
    host: options.host,
    port: options.port,
    servername: tls.servername,
    ca: ca as TlsUpgradeOptions['ca'],
    rejectUnauthorized: !tls.insecure,
    verifyHostname: tls.verifyHostname,
  };
}

function readCaFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new ConfigError(`tls.caFile cannot be read: ${path}`, { field: 'tls.caFile', cause });
  }
}
