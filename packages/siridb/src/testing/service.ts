/**
 * The service (admin) API, request type 32 (docs/protocols/siridb.md §11).
 * @internal
 */
import { ResponseType } from '../protocol/package.js';
import { decodeQpack, QpackFloat } from '../protocol/qpack.js';
import { ServiceRequest } from '../protocol/service-request.js';
import { errorPayload, serviceDataPayload } from './response-writer.js';
import { TestDatabase, type TestStore } from './store.js';
import type { Precision } from './time-expr.js';
import { TestUser } from './users.js';

const { ACK_SERVICE, ACK_SERVICE_DATA, ERR_SERVICE, ERR_SERVICE_INVALID_REQUEST } = ResponseType;

const MAX_NUMBER_DB = 1024;
const FULL_ACCESS = 1023;
const DBNAME_RE = /^[a-zA-Z][a-zA-Z0-9-_]{0,18}[a-zA-Z0-9]$/;

/** The answer to a service request. */
export interface ServiceAnswer {
  readonly type: number;
  readonly payload?: Buffer;
}

type Check = 'raw' | 'int' | 'bool';

class Invalid extends Error {}

class ServiceFailure extends Error {}

function isInt(value: unknown): value is number | bigint {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
}

function matches(check: Check, value: unknown): boolean {
  if (check === 'raw') return typeof value === 'string';
  if (check === 'int') return isInt(value);
  return typeof value === 'boolean';
}

/**
 * Reads the options map the way the server loops over it: every key must be a prefix of (usually
 * equal to) one of `keys` (`strncmp(key, name, len(key))`) with a value of the right type, else 97.
 */
function readOptions(options: unknown, keys: Readonly<Record<string, Check>>): Map<string, unknown> {
  if (
    typeof options !== 'object' ||
    options === null ||
    Array.isArray(options) ||
    options instanceof QpackFloat
  ) {
    throw new Invalid();
  }
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(options)) {
    const name = Object.keys(keys).find(
      (candidate) => candidate.startsWith(key) && matches(keys[candidate] as Check, value),
    );
    if (name === undefined) throw new Invalid();
    out.set(name, value);
  }
  return out;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function precisionFromName(name: string): Precision | undefined {
  const index = ['s', 'ms', 'us', 'ns'].indexOf(name);
  return index === -1 ? undefined : (index as Precision);
}

/** `SERVICE_duration`: `N[h|d|w]` with N in 1..99, in the database precision. */
function duration(text: string, precision: Precision): bigint | undefined {
  const match = /^[ \t\n\v\f\r]*([+-]?\d+)([hdw])$/.exec(text);
  if (match === null || text.length < 2) return undefined;
  const value = Number(match[1]);
  if (value < 1 || value > 99) return undefined;
  const unit = match[2] === 'h' ? 3600n : match[2] === 'd' ? 86_400n : 604_800n;
  return 1000n ** BigInt(precision) * BigInt(value) * unit;
}

/** `CHECK_DBNAME_AND_CREATE_PATH` minus the file system. */
function checkDatabaseName(store: TestStore, name: string): void {
  if (!DBNAME_RE.test(name)) throw new ServiceFailure(`invalid database name: '${name}'`);
  if (store.databases.has(name)) throw new ServiceFailure(`database name already exists: '${name}'`);
}

