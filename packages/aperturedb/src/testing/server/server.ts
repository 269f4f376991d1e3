/**
 * The ApertureDB test server: the cleartext hello and in-place TLS upgrade on 127.0.0.1, 4-byte LE
 * protobuf frames answered by a {@link TestDatabase}, the record of received requests, counters and
 * waits for tests, fault injection and a simulated restart (docs/protocols/aperturedb.md, test server).
 * @internal
 */
import type { AddressInfo, Server, Socket } from 'node:net';
import { ConfigError } from '@conn/core';
import { aperturedbFrameCodec, DEFAULT_MAX_MESSAGE_BYTES } from '../../protocol/index.js';
import { type DatabaseRequest, TestDatabase, type TestDatabaseOptions } from '../database/index.js';
import { ServerConnection } from './connection.js';
import { type ApertureDBFault, FaultList } from './faults.js';
import type { ApertureDBAllowedProtocols } from './hello-negotiation.js';
import { type ApertureDBTestServerTls, checkTls, createListener, listen } from './listener.js';
import { createRestServer } from './rest.js';
import { type ApertureDBWaitOptions, Waiters } from './waiters.js';

/**
 * Options of {@link startApertureDBTestServer}; the database's own (users, default admin/admin;
 * authentication; TTLs; clock) included.
 */
export interface ApertureDBTestServerOptions extends TestDatabaseOptions {
  /** Default 0 (any free port). */
  readonly port?: number | undefined;
  /**
   * Protocols the hello may agree on; default `'any'` when `tls` is given, else `'tcp'`. A client
   * offering none of them gets protocol 0 and the connection closes.
   */
  readonly protocols?: ApertureDBAllowedProtocols | undefined;
  /** Key and certificate for the in-place TLS upgrade (e.g. the package's test fixtures). */
  readonly tls?: ApertureDBTestServerTls | undefined;
  /**
   * Largest request message (payload, header not counted); a frame announcing more closes the
   * connection without a reply, as the real server does. Default 256 MiB.
   */
  readonly maxMessageBytes?: number | undefined;
  /**
   * Also serve the REST variant, `POST /api/` (multipart in, JSON out), on a second port,
   * {@link ApertureDBTestServer.restPort}. Default false.
   */
  readonly rest?: boolean | undefined;
  /** Serve this database instead of a new one built from the options (e.g. two servers, one database). */
  readonly database?: TestDatabase | undefined;
}

/** One request the server decoded, in arrival order. */
export interface ApertureDBReceivedMessage {
  /** 1 for the first connection accepted, and so on; 0 for a REST request. */
  readonly connection: number;
  /** The JSON text as sent. */
  readonly json: string;
  /** The byte length of each blob, in order. */
  readonly blobSizes: readonly number[];
  /** The session token as sent (kept: this is a test server); `undefined` when there was none. */
  readonly token: string | undefined;
}

/** Options of {@link ApertureDBTestServer.restart}. */
export interface ApertureDBRestartOptions {
  /** Also close every open connection, as a real restart does; default false (sessions only). */
  readonly closeConnections?: boolean | undefined;
}

