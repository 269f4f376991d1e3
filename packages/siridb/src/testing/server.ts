/**
 * The SiriDB test server: sockets, package framing, per-connection auth state and dispatch
 * (docs/protocols/siridb.md §2, §3, §5, §12). It listens on 127.0.0.1 only.
 * @internal
 */
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import { ConfigError, FrameReader } from '@conn/core';
import {
  decodePackage,
  encodePackage,
  HEADER_SIZE,
  packageLength,
  RequestType,
  ResponseType,
  SERVER_MAX_PACKAGE_BYTES,
  type SiriPackage,
} from '../protocol/package.js';
import { decodeQpack } from '../protocol/qpack.js';
import { DEFAULT_POOL_ERROR, DEFAULT_SERVER_ERROR, FaultList, type SiriDBFault } from './faults.js';
import { applyInsert, validateInsert } from './insert.js';
import { runQuery } from './query-engine.js';
import { errorPayload, successPayload } from './response-writer.js';
import { handleServiceRequest } from './service.js';
import { type SiriDBTestStore, TestDatabase, TestStore } from './store.js';
import { type Precision, queryFactor } from './time-expr.js';
import { Access, accessFromOption, TestUser } from './users.js';

/** A database the server starts with. */
export interface SiriDBTestDatabase {
  name: string;
  /** Default `'ms'`. */
  timePrecision?: 's' | 'ms' | 'us' | 'ns';
  /** Default `[{ username: 'iris', password: 'siri', access: 'full' }]`. */
  users?: {
    username: string;
    password: string;
    /** A profile or a list of rights (`'select'`, `'insert'`, …); default `'full'`. */
    access?: 'full' | 'modify' | 'write' | 'read' | string[];
  }[];
}

/** Options of {@link startSiriDBTestServer}. */
export interface SiriDBTestServerOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default `[{ name: 'dbtest' }]`. */
  databases?: SiriDBTestDatabase[];
  /** Default `[{ username: 'sa', password: 'siri' }]`. */
  serviceAccounts?: { username: string; password: string }[];
  /** Reported by `get_version` and `show version`; default `'2.0.55'`. */
  version?: string;
  /** Clock (ms since the epoch) for `now` in queries; default `Date.now`. */
  now?: () => number;
  /**
   * Data to serve (see `createSiriDBStore()`); a new store by default. A store that already served
   * keeps its databases, series, users and service accounts; only databases it does not know yet
   * are added from `databases`.
   */
  store?: SiriDBTestStore;
}

/** A running SiriDB test server. */
export interface SiriDBTestServer extends AsyncDisposable {
  readonly host: '127.0.0.1';
  readonly port: number;
  /**
   * A connection URL `SiriDBClient.fromUrl` accepts as it is: the first database and its first
   * user, `siridb://iris:siri@127.0.0.1:<port>/dbtest` with the defaults.
   */
  readonly url: string;
  /** The URL of another database (default: the first), as its first user or as `user`. */
  urlFor(database?: string, user?: { username: string; password: string }): string;
  /** Adds a fault (see {@link SiriDBFault}). */
  fault(fault: SiriDBFault): void;
  /** Removes every fault and lets stalled connections continue. */
  clearFaults(): void;
  /** Destroys every client socket now; the server keeps listening. */
  dropConnections(): void;
  /** Open client connections. */
  readonly connectionCount: number;
  /** Resolves once exactly `count` client connections are open (at once if that is already so). */
  waitForConnectionCount(count: number): Promise<void>;
  /** Requests received by kind: `query`, `insert`, `auth`, `ping`, `service` and `other`. */
  readonly requestCounts: Readonly<Record<string, number>>;
  /** Resolves once at least `count` requests of `kind` (a `requestCounts` key) were received. */
  waitForRequestCount(kind: string, count: number): Promise<void>;
  /** Answers a `'reorder'` fault sent ahead of the answer to an earlier request. */
  readonly reorderedCount: number;
  /** The highest package id received so far (-1 before the first package). */
  readonly maxPidSeen: number;
  /** Points in a database (default: the first one), or in one of its series. */
  pointCount(database?: string, series?: string): number;
  /** Closes the listener and every socket; resolves once the server has closed. */
  close(): Promise<void>;
}

