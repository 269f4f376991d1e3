import { createServer, type Server, type Socket } from 'node:net';
import { ConnectionError, type Secret } from '@conn/core';
import { type CockroachDBFault, FaultList } from './faults.js';
import { CockroachSession } from './session.js';
import { type CockroachDBTestUpstream, relayUrl, resolveUpstream } from './upstream.js';

/** Options of {@link startCockroachDBTestServer}. */
export interface CockroachDBTestServerOptions {
  /**
   * The real PostgreSQL to relay to, as a `postgresql://user:password@host:port/database` URL (for
   * example the one the test run was given) or as its parts. Its credentials go into `url`; the
   * relay itself speaks plain TCP to it and leaves authentication to the client and PostgreSQL.
   */
  readonly upstream: string | Secret | CockroachDBTestUpstream;
  /** The `crdb_version` sent at startup. Default: a CockroachDB v26.2.0 version string. */
  readonly crdbVersion?: string | undefined;
  /** Port on 127.0.0.1; default 0 (any free port). */
  readonly port?: number | undefined;
}

/** A session seen by the server. */
export interface CockroachDBTestSession {
  readonly id: number;
  /** The PostgreSQL backend's process id (from BackendKeyData). */
  readonly backendPid: number | undefined;
  /** The client's startup parameters, CockroachDB-only ones (`results_buffer_size`) included. */
  readonly startupParameters: Readonly<Record<string, string>>;
  readonly open: boolean;
}

/** A running CockroachDB test server. */
export interface CockroachDBTestServer extends AsyncDisposable {
  /**
   * `postgresql://<user>:<password>@127.0.0.1:<port>/<database>?sslmode=disable` with the upstream's
   * credentials, percent-encoded: `CockroachDBClient.fromUrl(server.url)` connects through the server.
   */
  readonly url: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  /**
   * Adds a fault (see {@link CockroachDBFault}): `error` and `kill-connection` hit `times` matching
   * statements (default 1); `stall` holds client messages until `clearFaults()`.
   */
  fault(fault: CockroachDBFault): void;
  /** Removes every fault not used up yet; messages a stall held are then handled in arrival order. */
  clearFaults(): void;
  /** Client messages a `stall` fault holds now, over all open sessions. */
  readonly heldMessageCount: number;
  /**
   * Resolves once a `stall` fault holds a client message that arrived after this call (so a request
   * the client sends after it really reached the server). Rejects with a `ConnectionError` when the
   * server closes first.
   */
  waitForHeldMessage(): Promise<void>;
  /**
   * Statement texts in arrival order: of one session, or of all sessions. A Bind of a named
   * (prepared) statement counts as that statement's text, as its first Parse did.
   */
  statements(sessionId?: number): readonly string[];
  /**
   * Texts of the Parse messages that named a statement (prepared statements), in arrival order: of
   * one session, or of all sessions. A statement the driver prepared once per session appears once
   * per session, however often it ran.
   */
  namedParses(sessionId?: number): readonly string[];
  /** Every session so far, in connection order. */
  readonly sessions: readonly CockroachDBTestSession[];
  /** Closes the listener and every session; idempotent. */
  close(): Promise<void>;
}

function closedBeforeHeld(): ConnectionError {
  return new ConnectionError('the CockroachDB test server closed before a message was held', {
    code: 'CONN_CONNECTION_CLOSED',
    retryable: false,
  });
}

const DEFAULT_CRDB_VERSION =
  'CockroachDB CCL v26.2.0 (x86_64-pc-linux-gnu, built 2026/06/01 00:00:00, go1.23.7)';

/**
 * Starts a CockroachDB test server on 127.0.0.1 in front of a real PostgreSQL. It relays the
 * wire protocol and adds what CockroachDB does differently and what a test needs to provoke:
 *
 * - the `crdb_version` ParameterStatus at startup (drivers detect CockroachDB by it);
 * - `RELEASE SAVEPOINT cockroach_restart` as the commit point (it commits on PostgreSQL at once,
 *   and the client's following `COMMIT` is answered here);
 * - `SET inject_retry_errors_enabled = true`: inside explicit transactions statements fail with
 *   40001 until the client has rolled back to `cockroach_restart` three times;
 * - after an error it made up, the aborted-transaction state (25P02 until ROLLBACK);
 * - faults: `{ kind: 'error' }` for 40001 at RELEASE, 40003 at COMMIT, XXA00 ...;
 *   `{ kind: 'kill-connection' }` for connections lost before or after a statement ran;
 *   `{ kind: 'stall' }` for a server that stops answering after the handshake;
 * - the `results_buffer_size` startup parameter is accepted (and recorded) instead of relayed.
 *
 * Statements are matched per message: a simple Query string with several statements is one text.
 *
 * @example
 * await using server = await startCockroachDBTestServer({ upstream: process.env.PG_URL });
 * await using db = CockroachDBClient.fromUrl(server.url);
 * server.fault({ kind: 'error', match: 'RELEASE SAVEPOINT cockroach_restart', sqlstate: '40001' });
 */
export async function startCockroachDBTestServer(
  options: CockroachDBTestServerOptions,
): Promise<CockroachDBTestServer> {
  const upstream = resolveUpstream(options?.upstream);
  const faults = new FaultList();
  const sessions: CockroachSession[] = [];
  const log: { session: number; text: string }[] = [];
  const parseLog: { session: number; text: string }[] = [];
  const heldWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const context = {
    upstream,
    crdbVersion: options.crdbVersion ?? DEFAULT_CRDB_VERSION,
    faults,
    track,
    record: (session: CockroachSession, text: string) => log.push({ session: session.id, text }),
    recordNamedParse: (session: CockroachSession, text: string) =>
      parseLog.push({ session: session.id, text }),
    held: () => {
      for (const waiter of heldWaiters.splice(0)) waiter.resolve();
    },
  };
  const listener: Server = createServer((socket) => {
    track(socket);
    sessions.push(new CockroachSession(sessions.length + 1, socket, context));
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port ?? 0, '127.0.0.1', () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const address = listener.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      listener.close(() => resolve());
      for (const waiter of heldWaiters.splice(0)) waiter.reject(closedBeforeHeld());
      for (const session of sessions) session.close();
      // the upstream sockets of sessions and forwarded cancel requests too
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };
  return {
    url: relayUrl(upstream, port),
    host: '127.0.0.1',
    port,
    fault: (fault) => faults.add(fault),
    clearFaults: () => {
      faults.clear();
      for (const session of sessions) session.releaseHeld();
    },
    get heldMessageCount() {
      return sessions.reduce((sum, session) => sum + session.heldCount, 0);
    },
    waitForHeldMessage: () =>
      closing === undefined
        ? new Promise<void>((resolve, reject) => heldWaiters.push({ resolve, reject }))
        : Promise.reject(closedBeforeHeld()),
    statements: (sessionId) =>
      log
        .filter((entry) => sessionId === undefined || entry.session === sessionId)
        .map((entry) => entry.text),
    namedParses: (sessionId) =>
      parseLog
        .filter((entry) => sessionId === undefined || entry.session === sessionId)
        .map((entry) => entry.text),
    get sessions() {
      return sessions.map((session) => ({
        id: session.id,
        backendPid: session.backendPid,
        startupParameters: session.startupParameters,
        open: session.open,
      }));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
