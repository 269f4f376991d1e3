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
import { type ApertureDBKey, decodeApertureDBKey } from './key.js';

/** ApertureDB's documented port. */
export const DEFAULT_PORT = 55_555;
/** The server's documented default message limit (`max_connection_message_size_mb` 256). */
export const DEFAULT_MAX_MESSAGE_BYTES: number = 256 * 1024 * 1024;
const MIN_MESSAGE_BYTES = 1024;
/** Our cap: lengths are uint32 on the wire, and the SDK warns from 2 GiB. */
const MAX_MESSAGE_BYTES = 2 * 1024 * 1024 * 1024;

/** When a query whose connection broke is sent again: see {@link ApertureDBClientOptions.retry}. */
export type ApertureDBRetryMode = 'safe' | 'always' | 'never';
const RETRY_MODES: readonly ApertureDBRetryMode[] = ['safe', 'always', 'never'];

/**
 * A call's `retry`, else the client's. Checked as the client option is: a typo from plain
 * JavaScript would otherwise run silently under the client's rule.
 * @throws ConfigError `retry` for a value not in `allowed`.
 */
export function callRetryMode<const T extends ApertureDBRetryMode>(
  value: unknown,
  fallback: T,
  allowed: readonly T[] = RETRY_MODES as readonly T[],
): T {
  return oneOfOption(value, 'retry', allowed, fallback);
}

/** TLS settings; used when `useSsl` is true (the default). Certificates are verified by default. */
export interface ApertureDBTlsOptions {
  /** CA certificate(s) (PEM) to trust instead of the system store. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[] | undefined;
  /**
   * Path of a PEM CA file, read when connecting: what the SDK's `ca_cert` (and an APERTUREDB_KEY's
   * `ca_cert` slot) holds. Ignored when `ca` is given.
   */
  readonly caFile?: string | undefined;
  /** Check that the certificate names the host. Default true. */
  readonly verifyHostname?: boolean | undefined;
  /** Host name to verify and send as SNI; default `host` (no SNI for IP addresses). */
  readonly servername?: string | undefined;
  /**
   * Accept any certificate: no chain and no host name check. Default false. Only for a local server
   * with a self-signed certificate; the SDK's `verify_hostname=False` means the same.
   */
  readonly insecure?: boolean | undefined;
}

/** Pool settings: `min` connections are opened and kept, at most `max` exist at once. */
export interface ApertureDBPoolOptions {
  /** Connections opened up front and kept even when idle. Default 0. */
  readonly min?: number | undefined;
  /** Most connections at once (one query at a time each); further queries wait. Default 10. */
  readonly max?: number | undefined;
  /** Longest wait for a free connection, in ms. Default 30_000. */
  readonly acquireTimeoutMs?: number | undefined;
  /** Close a connection idle this long (never below `min`), in ms. Default 300_000. */
  readonly idleTimeoutMs?: number | undefined;
}

/** Session settings (one session is shared by every pooled connection). */
export interface ApertureDBSessionOptions {
  /** Refresh the session token this long before it expires, in ms. Default 10_000 (as the SDK). */
  readonly refreshSkewMs?: number | undefined;
}

/** Options of `ApertureDBClient`: the SDK `Connector`'s arguments in TypeScript style. */
export interface ApertureDBClientOptions {
  /** Default 'localhost'. */
  readonly host?: string | undefined;
  /** Default 55555. */
  readonly port?: number | undefined;
  /** User name; needed with `password`, optional with `token`. */
  readonly user?: string | undefined;
  /** Password (kept as a `Secret`). Give it or `token`, not both; neither: no Authenticate is sent. */
  readonly password?: string | Secret | undefined;
  /** API token `adbp_…` (kept as a `Secret`). */
  readonly token?: string | Secret | undefined;
  /** Upgrade to TLS after the hello. Default true, as the SDK. */
  readonly useSsl?: boolean | undefined;
  /** TLS settings, used when `useSsl` is true. */
  readonly tls?: ApertureDBTlsOptions | undefined;
  /** TCP keepalive (60 s), so long queries survive idle-killing middleboxes. Default true. */
  readonly useKeepalive?: boolean | undefined;
  /** Pause between attempts after a broken connection, in ms. Default 1_000. */
  readonly retryIntervalMs?: number | undefined;
  /** Attempts of one query in all, the first included. Default 3. */
  readonly retryMaxAttempts?: number | undefined;
  /**
   * Sending a query again after its connection broke: `safe` (default) only when it provably was not
   * written, or contains only reading commands; `always` as the SDK does (a write may apply twice);
   * `never`.
   */
  readonly retry?: ApertureDBRetryMode | undefined;
  /** Deadline of a call that names none, in ms (pool wait, connect, query). `Infinity` for none. Default 60_000. */
  readonly timeoutMs?: number | undefined;
  /** TCP + hello + TLS + Authenticate time limit of one connection attempt, in ms. Default 10_000. */
  readonly connectTimeoutMs?: number | undefined;
  /** Largest message sent or accepted, in bytes (1 KiB to 2 GiB). Default 256 MiB. */
  readonly maxMessageBytes?: number | undefined;
  /** Pool settings. */
  readonly pool?: ApertureDBPoolOptions | undefined;
  /** Session settings. */
  readonly session?: ApertureDBSessionOptions | undefined;
  /** Where events are published. Default: channels `conn:aperturedb:<event>`. */
  readonly events?: EventPublisher | undefined;
}