function handle(store: TestStore, version: string, request: number, options: unknown): ServiceAnswer {
  switch (request) {
    case ServiceRequest.NEW_ACCOUNT: {
      const values = readOptions(options, { account: 'raw', password: 'raw' });
      const account = values.get('account') as string | undefined;
      const password = values.get('password') as string | undefined;
      if (account === undefined || password === undefined) throw new Invalid();
      if (store.accounts.some((entry) => entry.username === account)) {
        throw new ServiceFailure(`service account '${account}' already exists`);
      }
      if (byteLength(account) < 2)
        throw new ServiceFailure('service account name should have at least 2 characters');
      if (byteLength(password) < 2) {
        throw new ServiceFailure('service account password should have at least 2 characters');
      }
      store.accounts.push({ username: account, password });
      return { type: ACK_SERVICE };
    }
    case ServiceRequest.CHANGE_PASSWORD: {
      const values = readOptions(options, { account: 'raw', password: 'raw' });
      const account = values.get('account') as string | undefined;
      const password = values.get('password') as string | undefined;
      if (account === undefined || password === undefined) throw new Invalid();
      const entry = store.accounts.find((candidate) => candidate.username === account);
      if (entry === undefined) throw new ServiceFailure(`cannot find service account '${account}'`);
      entry.password = password;
      return { type: ACK_SERVICE };
    }
    case ServiceRequest.DROP_ACCOUNT: {
      const values = readOptions(options, { account: 'raw' });
      const account = values.get('account') as string | undefined;
      if (account === undefined) throw new Invalid();
      if (store.accounts.length === 1) {
        throw new ServiceFailure(
          'at least one service account is required, cannot drop the last service account',
        );
      }
      const index = store.accounts.findIndex((candidate) => candidate.username === account);
      if (index === -1) throw new ServiceFailure(`cannot find service account '${account}'`);
      store.accounts.splice(index, 1);
      return { type: ACK_SERVICE };
    }
    case ServiceRequest.NEW_DATABASE: {
      if (store.databases.size >= MAX_NUMBER_DB) {
        throw new ServiceFailure(`maximum number of databases is reached (${store.databases.size})`);
      }
      const values = readOptions(options, {
        dbname: 'raw',
        time_precision: 'raw',
        buffer_size: 'int',
        duration_num: 'raw',
        duration_log: 'raw',
      });
      const dbname = values.get('dbname') as string | undefined;
      if (dbname === undefined) throw new Invalid();
      const precisionName = values.get('time_precision') as string | undefined;
      const precision = precisionName === undefined ? 1 : precisionFromName(precisionName);
      if (precision === undefined) {
        throw new ServiceFailure(`invalid time precision: '${precisionName}' (expecting s, ms, us or ns)`);
      }
      const numText = values.get('duration_num') as string | undefined;
      const durationNum =
        numText === undefined ? 604_800n * 1000n ** BigInt(precision) : duration(numText, precision);
      if (durationNum === undefined) {
        throw new ServiceFailure(`invalid number duration: '${numText}' (valid examples: 6h, 2d or 1w)`);
      }
      const logText = values.get('duration_log') as string | undefined;
      const durationLog =
        logText === undefined ? 86_400n * 1000n ** BigInt(precision) : duration(logText, precision);
      if (durationLog === undefined) {
        throw new ServiceFailure(`invalid log duration: '${logText}' (valid examples: 6h, 2d or 1w)`);
      }
      const rawSize = values.get('buffer_size') as number | bigint | undefined;
      const bufferSize = rawSize === undefined ? 1024 : Number(rawSize);
      if (bufferSize < 512 || bufferSize % 512 !== 0 || bufferSize > 1_048_576) {
        throw new ServiceFailure(
          `invalid buffer size: ${String(rawSize)} (expecting a multiple of 512 with a maximum of 1048576)`,
        );
      }
      checkDatabaseName(store, dbname);
      const db = new TestDatabase(dbname, precision, [new TestUser('iris', 'siri', FULL_ACCESS)], {
        durationNum,
        durationLog,
        bufferSize,
      });
      store.databases.set(dbname, db);
      return { type: ACK_SERVICE };
    }
    case ServiceRequest.NEW_POOL:
    case ServiceRequest.NEW_REPLICA: {
      if (store.databases.size >= MAX_NUMBER_DB) {
        throw new ServiceFailure(`maximum number of databases is reached (${store.databases.size})`);
      }
      const values = readOptions(options, {
        dbname: 'raw',
        pool: 'int',
        host: 'raw',
        port: 'int',
        username: 'raw',
        password: 'raw',
      });
      const pool = values.get('pool');
      if (
        !values.has('dbname') ||
        (request === ServiceRequest.NEW_POOL ? pool !== undefined : pool === undefined) ||
        !values.has('host') ||
        !values.has('port') ||
        !values.has('username') ||
        !values.has('password')
      ) {
        throw new Invalid();
      }
      const port = BigInt(values.get('port') as number | bigint);
      if (port < 1n || port > 65_535n) {
        throw new ServiceFailure(`invalid port number: ${port} (expecting a value between 0 and 65536)`);
      }
      checkDatabaseName(store, values.get('dbname') as string);
      // A test server is one server: it cannot join another one. Answer as a server that could not
      // reach the given member would.
      throw new ServiceFailure(
        `connecting to server '${values.get('host') as string}:${port}' failed with error: connection refused`,
      );
    }
    case ServiceRequest.DROP_DATABASE: {
      const values = readOptions(options, { database: 'raw', ignore_offline: 'bool' });
      const name = values.get('database') as string | undefined;
      if (name === undefined) throw new Invalid();
      const db = store.databases.get(name);
      if (db === undefined) throw new ServiceFailure(`cannot find database '${name}'`);
      db.dropped = true;
      store.databases.delete(name);
      return { type: ACK_SERVICE };
    }
    case ServiceRequest.GET_VERSION:
      return { type: ACK_SERVICE_DATA, payload: serviceDataPayload([version]) };
    case ServiceRequest.GET_ACCOUNTS:
      return {
        type: ACK_SERVICE_DATA,
        payload: serviceDataPayload(store.accounts.map((entry) => entry.username)),
      };
    case ServiceRequest.GET_DATABASES:
      return { type: ACK_SERVICE_DATA, payload: serviceDataPayload([...store.databases.keys()]) };
    default:
      throw new Invalid();
  }
}

/** Answers one service request package. */
export function handleServiceRequest(store: TestStore, version: string, payload: Buffer): ServiceAnswer {
  let data: unknown;
  try {
    data = decodeQpack(payload, { floats: 'wrap', int64: 'bigint' });
  } catch {
    return { type: ERR_SERVICE_INVALID_REQUEST };
  }
  if (!Array.isArray(data)) return { type: ERR_SERVICE_INVALID_REQUEST };
  const [username, password, request, options] = data as unknown[];
  if (typeof username !== 'string' || typeof password !== 'string' || typeof request !== 'bigint') {
    return { type: ERR_SERVICE_INVALID_REQUEST };
  }
  const account = store.accounts.find((entry) => entry.username === username);
  if (account === undefined) {
    return { type: ERR_SERVICE, payload: errorPayload(`cannot find service account '${username}'`) };
  }
  if (account.password !== password) {
    return {
      type: ERR_SERVICE,
      payload: errorPayload(`incorrect password for service account '${username}'`),
    };
  }
  try {
    // the request number is passed on as a C int
    return handle(store, version, Number(BigInt.asIntN(32, request)), options);
  } catch (error) {
    if (error instanceof Invalid) return { type: ERR_SERVICE_INVALID_REQUEST };
    if (error instanceof ServiceFailure) return { type: ERR_SERVICE, payload: errorPayload(error.message) };
    throw error;
  }
}
