import {
  type CallOptions,
  CallRunner,
  ConfigError,
  type ConnError,
  ConnectionError,
  createEventPublisher,
  DEFAULT_CLOSE_TIMEOUT_MS,
  durationOption,
  type EventPublisher,
  integerOption,
  isConnError,
  Pool,
  PoolClosedError,
  parseConnectionUrl,
  redactSecrets,
  retry,
  Secret,
  textOption,
} from '@conn/core';
import { SiriDBConnection } from './connection.js';
import { SiriDBServiceError } from './errors.js';
import { DEFAULT_PORT } from './options.js';
import { encodeQpack } from './protocol/qpack.js';
import { ServiceRequest } from './protocol/service-request.js';
import type { TimePrecision } from './time-precision.js';

/** Options of {@link SiriDBService}. */
export interface SiriDBServiceOptions {
  readonly host: string;
  /** Client port. Default 9000. */
  readonly port?: number | undefined;
  /** Service account (not a database user). Default `sa`. */
  readonly username?: string | undefined;
  /** Service account password. */
  readonly password: string | Secret;
  /** Connect time limit in ms. Default 10_000. */
  readonly connectTimeoutMs?: number | undefined;
  /** Default time limit of a request in ms. Default 60_000 (new_pool and new_replica can take long). */
  readonly timeoutMs?: number | undefined;
  readonly events?: EventPublisher | undefined;
}

/** Options of {@link SiriDBService.newDatabase}. */
export interface NewDatabaseOptions {
  readonly dbname: string;
  /** Default `ms` (the server's default). */
  readonly timePrecision?: TimePrecision | undefined;
  /** Multiple of 512 in 512..1,048,576. Server default 1024. */
  readonly bufferSize?: number | undefined;
  /** Shard duration of numeric series, e.g. `1w`. */
  readonly durationNum?: string | undefined;
  /** Shard duration of string series, e.g. `1d`. */
  readonly durationLog?: string | undefined;
}

/** Options of {@link SiriDBService.newPool} and {@link SiriDBService.newReplica}. */
export interface JoinOptions {
  readonly dbname: string;
  /** Client address of an existing member of the database. */
  readonly host: string;
  readonly port: number;
  /** A database user on that member. */
  readonly username: string;
  readonly password: string | Secret;
}

/**
 * The SiriDB service (admin) API: databases, service accounts, pools and replicas. It talks to
 * the client port with the service account's credentials in every request; no database login
 * is needed. Errors are `SiriDBServiceError` (96 with the server's message, 97 invalid request).
 *
 * @example
 * await using service = new SiriDBService({ host: '127.0.0.1', password: 'siri' });
 * await service.newDatabase({ dbname: 'metrics', timePrecision: 's' });
 */
export class SiriDBService implements AsyncDisposable {
  readonly #host: string;
  readonly #port: number;
  readonly #username: string;
  readonly #password: Secret;
  readonly #calls: CallRunner;
  /** One connection that every request shares, opened on demand and again after it was lost. */
  readonly #pool: Pool<SiriDBConnection>;
  #closed = false;