/** How the client authenticates, after validation. @internal */
export type ResolvedAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'password'; readonly user: string; readonly password: Secret }
  | { readonly kind: 'token'; readonly user: string | undefined; readonly token: Secret };

/** TLS settings after defaults. @internal */
export interface ResolvedTls {
  readonly ca: string | Buffer | readonly (string | Buffer)[] | undefined;
  readonly caFile: string | undefined;
  readonly verifyHostname: boolean;
  readonly servername: string | undefined;
  readonly insecure: boolean;
}

/** Options after validation and defaults. @internal */
export interface ResolvedApertureDBOptions {
  readonly host: string;
  readonly port: number;
  readonly auth: ResolvedAuth;
  /** `undefined`: plain TCP (`useSsl: false`). */
  readonly tls: ResolvedTls | undefined;
  readonly useKeepalive: boolean;
  readonly retryIntervalMs: number;
  readonly retryMaxAttempts: number;
  readonly retry: ApertureDBRetryMode;
  /** `undefined`: no deadline. */
  readonly timeoutMs: number | undefined;
  readonly connectTimeoutMs: number;
  readonly maxMessageBytes: number;
  readonly pool: {
    readonly min: number;
    readonly max: number;
    readonly acquireTimeoutMs: number;
    readonly idleTimeoutMs: number;
  };
  readonly session: { readonly refreshSkewMs: number };
  readonly events: EventPublisher | undefined;
}

/** Validates options and fills in defaults. @throws ConfigError naming the field (never a secret's value). */
export function resolveOptions(options: ApertureDBClientOptions = {}): ResolvedApertureDBOptions {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options must be an object', { field: 'options' });
  const pool = objectOption(options.pool, 'pool');
  const session = objectOption(options.session, 'session');
  const max = integerOption(pool.max, 'pool.max', 10, 1);
  const min = integerOption(pool.min, 'pool.min', 0, 0);
  if (min > max)
    throw new ConfigError(`pool.min (${min}) must not exceed pool.max (${max})`, { field: 'pool.min' });
  const useSsl = booleanOption(options.useSsl, 'useSsl', true);
  const tls = resolveTls(objectOption(options.tls, 'tls'));
  return {
    host: options.host === undefined ? 'localhost' : textOption(options.host, 'host'),
    port: integerOption(options.port, 'port', DEFAULT_PORT, 1, 65_535),
    auth: resolveAuth(options),
    tls: useSsl ? tls : undefined,
    useKeepalive: booleanOption(options.useKeepalive, 'useKeepalive', true),
    retryIntervalMs: durationOption(options.retryIntervalMs, 'retryIntervalMs', 1_000),
    retryMaxAttempts: integerOption(options.retryMaxAttempts, 'retryMaxAttempts', 3, 1),
    retry: oneOfOption(options.retry, 'retry', RETRY_MODES, 'safe'),
    timeoutMs: deadlineOption(options.timeoutMs, 'timeoutMs', 60_000),
    connectTimeoutMs: durationOption(options.connectTimeoutMs, 'connectTimeoutMs', 10_000, {
      allowZero: false,
    }),
    maxMessageBytes: integerOption(
      options.maxMessageBytes,
      'maxMessageBytes',
      DEFAULT_MAX_MESSAGE_BYTES,
      MIN_MESSAGE_BYTES,
      MAX_MESSAGE_BYTES,
    ),
    pool: {
      min,
      max,
      acquireTimeoutMs: durationOption(pool.acquireTimeoutMs, 'pool.acquireTimeoutMs', 30_000),
      idleTimeoutMs: durationOption(pool.idleTimeoutMs, 'pool.idleTimeoutMs', 300_000),
    },
    session: {
      refreshSkewMs: durationOption(session.refreshSkewMs, 'session.refreshSkewMs', 10_000),
    },
    events: options.events,
  };
}

