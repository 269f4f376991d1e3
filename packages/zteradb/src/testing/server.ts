/**
 * The ZTeraDB test server: sockets, framing with the shared codec, the CONNECT check and dispatch
 * of QUERY, CANCEL and unknown requests (docs/protocols/zteradb.md, local test server). It listens
 * on 127.0.0.1 only.
 * @internal
 */
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ConfigError, FrameReader } from '@conn/core';
import {
  DEFAULT_MAX_FRAME_BYTES,
  FRAME_HEADER_BYTES,
  type JsonObject,
  RequestType,
  zteradbJsonCodec,
} from '../protocol/index.js';
import { ConnectChecker, type ZTeraDBTestKey } from './connect-check.js';
import { errorCodeOf, TestServerFailure, type ZTeraDBCodeTable } from './error-codes.js';
import { dataFrame, errorFrame, QUERY_COMPLETE_FRAME, writeFrame } from './frame-writer.js';
import { issueSession } from './session.js';
import { TableStore, type TestRow, type ZTeraDBTestDatabases } from './table-store.js';
import { evaluateQuery, type LimitSemantics } from './zql-evaluator.js';

/** Options of {@link startZTeraDBTestServer}. */
export interface ZTeraDBTestServerOptions {
  /** Initial data, `{ [databaseId]: { [schema]: rows } }`; rows are copied. */
  readonly databases: ZTeraDBTestDatabases;
  /** Accepted key sets; at least one. The first one goes into {@link ZTeraDBTestServer.url}. */
  readonly keys: readonly ZTeraDBTestKey[];
  /** Default 0 (any free port). */
  readonly port?: number;
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
   * every part percent-encoded.
   */
  readonly url: string;
  /** Every decoded frame of every connection, in arrival order. */
  readonly receivedFrames: readonly ZTeraDBReceivedFrame[];
  /** Open client connections. */
  readonly connectionCount: number;
  /** A copy of a schema's current rows; `undefined` for an unknown database or schema. */
  rows(databaseId: string, schema: string): TestRow[] | undefined;
  /** Closes the listener and every socket; resolves once closed. Safe to call twice. */
  close(): Promise<void>;
}

interface Connection {
  readonly id: number;
  readonly socket: Socket;
  readonly reader: FrameReader;
  accessToken: string | undefined;
  /** Requests waiting while an earlier one is answered (one request in flight per connection). */
  readonly queue: JsonObject[];
  busy: boolean;
}

interface ServerSettings {
  readonly store: TableStore;
  readonly checker: ConnectChecker;
  readonly codeTable: ZTeraDBCodeTable;
  readonly connectErrorCode: number;
  readonly limitSemantics: LimitSemantics;
  readonly completeAfterSingleResult: boolean;
  readonly nowSeconds: () => number;
}

/** Rows written between yields to the event loop, so a CANCEL can arrive mid-stream. */
const ROWS_PER_TURN = 256;

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
  let nextConnectionId = 1;

  const server: Server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const connection: Connection = {
      id: nextConnectionId++,
      socket,
      reader: new FrameReader(codec),
      accessToken: undefined,
      queue: [],
      busy: false,
    };
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
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
        accept(connection, frame, settings);
      }
    });
  });

  await listen(server, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const connection of connections) connection.socket.destroy();
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
  return {
    store,
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
  };
}

/** CANCEL acts at once, even mid-stream; other requests wait their turn. */
function accept(connection: Connection, frame: JsonObject, settings: ServerSettings): void {
  if (connection.accessToken !== undefined && frame.request_type === RequestType.CANCEL) {
    // What the Python client expects: stop streaming and close (it reads to EOF).
    connection.queue.length = 0;
    connection.socket.end();
    return;
  }
  connection.queue.push(frame);
  void pump(connection, settings);
}

async function pump(connection: Connection, settings: ServerSettings): Promise<void> {
  if (connection.busy) return;
  connection.busy = true;
  try {
    for (let frame = connection.queue.shift(); frame !== undefined; frame = connection.queue.shift()) {
      await answer(connection, frame, settings);
    }
  } catch {
    // A bug in the evaluator must not crash the test process: the client sees the socket drop.
    connection.socket.destroy();
  } finally {
    connection.busy = false;
  }
}

async function answer(connection: Connection, frame: JsonObject, settings: ServerSettings): Promise<void> {
  const { socket } = connection;
  if (connection.accessToken === undefined) {
    const verdict = settings.checker.check(frame);
    if (!verdict.ok) {
      await writeFrame(socket, errorFrame(settings.connectErrorCode, verdict.reason));
      socket.end();
      return;
    }
    const session = issueSession(verdict.key, settings.nowSeconds());
    connection.accessToken = session.accessToken;
    await writeFrame(socket, session.frame);
    await writeFrame(socket, QUERY_COMPLETE_FRAME);
    return;
  }
  try {
    if (frame.request_type !== RequestType.QUERY) {
      const name = frame.request_type === RequestType.CONNECT ? 'QUERY_ERROR' : 'INVALID_REQUEST_TYPE_ERROR';
      throw new TestServerFailure(
        name,
        `unsupported request_type ${JSON.stringify(frame.request_type ?? null)}`,
      );
    }
    // The Python client sends no token; one that is sent must be this connection's.
    if (frame.access_token !== undefined && frame.access_token !== connection.accessToken) {
      throw new TestServerFailure('NO_ACCESS', 'invalid access_token');
    }
    const databaseId = typeof frame.database_id === 'string' ? frame.database_id : undefined;
    const outcome = evaluateQuery(settings.store, databaseId, frame.query, settings.limitSemantics);
    if (outcome.kind === 'rows') {
      await streamRows(socket, outcome.rows);
      await writeFrame(socket, QUERY_COMPLETE_FRAME);
    } else {
      await writeFrame(socket, dataFrame(7, outcome.data));
      if (settings.completeAfterSingleResult) await writeFrame(socket, QUERY_COMPLETE_FRAME);
    }
  } catch (error) {
    if (!(error instanceof TestServerFailure)) throw error;
    await writeFrame(socket, errorFrame(errorCodeOf(error.kind, settings.codeTable), error.message));
  }
}

/** One code-7 frame per row; stops early when the socket ends (CANCEL, client gone). */
async function streamRows(socket: Socket, rows: readonly TestRow[]): Promise<void> {
  for (let index = 0; index < rows.length; index += 1) {
    if (!(await writeFrame(socket, dataFrame(7, rows[index] as TestRow)))) return;
    if (index % ROWS_PER_TURN === ROWS_PER_TURN - 1) await nextTurn();
  }
}

/** A frame that is not a JSON object (or is too large) ends the connection after an error frame. */
function refuseMalformed(connection: Connection, settings: ServerSettings, error: unknown): void {
  const message = error instanceof Error ? error.message : 'malformed frame';
  void writeFrame(
    connection.socket,
    errorFrame(errorCodeOf('PARSE_QUERY_ERROR', settings.codeTable), message),
  ).then(() => connection.socket.end());
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function urlOf(options: ZTeraDBTestServerOptions, port: number): string {
  const key = options.keys[0] as ZTeraDBTestKey;
  const databaseId = Object.keys(options.databases)[0] ?? '';
  const user = `${encodeURIComponent(key.accessKey)}:${encodeURIComponent(key.secretKey)}`;
  const query = `clientKey=${encodeURIComponent(key.clientKey)}&env=dev`;
  return `zteradb://${user}@127.0.0.1:${String(port)}/${encodeURIComponent(databaseId)}?${query}`;
}