  constructor(options: SiriDBServiceOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new ConfigError('options must be an object', { field: 'options' });
    }
    const host = textOption(options.host, 'host');
    const port = integerOption(options.port, 'port', DEFAULT_PORT, 1, 65_535);
    const connectTimeoutMs = durationOption(options.connectTimeoutMs, 'connectTimeoutMs', 10_000, {
      allowZero: false,
    });
    const events = options.events ?? createEventPublisher('siridb');
    this.#host = host;
    this.#port = port;
    this.#username = options.username ?? 'sa';
    this.#password = Secret.from(options.password);
    this.#calls = new CallRunner({
      packageName: 'siridb',
      clientName: 'SiriDB service client',
      isClosed: () => this.#closed,
      defaultTimeoutMs: options.timeoutMs ?? 60_000,
    });
    this.#pool = new Pool<SiriDBConnection>(
      {
        create: (signal, lost) =>
          SiriDBConnection.open(
            {
              host,
              port,
              connectTimeoutMs,
              authTimeoutMs: connectTimeoutMs,
              keepaliveIntervalMs: 0,
              pingTimeoutMs: connectTimeoutMs,
              decode: {},
              events,
              onClose: lost,
            },
            signal,
          ),
        destroy: (connection) => connection.close(0),
      },
      {
        name: `siridb service ${host}:${port}`,
        max: 1,
        capacity: 0xffff,
        sharing: 'always',
        // A request waits for the connection within its own deadline (the call's signal).
        acquireTimeoutMs: Number.POSITIVE_INFINITY,
        createTimeoutMs: connectTimeoutMs,
        idleTimeoutMs: 0,
        closeTimeoutMs: DEFAULT_CLOSE_TIMEOUT_MS,
        events,
      },
    );
  }

  /** A service client from `siridb://sa:password@host:9000`. */
  static fromUrl(url: string | Secret, overrides: Partial<SiriDBServiceOptions> = {}): SiriDBService {
    const parsed = parseConnectionUrl(url, { schemes: ['siridb'] });
    const [first, ...others] = parsed.hosts;
    if (first === undefined || others.length > 0) {
      throw new ConfigError(`a service URL names exactly one host: ${parsed}`, { field: 'url' });
    }
    return new SiriDBService({
      host: first.host,
      port: first.port,
      username: parsed.username,
      password: parsed.password ?? '',
      ...overrides,
    });
  }

  /** Creates a database (its default user is `iris`/`siri` with full access). */
  async newDatabase(database: NewDatabaseOptions, options: CallOptions = {}): Promise<void> {
    const request: Record<string, string | number> = { dbname: database.dbname };
    if (database.timePrecision !== undefined) request['time_precision'] = database.timePrecision;
    if (database.bufferSize !== undefined) request['buffer_size'] = database.bufferSize;
    if (database.durationNum !== undefined) request['duration_num'] = database.durationNum;
    if (database.durationLog !== undefined) request['duration_log'] = database.durationLog;
    await this.#send(ServiceRequest.NEW_DATABASE, request, options);
  }

  /** Drops a database; `ignoreOffline` drops it even when a server of it is offline. */
  async dropDatabase(
    dbname: string,
    dropOptions: { ignoreOffline?: boolean } = {},
    options: CallOptions = {},
  ): Promise<void> {
    const request: Record<string, string | boolean> = { database: dbname };
    if (dropOptions.ignoreOffline !== undefined) request['ignore_offline'] = dropOptions.ignoreOffline;
    await this.#send(ServiceRequest.DROP_DATABASE, request, options);
  }

  /** Creates a service account (password at least 2 characters). */
  async newAccount(account: string, password: string | Secret, options: CallOptions = {}): Promise<void> {
    const secret = Secret.from(password);
    await this.#send(ServiceRequest.NEW_ACCOUNT, { account, password: secret }, options, [secret]);
  }

  /** Changes a service account's password. */
  async changePassword(account: string, password: string | Secret, options: CallOptions = {}): Promise<void> {
    const secret = Secret.from(password);
    await this.#send(ServiceRequest.CHANGE_PASSWORD, { account, password: secret }, options, [secret]);
  }

  /** Drops a service account (the last one cannot be dropped). */
  async dropAccount(account: string, options: CallOptions = {}): Promise<void> {
    await this.#send(ServiceRequest.DROP_ACCOUNT, { account }, options);
  }

  /** Makes this (new, empty) server a new pool of an existing database. */
  async newPool(join: JoinOptions, options: CallOptions = {}): Promise<void> {
    const secret = Secret.from(join.password);
    await this.#send(ServiceRequest.NEW_POOL, joinRequest(join, secret), options, [secret]);
  }

  /** Makes this (new, empty) server a replica of pool `pool` of an existing database. */
  async newReplica(join: JoinOptions & { readonly pool: number }, options: CallOptions = {}): Promise<void> {
    const secret = Secret.from(join.password);
    await this.#send(ServiceRequest.NEW_REPLICA, { ...joinRequest(join, secret), pool: join.pool }, options, [
      secret,
    ]);
  }

  /** The server's version, e.g. `2.0.55`. */
  async getVersion(options: CallOptions = {}): Promise<string> {
    const data = await this.#send(ServiceRequest.GET_VERSION, undefined, options);
    return String((data as unknown[])[0]);
  }

  /** Names of the service accounts. */
  async getAccounts(options: CallOptions = {}): Promise<string[]> {
    return (await this.#send(ServiceRequest.GET_ACCOUNTS, undefined, options)) as string[];
  }

  /** Names of the databases on this server. */
  async getDatabases(options: CallOptions = {}): Promise<string[]> {
    return (await this.#send(ServiceRequest.GET_DATABASES, undefined, options)) as string[];
  }

  /** Closes the connection after its requests in flight; stops a connect in progress at once. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #send(
    request: number,
    requestOptions: Record<string, unknown> | undefined,
    options: CallOptions,
    secrets: readonly Secret[] = [],
  ): Promise<unknown> {
    const operation = `service:${SERVICE_REQUEST_NAMES[request] ?? request}`;
    const readOnly = request >= ServiceRequest.GET_VERSION;
    return this.#calls.run({ operation, write: !readOnly }, options, async (call) => {
      const payload = [this.#username, this.#password.reveal(), request];
      if (requestOptions !== undefined) {
        payload.push(
          Object.fromEntries(
            Object.entries(requestOptions).map(([key, value]) => [
              key,
              value instanceof Secret ? value.reveal() : value,
            ]),
          ) as never,
        );
      }
      const encoded = encodeQpack(payload);
      const send = async (): Promise<unknown> => {
        const lease = await this.#pool
          .acquire({ shared: true, signal: call.signal })
          .catch((error: unknown) => {
            throw error instanceof PoolClosedError ? this.#calls.closedError() : error;
          });
        call.target = { host: this.#host, port: this.#port };
        try {
          const answer = lease.resource.service(encoded, { signal: call.signal });
          call.markSent();
          return await answer;
        } finally {
          lease.release();
        }
      };
      try {
        return await retry(send, {
          attempts: 2,
          signal: call.signal,
          // The connection may have died since the last request (the server closed it). Send once
          // more on a new one when that is safe: the request never left, or it only reads.
          decide: (error) =>
            error instanceof ConnectionError && !this.#closed && (error.retryable || readOnly) ? 0 : 'fail',
          onRetry: () => call.markNotExecuted(),
        });
      } catch (error) {
        throw scrub(error, [this.#password, ...secrets]);
      }
    });
  }
}

/** Operation names on the tracing channels, e.g. `conn:siridb:service:newDatabase`. */
const SERVICE_REQUEST_NAMES: Readonly<Record<number, string>> = {
  [ServiceRequest.NEW_ACCOUNT]: 'newAccount',
  [ServiceRequest.CHANGE_PASSWORD]: 'changePassword',
  [ServiceRequest.DROP_ACCOUNT]: 'dropAccount',
  [ServiceRequest.NEW_DATABASE]: 'newDatabase',
  [ServiceRequest.NEW_POOL]: 'newPool',
  [ServiceRequest.NEW_REPLICA]: 'newReplica',
  [ServiceRequest.DROP_DATABASE]: 'dropDatabase',
  [ServiceRequest.GET_VERSION]: 'getVersion',
  [ServiceRequest.GET_ACCOUNTS]: 'getAccounts',
  [ServiceRequest.GET_DATABASES]: 'getDatabases',
};

function joinRequest(join: JoinOptions, password: Secret): Record<string, unknown> {
  return { dbname: join.dbname, host: join.host, port: join.port, username: join.username, password };
}

/** Server messages may echo what was sent: never let a password through. */
function scrub(error: unknown, secrets: readonly Secret[]): unknown {
  if (!isConnError(error) || !(error instanceof SiriDBServiceError)) return error;
  const message = redactSecrets(error.message, secrets);
  if (message === error.message) return error;
  return new SiriDBServiceError(message, {
    code: error.code,
    siridbType: error.siridbType,
    serverMessage:
      error.serverMessage === undefined ? undefined : redactSecrets(error.serverMessage, secrets),
    details: error.details,
  }) as ConnError;
}