function objectOption<T extends object>(value: T | undefined, field: string): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(`${field} must be an object`, { field });
  return value;
}

function resolveTls(tls: Partial<ApertureDBTlsOptions>): ResolvedTls {
  const { ca } = tls;
  const isPem = (item: unknown): boolean => typeof item === 'string' || Buffer.isBuffer(item);
  if (ca !== undefined && !(isPem(ca) || (Array.isArray(ca) && ca.every(isPem))))
    throw new ConfigError('tls.ca must be PEM text, a Buffer or a list of them', { field: 'tls.ca' });
  return {
    ca,
    caFile: tls.caFile === undefined ? undefined : textOption(tls.caFile, 'tls.caFile'),
    verifyHostname: booleanOption(tls.verifyHostname, 'tls.verifyHostname', true),
    servername: tls.servername === undefined ? undefined : textOption(tls.servername, 'tls.servername'),
    insecure: booleanOption(tls.insecure, 'tls.insecure', false),
  };
}

function resolveAuth(options: ApertureDBClientOptions): ResolvedAuth {
  const password = secretOption(options.password, 'password');
  const token = secretOption(options.token, 'token');
  // '' is the SDK's "not given" for all three.
  const user =
    options.user === undefined || options.user === '' ? undefined : textOption(options.user, 'user');
  if (password !== undefined && token !== undefined)
    throw new ConfigError('give password or token, not both', { field: 'token' });
  if (token !== undefined) return { kind: 'token', user, token };
  if (password !== undefined) {
    if (user === undefined) throw new ConfigError('user is required with password', { field: 'user' });
    return { kind: 'password', user, password };
  }
  if (user !== undefined) throw new ConfigError('user needs a password or a token', { field: 'password' });
  return { kind: 'none' };
}

/** A `Secret`, or `undefined` for an absent or empty one. The message never repeats the value. */
function secretOption(value: unknown, field: string): Secret | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Secret) return value.isEmpty ? undefined : value;
  if (typeof value !== 'string') throw new ConfigError(`${field} must be a string or a Secret`, { field });
  return value === '' ? undefined : new Secret(value);
}

/**
 * Client options from a decoded or encoded APERTUREDB_KEY: host, port, SSL, host-name check, CA file
 * and credentials. A key whose `verify_hostname` flag is off means "verify nothing" to the SDK, so it
 * gives `tls.insecure: true`.
 * @throws ConfigError `CONN_APERTUREDB_KEY` for a malformed key or a key made for the REST endpoint.
 */
export function optionsFromKey(key: string | Secret | ApertureDBKey): ApertureDBClientOptions {
  const decoded = typeof key === 'string' || key instanceof Secret ? decodeApertureDBKey(key) : key;
  if (decoded.useRest) {
    throw new ConfigError(
      'APERTUREDB_KEY is for the REST endpoint (key type has the REST flag); this client speaks the TCP protocol',
      { code: 'CONN_APERTUREDB_KEY', field: 'APERTUREDB_KEY' },
    );
  }
  return {
    host: decoded.host,
    port: decoded.port,
    useSsl: decoded.useSsl,
    tls: tlsFrom(decoded.verifyHostname, decoded.caCert),
    ...(decoded.token === undefined
      ? { user: decoded.username, password: decoded.password }
      : { token: decoded.token }),
  };
}

function tlsFrom(verifyHostname: boolean, caFile: string | undefined): ApertureDBTlsOptions {
  return verifyHostname
    ? { verifyHostname: true, caFile }
    : { verifyHostname: false, insecure: true, caFile };
}

/** Options of {@link optionsFromEnv}. */
export interface FromEnvOptions {
  /** Put before each variable name: `{ prefix: 'APP_' }` reads `APP_APERTUREDB_KEY` ... Default ''. */
  readonly prefix?: string | undefined;
}