/** The server name SiriDB reports (`show server`, error messages). */
const SERVER_NAME = '127.0.0.1:9010';
const DEFAULT_VERSION = '2.0.55';
const MAX_QUERY_PKG_SIZE = 65_535;
const PRECISIONS: Readonly<Record<string, Precision>> = { s: 0, ms: 1, us: 2, ns: 3 };

/** How an answer is written: at once, part of it before the socket is dropped, or reordered. */
type SendMode = 'now' | 'drop' | 'reorder';

function sendMode(fault: Readonly<SiriDBFault> | undefined): SendMode {
  if (fault?.kind === 'drop-mid-response') return 'drop';
  if (fault?.kind === 'reorder') return 'reorder';
  return 'now';
}

interface Connection {
  readonly socket: Socket;
  readonly reader: FrameReader;
  db: TestDatabase | undefined;
  user: TestUser | undefined;
  /** Set by a `stall` fault: later packages wait in `held` until `clearFaults()`. */
  stalled: boolean;
  readonly held: SiriPackage[];
  /** Answers of `reorder` faults waiting to be written in reverse order. */
  readonly reordered: Buffer[];
}

function fillStore(store: TestStore, options: SiriDBTestServerOptions): void {
  const databases = options.databases ?? [{ name: 'dbtest' }];
  for (const spec of databases) {
    if (typeof spec.name !== 'string' || spec.name === '') {
      throw new ConfigError('SiriDB test server: every database needs a name', { field: 'databases' });
    }
    if (store.databases.has(spec.name)) continue;
    const precision = PRECISIONS[spec.timePrecision ?? 'ms'];
    if (precision === undefined) {
      throw new ConfigError(`SiriDB test server: unknown time precision ${String(spec.timePrecision)}`, {
        field: 'databases.timePrecision',
      });
    }
    const users = (spec.users ?? [{ username: 'iris', password: 'siri', access: 'full' }]).map((user) => {
      let access: number;
      try {
        access = accessFromOption(user.access);
      } catch (error) {
        throw new ConfigError(`SiriDB test server: ${(error as Error).message}`, {
          field: 'databases.users.access',
        });
      }
      return new TestUser(user.username, user.password, access);
    });
    store.databases.set(spec.name, new TestDatabase(spec.name, precision, users));
  }
  if (!store.initialized) {
    for (const account of options.serviceAccounts ?? [{ username: 'sa', password: 'siri' }]) {
      store.accounts.push({ username: account.username, password: account.password });
    }
    store.initialized = true;
  }
}

class TestServer implements SiriDBTestServer {
  readonly host = '127.0.0.1' as const;
  readonly #server: Server;
  readonly #store: TestStore;
  readonly #faults = new FaultList();
  readonly #connections = new Set<Connection>();
  readonly #countWaiters: { count: number; resolve: () => void }[] = [];
  readonly #requestWaiters: { kind: string; count: number; resolve: () => void }[] = [];
  #reorderedCount = 0;
  #maxPidSeen = -1;
  readonly #counts: Record<string, number> = { query: 0, insert: 0, auth: 0, ping: 0, service: 0, other: 0 };
  readonly #version: string;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #defaultDatabase: string;
  #closed: Promise<void> | undefined;
  #port: number | undefined;