/** A running ApertureDB test server. */
export interface ApertureDBTestServer extends AsyncDisposable {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The port of `POST /api/` when started with `rest: true`; otherwise `undefined`. */
  readonly restPort: number | undefined;
  /**
   * `aperturedb://admin:admin@127.0.0.1:<port>?useSsl=false` (the first user's credentials,
   * percent-encoded), or `?useSsl=true` when the server allows TLS (the client then needs the CA).
   */
  readonly url: string;
  /** The database behind the server: `forgetAllSessions()`, `sessions.stats()`, … */
  readonly database: TestDatabase;
  /** Every decoded request of every connection, in arrival order. */
  readonly receivedMessages: readonly ApertureDBReceivedMessage[];
  /** Open client connections (counted from accept, before the hello). */
  readonly connectionCount: number;
  /** Connections accepted so far, closed ones included. */
  readonly acceptedCount: number;
  /** Requests decoded so far, on every connection. */
  readonly requestCount: number;
  /**
   * Resolves once exactly `count` client connections are open (at once if that is already so).
   * Rejects with an `AbortError` when `signal` aborts, a `ConnectionError` when the server closes.
   */
  waitForConnectionCount(count: number, options?: ApertureDBWaitOptions): Promise<void>;
  /** Resolves once {@link requestCount} is at least `count`; rejects like {@link waitForConnectionCount}. */
  waitForRequestCount(count: number, options?: ApertureDBWaitOptions): Promise<void>;
  /**
   * Adds a fault hitting later requests (on any connection); faults apply in the order added, each
   * to its next `times` requests. @throws TypeError for an unknown kind or a bad number.
   */
  fault(fault: ApertureDBFault): void;
  /** Removes every fault and lets stalled connections answer their held requests, in order. */
  clearFaults(): void;
  /**
   * The spec's restart: every session is forgotten (tokens then get "Not Authenticated!"); with
   * `closeConnections`, every open connection is closed too. Data stays.
   */
  restart(options?: ApertureDBRestartOptions): void;
  /** Closes the listener and every socket; resolves once closed. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts an ApertureDB server on 127.0.0.1 that speaks the real protocol (docs/protocols/aperturedb.md).
 * @throws ConfigError for options it cannot serve.
 */
export async function startApertureDBTestServer(
  options: ApertureDBTestServerOptions = {},
): Promise<ApertureDBTestServer> {
  const allowed = allowedOf(options);
  const codec = aperturedbFrameCodec({
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
  });
  const database = options.database ?? new TestDatabase(databaseOptionsOf(options));
  const faults = new FaultList();
  const received: ApertureDBReceivedMessage[] = [];
  const connections = new Set<ServerConnection>();
  const waiters = new Waiters();
  let acceptedCount = 0;
  let requestCount = 0;

  const record = (connection: number, request: DatabaseRequest): void => {
    received.push({
      connection,
      json: request.json,
      blobSizes: request.blobs.map((blob) => blob.byteLength),
      token: request.token === '' ? undefined : request.token,
    });
    requestCount += 1;
    waiters.changed();
  };
  const settings = {
    allowed,
    tls: options.tls,
    codec,
    database,
    faults,
    onRequest: (connection: ServerConnection, request: DatabaseRequest) => record(connection.id, request),
    onClose: (connection: ServerConnection) => {
      connections.delete(connection);
      waiters.changed();
    },
  };
  const onSocket = (socket: Socket): void => {
    acceptedCount += 1;
    connections.add(new ServerConnection(acceptedCount, socket, settings));
    waiters.changed();
  };
  const server: Server = createListener(onSocket);
  await listen(server, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  const restServer =
    options.rest === true
      ? createRestServer({
          database,
          maxBodyBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
          onRequest: (request) => record(0, request),
        })
      : undefined;
  if (restServer !== undefined) {
    try {
      await listen(restServer, 0);
    } catch (error) {
      server.close();
      throw error;
    }
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    if (closing !== undefined) return closing;
    const closed = [new Promise<void>((resolve) => server.close(() => resolve()))];
    if (restServer !== undefined) {
      closed.push(new Promise<void>((resolve) => restServer.close(() => resolve())));
      restServer.closeAllConnections();
    }
    for (const connection of [...connections]) connection.destroy();
    waiters.close();
    closing = Promise.all(closed).then(() => undefined);
    return closing;
  };
  return {
    host: '127.0.0.1',
    port,
    restPort: restServer === undefined ? undefined : (restServer.address() as AddressInfo).port,
    url: urlOf(options, allowed, port),
    database,
    receivedMessages: received,
    get connectionCount() {
      return connections.size;
    },
    get acceptedCount() {
      return acceptedCount;
    },
    get requestCount() {
      return requestCount;
    },
    waitForConnectionCount: (count, waitOptions) =>
      waiters.until(() => connections.size === count, `${String(count)} open connections`, waitOptions),
    waitForRequestCount: (count, waitOptions) =>
      waiters.until(() => requestCount >= count, `${String(count)} requests`, waitOptions),
    fault: (fault) => faults.add(fault),
    clearFaults: () => {
      faults.clear();
      for (const connection of connections) connection.release();
    },
    restart: (restartOptions = {}) => {
      database.forgetAllSessions();
      if (restartOptions.closeConnections === true) {
        for (const connection of [...connections]) connection.destroy();
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function allowedOf(options: ApertureDBTestServerOptions): ApertureDBAllowedProtocols {
  if (options.tls !== undefined) checkTls(options.tls);
  const allowed = options.protocols ?? (options.tls === undefined ? 'tcp' : 'any');
  if (allowed !== 'tcp' && allowed !== 'tls' && allowed !== 'any') {
    throw new ConfigError(
      `ApertureDB test server: protocols must be 'tcp', 'tls' or 'any', got ${String(allowed)}`,
      {
        field: 'protocols',
      },
    );
  }
  if (allowed !== 'tcp' && options.tls === undefined) {
    throw new ConfigError(`ApertureDB test server: protocols '${allowed}' needs tls: { key, cert }`, {
      field: 'tls',
    });
  }
  return allowed;
}

/** The options that belong to the database, without the server's own. */
function databaseOptionsOf(options: ApertureDBTestServerOptions): TestDatabaseOptions {
  const {
    port: _port,
    protocols: _protocols,
    tls: _tls,
    maxMessageBytes: _max,
    database: _db,
    ...rest
  } = options;
  return rest;
}

function urlOf(
  options: ApertureDBTestServerOptions,
  allowed: ApertureDBAllowedProtocols,
  port: number,
): string {
  const first = options.users?.[0] ?? { username: 'admin', password: 'admin' };
  const user = `${encodeURIComponent(first.username)}:${encodeURIComponent(first.password)}`;
  return `aperturedb://${user}@127.0.0.1:${String(port)}?useSsl=${allowed === 'tcp' ? 'false' : 'true'}`;
}
