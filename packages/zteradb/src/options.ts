import {
  booleanOption,
  ConfigError,
  type ConnectionUrl,
  deadlineOption,
  durationOption,
  type EventPublisher,
  integerOption,
  oneOfOption,
  parseConnectionUrl,
  Secret,
  textOption,
} from '@conn/core';
import type { ZTeraDBEnv, ZTeraDBResponseDataType } from './protocol/connect-request.js';
import { DEFAULT_MAX_FRAME_BYTES } from './protocol/frame-codec.js';

/** The service's documented port. */
export const DEFAULT_PORT = 7777;

const ENVS: readonly ZTeraDBEnv[] = ['dev', 'staging', 'qa', 'prod'];
const RESPONSE_DATA_TYPES: readonly ZTeraDBResponseDataType[] = ['json'];

/** TLS settings. The service runs plain TCP unless TLS is set up, so TLS is off unless asked for. */
export interface ZTeraDBTlsOptions {
  /** Check the certificate chain and host name. Default true. */
  readonly rejectUnauthorized?: boolean | undefined;
  /** CA certificate(s) (PEM) to trust instead of the system store. */
  readonly ca?: string | Buffer | undefined;
  /** Host name to verify and send as SNI; default the connection host. */
  readonly servername?: string | undefined;
}

/** Pool settings: `min` connections are opened and kept, at most `max` exist at once. */
export interface ZTeraDBPoolOptions {
  /** Connections opened up front and kept even when idle. Default 0. */
  readonly min?: number | undefined;
  /** Most connections at once; further queries wait in line. Default 10. */
  readonly max?: number | undefined;
  /** Longest wait for a free connection, in ms. Default 30_000. */
  readonly acquireTimeoutMs?: number | undefined;
  /** Close a connection idle this long (never below `min`), in ms. Default 300_000. */
  readonly idleTimeoutMs?: number | undefined;
}

/** Options of `ZTeraDBClient`: the official configuration's fields in TypeScript style. */
export interface ZTeraDBClientOptions {
  /** Account id sent in CONNECT (a `Secret` or a string, wrapped into one). */
  readonly clientKey: string | Secret;
  /** Access key: signed into CONNECT, never sent. */
  readonly accessKey: string | Secret;
  /** Secret key: the HMAC key of the signature, never sent. */
  readonly secretKey: string | Secret;
  /** Database id sent with CONNECT and every query. */
  readonly databaseId: string;
  /** Deployment environment. */
  readonly env: ZTeraDBEnv;
  /** Only `json` exists. Default `json`. */
  readonly responseDataType?: ZTeraDBResponseDataType | undefined;
  /** Server host name or address. */
  readonly host: string;
  /** Default 7777. */
  readonly port?: number | undefined;
  /** Off by default; `true` or an object turns it on, verified unless `rejectUnauthorized: false`. */
  readonly tls?: boolean | ZTeraDBTlsOptions | undefined;
  /** Pool settings. */
  readonly pool?: ZTeraDBPoolOptions | undefined;
  /** Deadline of a call that names none, in ms (pool wait, connect, query). `Infinity` for none. Default 60_000. */
  readonly timeoutMs?: number | undefined;
  /** TCP + TLS + handshake time limit of one connection attempt, in ms. Default 10_000. */
  readonly connectTimeoutMs?: number | undefined;
  /**
   * How long to wait for the QUERY_COMPLETE that may follow a count, insert, update or delete
   * result before the connection is closed instead of reused, in ms. Default 1_000.
   */
  readonly completeGraceMs?: number | undefined;
  /** Largest frame accepted from the server, in bytes. Default 64 MiB. */
  readonly maxFrameBytes?: number | undefined;
  /** Require the server's `client_auth` proof on CONNECTED (it is checked whenever sent). Default false. */
  readonly strictServerProof?: boolean | undefined;
  /** Where events are published. Default: channels `conn:zteradb:<event>`. */
  readonly events?: EventPublisher | undefined;
}

/** TLS settings after defaults. @internal */
export interface ResolvedTls {
  readonly rejectUnauthorized: boolean;
  readonly ca: string | Buffer | undefined;
  readonly servername: string | undefined;
}

