/**
 * The ZTeraDB test server: its listener (TCP or TLS), framing with the shared codec, the record of
 * received frames, counters and waits for tests, and fault injection (docs/protocols/zteradb.md,
 * local test server). It listens on 127.0.0.1 only.
 * @internal
 */
import type { AddressInfo, Server, Socket } from 'node:net';
import { ConfigError, FrameReader } from '@conn/core';
import {
  DEFAULT_MAX_FRAME_BYTES,
  FRAME_HEADER_BYTES,
  type JsonObject,
  RequestType,
  zteradbJsonCodec,
} from '../protocol/index.js';
import { ConnectChecker, type ZTeraDBTestKey } from './connect-check.js';
import {
  accept,
  type Connection,
  refuseMalformed,
  release,
  type ServerSettings,
} from './connection-handler.js';
import type { ZTeraDBCodeTable } from './error-codes.js';
import { FaultList, type ZTeraDBFault } from './faults.js';
import { createListener, listen, type ZTeraDBTestServerTls } from './listener.js';
import { TableStore, type TestRow, type ZTeraDBTestDatabases } from './table-store.js';
import { Waiters, type ZTeraDBWaitOptions } from './waiters.js';
import type { LimitSemantics } from './zql-evaluator.js';

/** Options of {@link startZTeraDBTestServer}. */
export interface ZTeraDBTestServerOptions {
  /** Initial data, `{ [databaseId]: { [schema]: rows } }`; rows are copied. */
  readonly databases: ZTeraDBTestDatabases;
  /** Accepted key sets; at least one. The first one goes into {@link ZTeraDBTestServer.url}. */
  readonly keys: readonly ZTeraDBTestKey[];
  /** Default 0 (any free port). */
  readonly port?: number;
  /**
   * Listen with TLS using this key and certificate (e.g. the package's test fixtures); default
   * plain TCP. With TLS, only connections whose handshake succeeded are counted and answered.
   */
  readonly tls?: ZTeraDBTestServerTls;
  /** Largest accepted `|server time - CONNECT timestamp|`; default 300 s as the service documents. */
  readonly clockSkewSeconds?: number;
  /** Refuse a CONNECT whose nonce was seen before (replay protection); default false. */
  readonly refuseNonceReuse?: boolean;
  /** Which official response-code table error frames use; default `'python'`. */
  readonly codeTable?: ZTeraDBCodeTable;
  /** Code of the frame refusing a CONNECT; default 1280 (CONNECT_ERROR in both tables). */
  readonly connectErrorCode?: number;
  /** Reading of `lt: [start, end]`; default `'range'` (`[start, end)`). */
  readonly limitSemantics?: LimitSemantics;
  /** Send QUERY_COMPLETE after a count/insert/update/delete result too; default true. */
  readonly completeAfterSingleResult?: boolean;
  /** Server clock in whole seconds, for the skew check; default the real clock. */
  readonly nowSeconds?: () => number;
  /** Lifetime of a session token, announced in CONNECTED; later queries get TOKEN_EXPIRED. Default 3600 s. */
  readonly tokenLifetimeSeconds?: number;
}

/** One frame the server decoded, in arrival order. */
export interface ZTeraDBReceivedFrame {
  /** 1 for the first connection accepted, and so on. */
  readonly connection: number;
  /** The 4 header bytes as lowercase hex, e.g. `00000068`. */
  readonly headerHex: string;
  /** The decoded JSON object, as sent (secrets included: this is a test server). */
  readonly frame: JsonObject;
}