/** APERTUREDB_JSON's fields (the SDK's `Configuration`), and what each must be. */
const JSON_FIELDS = {
  host: 'string',
  port: 'integer',
  username: 'string',
  password: 'string',
  name: 'string',
  use_ssl: 'boolean',
  use_rest: 'boolean',
  use_keepalive: 'boolean',
  retry_interval_seconds: 'number',
  retry_max_attempts: 'integer',
  token: 'string',
  user_keys: 'object',
  ca_cert: 'string',
  verify_hostname: 'boolean',
} as const;
const JSON_REQUIRED = ['host', 'username', 'password'] as const;

/**
 * Options from the SDK's environment variables, in the SDK's order: `APERTUREDB_KEY` when set and not
 * empty, else `APERTUREDB_JSON` (a JSON object with `host`, `username` and `password` required, and
 * `port`, `use_ssl`, `use_keepalive`, `retry_interval_seconds`, `retry_max_attempts`, `token`,
 * `ca_cert`, `verify_hostname` optional; `name` and `user_keys` are ignored). A non-empty `token`
 * wins over `password`, as in the SDK. Nothing else is read, and only when called.
 * @throws ConfigError naming every missing or malformed variable or JSON field at once (`field` lists
 * the variables); the key, passwords and tokens are never repeated.
 */
export function optionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  { prefix = '' }: FromEnvOptions = {},
): ApertureDBClientOptions {
  const keyName = `${prefix}APERTUREDB_KEY`;
  const jsonName = `${prefix}APERTUREDB_JSON`;
  const key = env[keyName]?.trim();
  if (key) {
    try {
      return optionsFromKey(key);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(error.message.replace(/^APERTUREDB_KEY/, keyName), {
        code: 'CONN_APERTUREDB_KEY',
        field: keyName,
      });
    }
  }
  const json = env[jsonName]?.trim();
  if (!json) {
    throw new ConfigError(`ApertureDB environment: neither ${keyName} nor ${jsonName} is set`, {
      field: `${keyName},${jsonName}`,
    });
  }
  return optionsFromJsonConfig(json, jsonName);
}

function optionsFromJsonConfig(text: string, name: string): ApertureDBClientOptions {
  const fail = (problems: readonly string[]): never => {
    throw new ConfigError(`ApertureDB environment: ${problems.join('; ')}`, {
      field: name,
      details: { variables: name },
    });
  };
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    // The parser's message quotes the text, which may hold the password.
    return fail([`${name} is not valid JSON`]);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    return fail([`${name} must be a JSON object`]);
  const fields = config as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of JSON_REQUIRED) {
    if (fields[field] === undefined) problems.push(`${name}.${field} is missing`);
  }
  for (const [field, value] of Object.entries(fields)) {
    const kind = (JSON_FIELDS as Record<string, string>)[field];
    if (kind === undefined) {
      problems.push(`${name}.${field} is not a known field`);
      continue;
    }
    // null stands for "not given" in the SDK's optional fields (token, ca_cert).
    if (value === null && !(JSON_REQUIRED as readonly string[]).includes(field)) continue;
    const ok =
      kind === 'integer'
        ? Number.isSafeInteger(value)
        : kind === 'object'
          ? typeof value === 'object'
          : typeof value === kind && (kind !== 'number' || Number.isFinite(value));
    if (!ok) problems.push(`${name}.${field} must be ${kind === 'integer' ? 'an integer' : `a ${kind}`}`);
  }
  if (fields.use_rest === true)
    problems.push(`${name}.use_rest: the REST endpoint is not supported by this client`);
  if (problems.length > 0) return fail(problems);

  const optional = <T>(field: keyof typeof JSON_FIELDS): T | undefined =>
    fields[field] === null ? undefined : (fields[field] as T | undefined);
  const token = optional<string>('token');
  const retrySeconds = optional<number>('retry_interval_seconds');
  const useSsl = optional<boolean>('use_ssl');
  const credentials: ApertureDBClientOptions =
    token !== undefined && token !== ''
      ? { user: fields.username as string, token: new Secret(token) }
      : { user: fields.username as string, password: new Secret(fields.password as string) };
  return {
    host: fields.host as string,
    port: optional<number>('port') ?? DEFAULT_PORT,
    ...credentials,
    ...(useSsl === undefined ? {} : { useSsl }),
    tls: tlsFrom(optional<boolean>('verify_hostname') ?? true, optional<string>('ca_cert')),
    ...withDefined('useKeepalive', optional<boolean>('use_keepalive')),
    ...withDefined('retryIntervalMs', retrySeconds === undefined ? undefined : retrySeconds * 1000),
    ...withDefined('retryMaxAttempts', optional<number>('retry_max_attempts')),
  };
}