/** Options after validation and defaults. @internal */
export interface ResolvedZTeraDBOptions {
  readonly clientKey: Secret;
  readonly accessKey: Secret;
  readonly secretKey: Secret;
  readonly databaseId: string;
  readonly env: ZTeraDBEnv;
  readonly responseDataType: ZTeraDBResponseDataType;
  readonly host: string;
  readonly port: number;
  /** `undefined`: plain TCP. */
  readonly tls: ResolvedTls | undefined;
  readonly pool: {
    readonly min: number;
    readonly max: number;
    readonly acquireTimeoutMs: number;
    readonly idleTimeoutMs: number;
  };
  /** `undefined`: no deadline. */
  readonly timeoutMs: number | undefined;
  readonly connectTimeoutMs: number;
  readonly completeGraceMs: number;
  readonly maxFrameBytes: number;
  readonly strictServerProof: boolean;
  readonly events: EventPublisher | undefined;
}

/** Validates options and fills in defaults. @throws ConfigError naming the field (never a secret's value). */
export function resolveOptions(options: ZTeraDBClientOptions): ResolvedZTeraDBOptions {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options must be an object', { field: 'options' });
  const pool = options.pool ?? {};
  if (typeof pool !== 'object' || pool === null)
    throw new ConfigError('pool must be an object', { field: 'pool' });
  const max = integerOption(pool.max, 'pool.max', 10, 1);
  const min = integerOption(pool.min, 'pool.min', 0, 0);
  if (min > max)
    throw new ConfigError(`pool.min (${min}) must not exceed pool.max (${max})`, { field: 'pool.min' });
  return {
    clientKey: secretOption(options.clientKey, 'clientKey'),
    accessKey: secretOption(options.accessKey, 'accessKey'),
    secretKey: secretOption(options.secretKey, 'secretKey'),
    databaseId: textOption(options.databaseId, 'databaseId'),
    env: requiredOneOf(options.env, 'env', ENVS),
    responseDataType: oneOfOption(options.responseDataType, 'responseDataType', RESPONSE_DATA_TYPES, 'json'),
    host: textOption(options.host, 'host'),
    port: integerOption(options.port, 'port', DEFAULT_PORT, 1, 65_535),
    tls: resolveTls(options.tls),
    pool: {
      min,
      max,
      acquireTimeoutMs: durationOption(pool.acquireTimeoutMs, 'pool.acquireTimeoutMs', 30_000),
      idleTimeoutMs: durationOption(pool.idleTimeoutMs, 'pool.idleTimeoutMs', 300_000),
    },
    timeoutMs: deadlineOption(options.timeoutMs, 'timeoutMs', 60_000),
    connectTimeoutMs: durationOption(options.connectTimeoutMs, 'connectTimeoutMs', 10_000, {
      allowZero: false,
    }),
    completeGraceMs: durationOption(options.completeGraceMs, 'completeGraceMs', 1_000),
    maxFrameBytes: integerOption(options.maxFrameBytes, 'maxFrameBytes', DEFAULT_MAX_FRAME_BYTES, 16),
    strictServerProof: booleanOption(options.strictServerProof, 'strictServerProof', false),
    events: options.events,
  };
}

function resolveTls(tls: ZTeraDBClientOptions['tls']): ResolvedTls | undefined {
  if (tls === undefined || tls === false) return undefined;
  if (tls === true) return { rejectUnauthorized: true, ca: undefined, servername: undefined };
  if (typeof tls !== 'object' || tls === null)
    throw new ConfigError('tls must be a boolean or an object', { field: 'tls' });
  const servername = tls.servername === undefined ? undefined : textOption(tls.servername, 'tls.servername');
  if (tls.ca !== undefined && typeof tls.ca !== 'string' && !Buffer.isBuffer(tls.ca))
    throw new ConfigError('tls.ca must be PEM text or a Buffer', { field: 'tls.ca' });
  return {
    rejectUnauthorized: booleanOption(tls.rejectUnauthorized, 'tls.rejectUnauthorized', true),
    ca: tls.ca,
    servername,
  };
}

/** A non-empty key as a `Secret`. The message never repeats the value. */
function secretOption(value: unknown, field: string): Secret {
  if (value instanceof Secret) {
    if (value.isEmpty) throw new ConfigError(`${field} must not be empty`, { field });
    return value;
  }
  if (typeof value !== 'string' || value.length === 0)
    throw new ConfigError(`${field} must be a non-empty string or a Secret`, { field });
  return new Secret(value);
}

function requiredOneOf<const T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (value === undefined)
    throw new ConfigError(`${field} is required (one of ${allowed.join(', ')})`, { field });
  return oneOfOption(value, field, allowed, allowed[0] as T);
}