  constructor(server: Server, store: TestStore, options: SiriDBTestServerOptions) {
    this.#server = server;
    this.#store = store;
    this.#version = options.version ?? DEFAULT_VERSION;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    this.#defaultDatabase = options.databases?.[0]?.name ?? store.databaseNames[0] ?? 'dbtest';
    server.on('connection', (socket) => this.#accept(socket));
  }

  get port(): number {
    // kept once known: the address is gone after close()
    this.#port ??= (this.#server.address() as AddressInfo).port;
    return this.#port;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  waitForConnectionCount(count: number): Promise<void> {
    if (this.#connections.size === count) return Promise.resolve();
    return new Promise((resolve) => this.#countWaiters.push({ count, resolve }));
  }

  #connectionsChanged(): void {
    for (let index = this.#countWaiters.length - 1; index >= 0; index--) {
      const waiter = this.#countWaiters[index] as { count: number; resolve: () => void };
      if (waiter.count !== this.#connections.size) continue;
      this.#countWaiters.splice(index, 1);
      waiter.resolve();
    }
  }

  get requestCounts(): Readonly<Record<string, number>> {
    return { ...this.#counts };
  }

  waitForRequestCount(kind: string, count: number): Promise<void> {
    if ((this.#counts[kind] ?? 0) >= count) return Promise.resolve();
    return new Promise((resolve) => this.#requestWaiters.push({ kind, count, resolve }));
  }

  get reorderedCount(): number {
    return this.#reorderedCount;
  }

  get maxPidSeen(): number {
    return this.#maxPidSeen;
  }

  get url(): string {
    return this.urlFor();
  }

  urlFor(database?: string, user?: { username: string; password: string }): string {
    const name = database ?? this.#defaultDatabase;
    const credentials = user ??
      this.#store.databases.get(name)?.users[0] ?? { username: 'iris', password: 'siri' };
    const username = 'username' in credentials ? credentials.username : credentials.name;
    return `siridb://${encodeURIComponent(username)}:${encodeURIComponent(credentials.password)}@${this.host}:${this.port}/${encodeURIComponent(name)}`;
  }

  fault(fault: SiriDBFault): void {
    try {
      this.#faults.add(fault);
    } catch (error) {
      throw new ConfigError(`SiriDB test server: ${(error as Error).message}`, { field: 'fault' });
    }
  }

  clearFaults(): void {
    this.#faults.clear();
    for (const connection of this.#connections) {
      if (!connection.stalled) continue;
      connection.stalled = false;
      const held = connection.held.splice(0);
      for (const pkg of held) {
        if (connection.stalled || connection.socket.destroyed) {
          connection.held.push(pkg);
          continue;
        }
        this.#dispatch(connection, pkg);
      }
    }
  }

  dropConnections(): void {
    for (const connection of this.#connections) connection.socket.destroy();
  }

  pointCount(database?: string, series?: string): number {
    return this.#store.pointCount(database ?? this.#defaultDatabase, series);
  }

  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.dropConnections();
    });
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- connections ----------------------------------------------------------------------------------

  #accept(socket: Socket): void {
    if (this.#closed !== undefined) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const connection: Connection = {
      socket,
      reader: new FrameReader({
        maxFrameBytes: HEADER_SIZE + SERVER_MAX_PACKAGE_BYTES,
        frameLength: packageLength,
      }),
      db: undefined,
      user: undefined,
      stalled: false,
      held: [],
      reordered: [],
    };
    this.#connections.add(connection);
    this.#connectionsChanged();
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#connections.delete(connection);
      this.#connectionsChanged();
    });
    socket.on('data', (chunk: Buffer) => this.#onData(connection, chunk));
  }

  #onData(connection: Connection, chunk: Buffer): void {
    if (connection.socket.destroyed) return;
    connection.reader.push(chunk);
    for (;;) {
      let frame: Buffer | undefined;
      try {
        frame = connection.reader.next();
      } catch {
        // a bad check byte or a package larger than 40 MiB: "Got an illegal package or size too
        // large", the server closes the connection
        connection.socket.destroy();
        return;
      }
      if (frame === undefined) return;
      const pkg = decodePackage(frame);
      if (pkg.pid > this.#maxPidSeen) this.#maxPidSeen = pkg.pid;
      this.#count(pkg.type);
      // the payload is a view into the received chunk: keep a copy
      const own: SiriPackage = { pid: pkg.pid, type: pkg.type, payload: Buffer.from(pkg.payload) };
      if (connection.stalled) connection.held.push(own);
      else this.#dispatch(connection, own);
      if (connection.socket.destroyed) return;
    }
  }

  #count(type: number): void {
    const name =
      type === RequestType.QUERY
        ? 'query'
        : type === RequestType.INSERT
          ? 'insert'
          : type === RequestType.AUTH
            ? 'auth'
            : type === RequestType.PING
              ? 'ping'
              : type === RequestType.SERVICE
                ? 'service'
                : 'other';
    const count = (this.#counts[name] ?? 0) + 1;
    this.#counts[name] = count;
    for (let index = this.#requestWaiters.length - 1; index >= 0; index--) {
      const waiter = this.#requestWaiters[index] as { kind: string; count: number; resolve: () => void };
      if (waiter.kind !== name || waiter.count > count) continue;
      this.#requestWaiters.splice(index, 1);
      waiter.resolve();
    }
  }

  #send(connection: Connection, pid: number, type: number, payload?: Buffer, mode: SendMode = 'now'): void {
    const socket = connection.socket;
    if (socket.destroyed || !socket.writable) return;
    const bytes = encodePackage(pid, type, payload);
    if (mode === 'now') {
      socket.write(bytes);
      return;
    }
    if (mode === 'reorder') {
      // collect the answers of this turn; write them last-first in the next one
      if (connection.reordered.push(bytes) === 1) {
        setImmediate(() => {
          const answers = connection.reordered.splice(0).reverse();
          this.#reorderedCount += answers.length - 1;
          if (!socket.destroyed && socket.writable) socket.write(Buffer.concat(answers));
        });
      }
      return;
    }
    // drop-mid-response: part of the package, then the connection goes away
    const cut = Math.max(
      1,
      Math.min(bytes.length - 1, HEADER_SIZE + Math.floor((bytes.length - HEADER_SIZE) / 2)),
    );
    socket.end(bytes.subarray(0, cut), () => socket.destroy());
  }

  #dispatch(connection: Connection, pkg: SiriPackage): void {
    switch (pkg.type) {
      case RequestType.QUERY:
        this.#onQuery(connection, pkg);
        return;
      case RequestType.INSERT:
        this.#onInsert(connection, pkg);
        return;
      case RequestType.AUTH:
        this.#onAuth(connection, pkg);
        return;
      case RequestType.PING:
        this.#send(connection, pkg.pid, ResponseType.ACK);
        return;
      case RequestType.SERVICE: {
        const answer = handleServiceRequest(this.#store, this.#version, pkg.payload);
        this.#send(connection, pkg.pid, answer.type, answer.payload);
        return;
      }
      case 6: // register server
      case 7: // file requests: servers, users, groups, database
      case 8:
      case 9:
      case 10: {
        if (connection.db === undefined || connection.user === undefined) {
          this.#send(connection, pkg.pid, ResponseType.ERR_NOT_AUTHENTICATED);
          return;
        }
        const denied = connection.user.denied(1023);
        if (denied !== undefined) {
          this.#send(connection, pkg.pid, ResponseType.ERR_USER_ACCESS, errorPayload(denied));
          return;
        }
        // internal cluster requests: a single test server has nothing to give
        this.#send(connection, pkg.pid, pkg.type === 6 ? ResponseType.ERR : ResponseType.ERR_FILE);
        return;
      }
      default:
        // unknown and legacy types (4, 5, …) are ignored: no answer at all
        return;
    }
  }

  /** Applies a fault to a request; true when the request is handled by it. */
  #applyFault(connection: Connection, pkg: SiriPackage, fault: Readonly<SiriDBFault>): boolean {
    switch (fault.kind) {
      case 'server-error':
        this.#send(
          connection,
          pkg.pid,
          ResponseType.ERR_SERVER,
          errorPayload(fault.message ?? DEFAULT_SERVER_ERROR),
        );
        return true;
      case 'pool-error':
        this.#send(
          connection,
          pkg.pid,
          ResponseType.ERR_POOL,
          errorPayload(fault.message ?? DEFAULT_POOL_ERROR),
        );
        return true;
      case 'stall':
        connection.stalled = true;
        return true;
      default:
        return false;
    }
  }