function withDefined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** URL parameters that are numbers, and the option each sets. */
const URL_NUMBERS = {
  retryIntervalMs: 'retryIntervalMs',
  retryMaxAttempts: 'retryMaxAttempts',
  timeoutMs: 'timeoutMs',
  connectTimeoutMs: 'connectTimeoutMs',
  maxMessageBytes: 'maxMessageBytes',
  poolMin: 'pool.min',
  poolMax: 'pool.max',
  acquireTimeoutMs: 'pool.acquireTimeoutMs',
  idleTimeoutMs: 'pool.idleTimeoutMs',
  refreshSkewMs: 'session.refreshSkewMs',
} as const;
const URL_BOOLEANS = ['useSsl', 'verifyHostname', 'insecure', 'useKeepalive'] as const;
const URL_TEXTS = ['token', 'retry', 'servername', 'caFile'] as const;

/**
 * Options from a connection URL: `aperturedb://[user[:password]@]host[:port]` with optional parameters
 * `useSsl`, `verifyHostname`, `insecure`, `useKeepalive` (`true`/`false`), `token`, `retry`,
 * `servername`, `caFile`, `retryIntervalMs`, `retryMaxAttempts`, `timeoutMs`, `connectTimeoutMs`,
 * `maxMessageBytes`, `poolMin`, `poolMax`, `acquireTimeoutMs`, `idleTimeoutMs`, `refreshSkewMs`.
 * TLS is on unless `useSsl=false`, as everywhere in ApertureDB, so there is no separate TLS scheme.
 * Errors are `ConfigError`s whose message shows the URL redacted; `overrides` win over the URL.
 */
export function optionsFromUrl(
  url: string | Secret,
  overrides: Partial<ApertureDBClientOptions> = {},
): ApertureDBClientOptions {
  const parsed: ConnectionUrl = parseConnectionUrl(url, { schemes: ['aperturedb'] });
  const shown = String(parsed);
  const known = new Set<string>([...Object.keys(URL_NUMBERS), ...URL_BOOLEANS, ...URL_TEXTS]);
  for (const key of parsed.params.keys()) {
    if (!known.has(key))
      throw new ConfigError(`unknown URL parameter "${key}" in ${shown}`, { field: 'url' });
  }
  if (parsed.hosts.length !== 1)
    throw new ConfigError(`an ApertureDB URL names exactly one host, in ${shown}`, { field: 'url' });
  if (parsed.path !== '')
    throw new ConfigError(`an ApertureDB URL has no path (there are no databases), in ${shown}`, {
      field: 'url',
    });
  const first = parsed.hosts[0] as { host: string; port: number | undefined };
  const numbers: Record<string, number> = {};
  for (const [param, field] of Object.entries(URL_NUMBERS)) {
    const text = parsed.params.get(param);
    if (text === undefined) continue;
    const value = Number(text);
    if (text.trim() === '' || Number.isNaN(value))
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
  const token = parsed.params.get('token');
  const options: ApertureDBClientOptions = {
    host: first.host,
    port: first.port,
    user: parsed.username,
    password: parsed.password,
    token: token === undefined ? undefined : new Secret(token),
    useSsl: flag('useSsl'),
    tls: {
      verifyHostname: flag('verifyHostname'),
      insecure: flag('insecure'),
      servername: parsed.params.get('servername'),
      caFile: parsed.params.get('caFile'),
    },
    useKeepalive: flag('useKeepalive'),
    retry: parsed.params.get('retry') as ApertureDBRetryMode | undefined,
    retryIntervalMs: numbers.retryIntervalMs,
    retryMaxAttempts: numbers.retryMaxAttempts,
    timeoutMs: numbers.timeoutMs,
    connectTimeoutMs: numbers.connectTimeoutMs,
    maxMessageBytes: numbers.maxMessageBytes,
    pool: {
      min: numbers.poolMin,
      max: numbers.poolMax,
      acquireTimeoutMs: numbers.acquireTimeoutMs,
      idleTimeoutMs: numbers.idleTimeoutMs,
    },
    session: { refreshSkewMs: numbers.refreshSkewMs },
  };
  return { ...options, ...overrides };
}