/** Options of {@link optionsFromEnv}. */
export interface FromEnvOptions {
  /** Put before every variable name: `{ prefix: 'APP_' }` reads `APP_CLIENT_KEY` ... Default ''. */
  readonly prefix?: string | undefined;
}

/** The variables the service documents for a `.env` file, and whether each must be set. */
const ENV_VARIABLES = {
  CLIENT_KEY: true,
  ACCESS_KEY: true,
  SECRET_KEY: true,
  DATABASE_ID: true,
  ZTERADB_ENV: true,
  REQUEST_DATA_TYPE: false,
  MIN_CONNECTION: false,
  MAX_CONNECTION: false,
  ZTERADB_HOST: true,
  ZTERADB_PORT: false,
} as const;

/**
 * Options from the service's `.env` names (`CLIENT_KEY`, `ACCESS_KEY`, `SECRET_KEY`, `DATABASE_ID`,
 * `ZTERADB_ENV`, `REQUEST_DATA_TYPE`, `MIN_CONNECTION`, `MAX_CONNECTION`, `ZTERADB_HOST`,
 * `ZTERADB_PORT`), each optionally prefixed. Nothing else is read, and only when called.
 * @throws ConfigError listing every missing or malformed variable by name at once (`field` is the
 * comma-separated list); values of the key variables are never repeated.
 */
export function optionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  { prefix = '' }: FromEnvOptions = {},
): ZTeraDBClientOptions {
  const problems: string[] = [];
  const bad: string[] = [];
  const read = (name: keyof typeof ENV_VARIABLES): string | undefined => {
    const value = env[prefix + name];
    if (value === undefined || value.trim() === '') {
      if (ENV_VARIABLES[name]) {
        bad.push(prefix + name);
        problems.push(`${prefix + name} is not set`);
      }
      return undefined;
    }
    return value.trim();
  };
  const malformed = (name: string, why: string): undefined => {
    bad.push(prefix + name);
    problems.push(`${prefix + name} ${why}`);
    return undefined;
  };
  const integer = (name: 'MIN_CONNECTION' | 'MAX_CONNECTION' | 'ZTERADB_PORT', min: number, max: number) => {
    const text = read(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max)
      return malformed(name, `must be an integer from ${min} to ${max}, got '${shortText(text)}'`);
    return value;
  };
  const clientKey = read('CLIENT_KEY');
  const accessKey = read('ACCESS_KEY');
  const secretKey = read('SECRET_KEY');
  const databaseId = read('DATABASE_ID');
  const envName = read('ZTERADB_ENV');
  if (envName !== undefined && !(ENVS as readonly string[]).includes(envName))
    malformed('ZTERADB_ENV', `must be one of ${ENVS.join(', ')}, got '${shortText(envName)}'`);
  const dataType = read('REQUEST_DATA_TYPE');
  if (dataType !== undefined && dataType !== 'json')
    malformed('REQUEST_DATA_TYPE', `must be json, got '${shortText(dataType)}'`);
  const min = integer('MIN_CONNECTION', 0, 10_000);
  const max = integer('MAX_CONNECTION', 1, 10_000);
  if (min !== undefined && max !== undefined && min > max)
    malformed('MIN_CONNECTION', `(${min}) must not exceed ${prefix}MAX_CONNECTION (${max})`);
  const host = read('ZTERADB_HOST');
  const port = integer('ZTERADB_PORT', 1, 65_535);
  if (problems.length > 0) {
    throw new ConfigError(`ZTeraDB environment: ${problems.join('; ')}`, {
      field: bad.join(','),
      details: { variables: bad.join(',') },
    });
  }
  return {
    clientKey: new Secret(clientKey as string),
    accessKey: new Secret(accessKey as string),
    secretKey: new Secret(secretKey as string),
    databaseId: databaseId as string,
    env: envName as ZTeraDBEnv,
    responseDataType: 'json',
    host: host as string,
    ...(port === undefined ? {} : { port }),
    ...(min === undefined && max === undefined
      ? {}
      : { pool: { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) } }),
  };
}