  #onAuth(connection: Connection, pkg: SiriPackage): void {
    let data: unknown;
    try {
      data = decodeQpack(pkg.payload);
    } catch {
      return; // "Invalid 'on_auth_request' received.": no answer
    }
    if (!Array.isArray(data)) return;
    const [username, password, dbname] = data as unknown[];
    if (typeof username !== 'string' || typeof password !== 'string' || typeof dbname !== 'string') return;
    const db = this.#store.databases.get(dbname);
    if (db === undefined) {
      this.#send(connection, pkg.pid, ResponseType.ERR_AUTH_UNKNOWN_DB);
      return;
    }
    const user = db.authenticate(username, password);
    if (user === undefined) {
      this.#send(connection, pkg.pid, ResponseType.ERR_AUTH_CREDENTIALS);
      return;
    }
    connection.db = db;
    connection.user = user;
    this.#send(connection, pkg.pid, ResponseType.AUTH_SUCCESS);
  }

  #onQuery(connection: Connection, pkg: SiriPackage): void {
    const { db, user } = connection;
    if (db === undefined || user === undefined) {
      this.#send(connection, pkg.pid, ResponseType.ERR_NOT_AUTHENTICATED);
      return;
    }
    if (pkg.payload.length > MAX_QUERY_PKG_SIZE) {
      this.#send(connection, pkg.pid, ResponseType.ERR_QUERY, errorPayload('Query too long.'));
      return;
    }
    const fault = this.#faults.take('query');
    if (fault !== undefined && this.#applyFault(connection, pkg, fault)) return;
    let data: unknown;
    try {
      data = decodeQpack(pkg.payload, { int64: 'bigint' });
    } catch {
      return; // "Incorrect package received: 'on_query'": no answer
    }
    if (!Array.isArray(data) || typeof data[0] !== 'string') return;
    const text = data[0];
    const requested = typeof data[1] === 'bigint' ? data[1] : undefined;
    const mode = sendMode(fault);
    // queries run asynchronously on the server (a ping sent after a query can be answered first)
    setImmediate(() => {
      if (connection.socket.destroyed) return;
      let outcome: ReturnType<typeof runQuery>;
      try {
        outcome = runQuery(text, {
          db,
          user,
          factor: queryFactor(requested, db.precision),
          nowMs: this.#now(),
          serverName: SERVER_NAME,
          version: this.#version,
          startedAtMs: this.#startedAt,
          activeHandles: this.#connections.size + 2,
        });
      } catch {
        // a bug in the test server must not take the test process down: answer CPROTO_ERR
        this.#send(connection, pkg.pid, ResponseType.ERR, undefined, mode);
        return;
      }
      if (outcome.ok) this.#send(connection, pkg.pid, ResponseType.QUERY, outcome.payload, mode);
      else this.#send(connection, pkg.pid, outcome.type, errorPayload(outcome.message), mode);
    });
  }

  #onInsert(connection: Connection, pkg: SiriPackage): void {
    const { db, user } = connection;
    if (db === undefined || user === undefined) {
      this.#send(connection, pkg.pid, ResponseType.ERR_NOT_AUTHENTICATED);
      return;
    }
    const denied = user.denied(Access.insert);
    if (denied !== undefined) {
      this.#send(connection, pkg.pid, ResponseType.ERR_USER_ACCESS, errorPayload(denied));
      return;
    }
    const fault = this.#faults.take('insert');
    if (fault !== undefined && this.#applyFault(connection, pkg, fault)) return;
    const mode = sendMode(fault);
    const insert = validateInsert(db, pkg.payload);
    if (!insert.ok) {
      this.#send(connection, pkg.pid, ResponseType.ERR_INSERT, errorPayload(insert.message), mode);
      return;
    }
    // the points are stored asynchronously and then acknowledged
    setImmediate(() => {
      applyInsert(db, insert);
      // a series name that starts with NUL: the server stores the series before it and never answers
      if (insert.unanswered) return;
      this.#send(
        connection,
        pkg.pid,
        ResponseType.INSERT,
        successPayload(`Successfully inserted ${insert.count} point(s).`),
        mode,
      );
    });
  }
}

/**
 * Starts a SiriDB test server on 127.0.0.1.
 *
 * @example
 * await using server = await startSiriDBTestServer();
 * await using client = SiriDBClient.fromUrl(server.url);
 */
export async function startSiriDBTestServer(
  options: SiriDBTestServerOptions = {},
): Promise<SiriDBTestServer> {
  const store = options.store ?? new TestStore();
  if (!(store instanceof TestStore)) {
    throw new ConfigError('SiriDB test server: `store` must come from createSiriDBStore()', {
      field: 'store',
    });
  }
  fillStore(store, options);
  const server = net.createServer();
  const testServer = new TestServer(server, store, options);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  // read the port while the listener has an address, so `port` and `url` work after close()
  void testServer.port;
  return testServer;
}