/** A running ZTeraDB test server. */
export interface ZTeraDBTestServer extends AsyncDisposable {
  readonly host: '127.0.0.1';
  readonly port: number;
  /**
   * A connection URL for the first key and the first database:
   * `zteradb://<accessKey>:<secretKey>@127.0.0.1:<port>/<databaseId>?clientKey=<clientKey>&env=dev`,
   * every part percent-encoded, with `&tls=true` appended when the server uses TLS (the client
   * must then be given the CA: `ZTeraDBClient.fromUrl(server.url, { tls: { ca } })`).
   */
  readonly url: string;
  /** Every decoded frame of every connection, in arrival order. */
  readonly receivedFrames: readonly ZTeraDBReceivedFrame[];
  /** Open client connections. */
  readonly connectionCount: number;
  /** Connections accepted so far, closed ones included. */
  readonly acceptedCount: number;
  /** QUERY frames received so far, on every connection. */
  readonly queryCount: number;
  /**
   * Resolves once exactly `count` client connections are open (at once if that is already so).
   * Rejects with an `AbortError` when `signal` aborts, a `ConnectionError` when the server closes.
   */
  waitForConnectionCount(count: number, options?: ZTeraDBWaitOptions): Promise<void>;
  /** Resolves once {@link queryCount} is at least `count`; rejects like {@link waitForConnectionCount}. */
  waitForQueryCount(count: number, options?: ZTeraDBWaitOptions): Promise<void>;
  /**
   * Adds a fault hitting later QUERY requests (never CONNECT or CANCEL); faults apply in the order
   * added, each to its next `times` queries. @throws TypeError for an unknown kind or a bad number.
   */
  fault(fault: ZTeraDBFault): void;
  /** Removes every fault and lets stalled connections answer their held requests, in order. */
  clearFaults(): void;
  /** A copy of a schema's current rows; `undefined` for an unknown database or schema. */
  rows(databaseId: string, schema: string): TestRow[] | undefined;
  /** Closes the listener and every socket; resolves once closed. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts a ZTeraDB server on 127.0.0.1 that speaks the real protocol (docs/protocols/zteradb.md):
 * 4-byte big-endian JSON frames, the v2 HMAC CONNECT check, CONNECTED + QUERY_COMPLETE, ZQL over an
 * in-memory table store, one code-7 frame per row, error frames, CANCEL closing the connection.
 * @throws ConfigError for options it cannot serve.
 */
export async function startZTeraDBTestServer(options: ZTeraDBTestServerOptions): Promise<ZTeraDBTestServer> {
  const settings = settingsOf(options);
  const codec = zteradbJsonCodec(DEFAULT_MAX_FRAME_BYTES);
  const received: ZTeraDBReceivedFrame[] = [];
  const connections = new Set<Connection>();
  const waiters = new Waiters();
  let acceptedCount = 0;
  let queryCount = 0;

  const onSocket = (socket: Socket): void => {
    socket.setNoDelay(true);
    acceptedCount += 1;
    const connection: Connection = {
      id: acceptedCount,
      socket,
      reader: new FrameReader(codec),
      accessToken: undefined,
      tokenExpiresAt: Number.POSITIVE_INFINITY,
      queue: [],
      busy: false,
      stalled: false,
    };
    connections.add(connection);
    waiters.changed();
    socket.on('close', () => {
      connections.delete(connection);
      waiters.changed();
    });
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      connection.reader.push(chunk);
      for (;;) {
        let frame: JsonObject;
        let headerHex: string;
        try {
          const bytes = connection.reader.next();
          if (bytes === undefined) return;
          headerHex = bytes.subarray(0, FRAME_HEADER_BYTES).toString('hex');
          frame = codec.decode(bytes);
        } catch (error) {
          refuseMalformed(connection, settings, error);
          return;
        }
        received.push({ connection: connection.id, headerHex, frame });
        if (frame.request_type === RequestType.QUERY) {
          queryCount += 1;
          waiters.changed();
        }
        accept(connection, frame, settings);
      }
    });
  };
  const server: Server = createListener(options.tls, onSocket);

  await listen(server, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const connection of connections) connection.socket.destroy();
      waiters.close();
    });
    return closing;
  };
  return {
    host: '127.0.0.1',
    port,
    url: urlOf(options, port),
    receivedFrames: received,
    get connectionCount() {
      return connections.size;
    },
    get acceptedCount() {
      return acceptedCount;
    },
    get queryCount() {
      return queryCount;
    },
    waitForConnectionCount: (count, waitOptions) =>
      waiters.until(() => connections.size === count, `${String(count)} open connections`, waitOptions),
    waitForQueryCount: (count, waitOptions) =>
      waiters.until(() => queryCount >= count, `${String(count)} queries`, waitOptions),
    fault: (fault) => settings.faults.add(fault),
    clearFaults: () => {
      settings.faults.clear();
      for (const connection of connections) release(connection, settings);
    },
    rows: (databaseId, schema) => settings.store.snapshot(databaseId, schema),
    close,
    [Symbol.asyncDispose]: close,
  };
}

function settingsOf(options: ZTeraDBTestServerOptions): ServerSettings {
  if (options.keys.length === 0) {
    throw new ConfigError('ZTeraDB test server: give at least one key set', { field: 'keys' });
  }
  const clockSkewSeconds = options.clockSkewSeconds ?? 300;
  if (!Number.isFinite(clockSkewSeconds) || clockSkewSeconds < 0) {
    throw new ConfigError('ZTeraDB test server: clockSkewSeconds must be a non-negative number', {
      field: 'clockSkewSeconds',
    });
  }
  const store = new TableStore(options.databases);
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  if (!Number.isInteger(tokenLifetimeSeconds) || tokenLifetimeSeconds <= 0) {
    throw new ConfigError('ZTeraDB test server: tokenLifetimeSeconds must be a positive integer', {
      field: 'tokenLifetimeSeconds',
    });
  }
  return {
    store,
    faults: new FaultList(),
    checker: new ConnectChecker({
      keys: options.keys,
      databaseIds: store.databaseIds(),
      clockSkewSeconds,
      refuseNonceReuse: options.refuseNonceReuse ?? false,
      nowSeconds,
    }),
    codeTable: options.codeTable ?? 'python',
    connectErrorCode: options.connectErrorCode ?? 0x0500,
    limitSemantics: options.limitSemantics ?? 'range',
    completeAfterSingleResult: options.completeAfterSingleResult ?? true,
    nowSeconds,
    tokenLifetimeSeconds,
  };
}

function urlOf(options: ZTeraDBTestServerOptions, port: number): string {
  const key = options.keys[0] as ZTeraDBTestKey;
  const databaseId = Object.keys(options.databases)[0] ?? '';
  const user = `${encodeURIComponent(key.accessKey)}:${encodeURIComponent(key.secretKey)}`;
  const query = `clientKey=${encodeURIComponent(key.clientKey)}&env=dev`;
  const tls = options.tls === undefined ? '' : '&tls=true';
  return `zteradb://${user}@127.0.0.1:${String(port)}/${encodeURIComponent(databaseId)}?${query}${tls}`;
}