function shortText(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** URL parameters that are numbers, and the option each sets. */
const URL_NUMBERS = {
  timeoutMs: 'timeoutMs',
  connectTimeoutMs: 'connectTimeoutMs',
  completeGraceMs: 'completeGraceMs',
  maxFrameBytes: 'maxFrameBytes',
  poolMin: 'pool.min',
  poolMax: 'pool.max',
  acquireTimeoutMs: 'pool.acquireTimeoutMs',
  idleTimeoutMs: 'pool.idleTimeoutMs',
} as const;
const URL_BOOLEANS = ['tls', 'tlsRejectUnauthorized', 'strictServerProof'] as const;
const URL_TEXTS = ['clientKey', 'env', 'responseDataType'] as const;

/**
 * Options from a connection URL:
 * `zteradb://<accessKey>:<secretKey>@<host>[:<port>]/<databaseId>?clientKey=<clientKey>&env=<env>`
 * with optional parameters `responseDataType`, `tls` and `tlsRejectUnauthorized` (`true`/`false`),
 * `strictServerProof`, `poolMin`, `poolMax`, `acquireTimeoutMs`, `idleTimeoutMs`, `timeoutMs`,
 * `connectTimeoutMs`, `completeGraceMs`, `maxFrameBytes`. Keys with reserved characters are
 * percent-encoded (`%2F` for `/`). Errors are `ConfigError`s whose message shows the URL with the
 * secret key and the client key redacted; `overrides` win over the URL.
 */
export function optionsFromUrl(
  url: string | Secret,
  overrides: Partial<ZTeraDBClientOptions> = {},
): ZTeraDBClientOptions {
  const parsed = parseUrl(url);
  const shown = hideUserInfo(String(parsed));
  const known = new Set<string>([...Object.keys(URL_NUMBERS), ...URL_BOOLEANS, ...URL_TEXTS]);
  for (const key of parsed.params.keys()) {
    if (!known.has(key))
      throw new ConfigError(`unknown URL parameter "${key}" in ${shown}`, { field: 'url' });
  }
  if (parsed.hosts.length !== 1)
    throw new ConfigError(`a ZTeraDB URL names exactly one host, in ${shown}`, { field: 'url' });
  const first = parsed.hosts[0] as { host: string; port: number | undefined };
  const numbers: Record<string, number> = {};
  for (const [param, field] of Object.entries(URL_NUMBERS)) {
    const text = parsed.params.get(param);
    if (text === undefined) continue;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value))
      throw new ConfigError(`${param} must be a number in ${shown}`, { field });
    numbers[param] = value;
  }
  const flag = (param: (typeof URL_BOOLEANS)[number]): boolean | undefined => {
    const text = parsed.params.get(param);
    if (text === undefined) return undefined;
    if (text !== 'true' && text !== 'false')
      throw new ConfigError(`${param} must be true or false in ${shown}`, { field: param });
    return text === 'true';
  };
  const tls = flag('tls');
  const rejectUnauthorized = flag('tlsRejectUnauthorized');
  const strictServerProof = flag('strictServerProof');
  const pool: ZTeraDBPoolOptions = {
    min: numbers.poolMin,
    max: numbers.poolMax,
    acquireTimeoutMs: numbers.acquireTimeoutMs,
    idleTimeoutMs: numbers.idleTimeoutMs,
  };
  const options: ZTeraDBClientOptions = {
    clientKey: new Secret(parsed.params.get('clientKey') ?? ''),
    accessKey: new Secret(parsed.username ?? ''),
    secretKey: parsed.password ?? new Secret(''),
    databaseId: parsed.path,
    env: parsed.params.get('env') as ZTeraDBEnv,
    responseDataType: parsed.params.get('responseDataType') as ZTeraDBResponseDataType | undefined,
    host: first.host,
    port: first.port,
    tls: tls === true ? { rejectUnauthorized } : tls,
    pool,
    timeoutMs: numbers.timeoutMs,
    connectTimeoutMs: numbers.connectTimeoutMs,
    completeGraceMs: numbers.completeGraceMs,
    maxFrameBytes: numbers.maxFrameBytes,
    strictServerProof,
  };
  return { ...options, ...overrides };
}

function parseUrl(url: string | Secret): ConnectionUrl {
  try {
    return parseConnectionUrl(url, { schemes: ['zteradb'] });
  } catch (error) {
    // Core shows the user part of the URL, which here is the access key: hide it too.
    if (error instanceof ConfigError) throw new ConfigError(hideUserInfo(error.message), { field: 'url' });
    throw error;
  }
}

/** The URL text with its whole user info (access key and secret key) replaced by `[redacted]`. */
function hideUserInfo(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s?#]*@/i, '$1[redacted]@');
}
