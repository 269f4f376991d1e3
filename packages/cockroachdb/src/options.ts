import { ConfigError, type EventPublisher, Secret } from '@conn/core';

/** libpq's `sslmode` values. */
export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** TLS settings. PEM text or file paths; files are read when a connection opens. */
export interface CockroachTlsOptions {
  /** Default `verify-full`: certificate chain and host name are checked. */
  readonly mode?: SslMode | undefined;
  /** CA certificate(s) (PEM) to trust instead of the system store. */
  readonly ca?: string | Buffer | undefined;
  readonly caFile?: string | undefined;
  /** Client certificate (PEM) for certificate authentication. */
  readonly cert?: string | Buffer | undefined;
  readonly certFile?: string | undefined;
  /** Client private key (PEM); kept out of messages and `inspect`. */
  readonly key?: string | Buffer | Secret | undefined;
  readonly keyFile?: string | undefined;
  /** Host name to verify and send as SNI; default the connection host. */
  readonly servername?: string | undefined;
}

/** Pool settings. CockroachDB advises lifetimes of 5 to 30 minutes with jitter. */
export interface CockroachPoolOptions {
  /** Connections kept open even when idle. Default 0. */
  readonly min?: number | undefined;
  /** Most connections at once. Default 10. */
  readonly max?: number | undefined;
  /** Close a connection idle this long (never below `min`). Default 300_000 (5 min). */
  readonly idleTimeoutMs?: number | undefined;
  /** Close a connection after this age. Default 1_800_000 (30 min). */
  readonly maxLifetimeMs?: number | undefined;
  /** Up to this much is taken off each connection's lifetime, at random. Default 60_000. */
  readonly lifetimeJitterMs?: number | undefined;
  /** Longest wait for a free connection. Default 30_000. */
  readonly acquireTimeoutMs?: number | undefined;
  /** Ping connections idle at least this long before lending them. Default 30_000. */
  readonly validateAfterIdleMs?: number | undefined;
}

/** How INT8 (CockroachDB's `INT`) values are returned: exact either way, never a lossy `number`. */
export type Int8Mode = 'string' | 'bigint';

/** Options of {@link CockroachDBClient} (the starting document's options, TypeScript style). */
export interface CockroachDBOptions {
  /** Default `localhost`. */
  readonly host?: string | undefined;
  /** Default 26257. */
  readonly port?: number | undefined;
  /** Default `defaultdb`. */
  readonly database?: string | undefined;
  /** Default `root`. */
  readonly user?: string | undefined;
  /** A `Secret` (or a string, wrapped into one); never printed. */
  readonly password?: string | Secret | undefined;
  /** Default `{ mode: 'verify-full' }`. */
  readonly tls?: CockroachTlsOptions | undefined;
  /** Sent as `application_name`. Default `@conn/cockroachdb`. */
  readonly applicationName?: string | undefined;
  /** TCP + TLS + authentication time limit, in ms. Default 10_000. */
  readonly connectTimeoutMs?: number | undefined;
  /**
   * Deadline of a call that names none, in ms: pool wait, connect and statement(s) together.
   * `Infinity` for none. Default 60_000. A deadline you pass yourself (`{ timeoutMs }` or a
   * `signal`) also cancels the statement on the server; the default one does not, so statements
   * keep sharing pipelined sessions.
   */
  readonly timeoutMs?: number | undefined;
  /** Pool settings. */
  readonly pool?: CockroachPoolOptions | undefined;
  /** CockroachDB's `results_buffer_size` startup parameter, in bytes (CockroachDB only). */
  readonly resultsBufferSize?: number | undefined;
  /** The libpq `options` startup parameter, sent as is (e.g. `--cluster=my-cluster-123`). */
  readonly startupOptions?: string | undefined;
  /** Session settings sent at startup as `options=-c name=value` (e.g. `{ search_path: 'app' }`). */
  readonly sessionSettings?: Readonly<Record<string, string>> | undefined;
  /** How INT8 columns are returned. Default `string`. */
  readonly int8?: Int8Mode | undefined;
  /** Default number of rows fetched per round trip by `stream()`. Default 1000. */
  readonly streamBatchSize?: number | undefined;
  /** Most statements pipelined on one shared connection. Default 16; 1 disables pipelining. */
  readonly pipelineDepth?: number | undefined;
  /** Where events are published. Default: channels `conn:cockroachdb:<event>`. */
  readonly events?: EventPublisher | undefined;
}

/** Options after validation and defaults. @internal */
export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: Secret | undefined;
  readonly tls: CockroachTlsOptions & { readonly mode: SslMode };
  readonly applicationName: string;
  readonly connectTimeoutMs: number;
  /** `undefined`: no default deadline. */
  readonly timeoutMs: number | undefined;
  readonly pool: Required<{ [K in keyof CockroachPoolOptions]: number }>;
  readonly resultsBufferSize: number | undefined;
  readonly sessionSettings: Readonly<Record<string, string>>;
  readonly startupOptions: string | undefined;
  readonly int8: Int8Mode;
  readonly streamBatchSize: number;
  readonly pipelineDepth: number;
  readonly events: EventPublisher | undefined;
}

function integer(value: number | undefined, fallback: number, field: string, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(`${field} must be an integer >= ${min}, got ${String(value)}`, { field });
  }
  return value;
}

function text(value: string | undefined, fallback: string, field: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0 || value.includes('\u0000')) {
    throw new ConfigError(`${field} must be a non-empty string without NUL`, { field });
  }
  return value;
}

const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

function sessionSettings(
  settings: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string>> {
  if (settings === undefined) return {};
  for (const [name, value] of Object.entries(settings)) {
    if (!SETTING_NAME.test(name))
      throw new ConfigError(`session setting name ${JSON.stringify(name)} is invalid`, {
        field: 'sessionSettings',
      });
    if (typeof value !== 'string' || value.includes('\u0000')) {
      throw new ConfigError(`session setting ${name} must be a string without NUL`, {
        field: `sessionSettings.${name}`,
      });
    }
  }
  return { ...settings };
}

/** Validates options and applies defaults; a bad field gives a `ConfigError` naming it. */
export function resolveOptions(options: CockroachDBOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== 'object')
    throw new ConfigError('options must be an object', { field: 'options' });
  const tls = options.tls ?? {};
  const mode = tls.mode ?? 'verify-full';
  if (!SSL_MODES.includes(mode)) {
    throw new ConfigError(`tls.mode must be one of ${SSL_MODES.join(', ')}, got ${String(mode)}`, {
      field: 'tls.mode',
    });
  }
  const password = options.password;
  if (password !== undefined && typeof password !== 'string' && !(password instanceof Secret)) {
    throw new ConfigError('password must be a string or a Secret', { field: 'password' });
  }
  const pool = options.pool ?? {};
  const max = integer(pool.max, 10, 'pool.max', 1);
  const min = integer(pool.min, 0, 'pool.min', 0);
  if (min > max)
    throw new ConfigError(`pool.min (${min}) must not exceed pool.max (${max})`, { field: 'pool.min' });
  const int8 = options.int8 ?? 'string';
  if (int8 !== 'string' && int8 !== 'bigint')
    throw new ConfigError("int8 must be 'string' or 'bigint'", { field: 'int8' });
  return {
    host: text(options.host, 'localhost', 'host'),
    port: integer(options.port, 26257, 'port', 1),
    database: text(options.database, 'defaultdb', 'database'),
    user: text(options.user, 'root', 'user'),
    password: typeof password === 'string' ? new Secret(password) : password,
    tls: { ...tls, mode },
    applicationName: text(options.applicationName, '@conn/cockroachdb', 'applicationName'),
    connectTimeoutMs: integer(options.connectTimeoutMs, 10_000, 'connectTimeoutMs', 1),
    timeoutMs:
      options.timeoutMs === Number.POSITIVE_INFINITY
        ? undefined
        : integer(options.timeoutMs, 60_000, 'timeoutMs', 1),
    pool: {
      min,
      max,
      idleTimeoutMs: integer(pool.idleTimeoutMs, 300_000, 'pool.idleTimeoutMs', 0),
      maxLifetimeMs: integer(pool.maxLifetimeMs, 1_800_000, 'pool.maxLifetimeMs', 0),
      lifetimeJitterMs: integer(pool.lifetimeJitterMs, 60_000, 'pool.lifetimeJitterMs', 0),
      acquireTimeoutMs: integer(pool.acquireTimeoutMs, 30_000, 'pool.acquireTimeoutMs', 0),
      validateAfterIdleMs: integer(pool.validateAfterIdleMs, 30_000, 'pool.validateAfterIdleMs', 0),
    },
    resultsBufferSize:
      options.resultsBufferSize === undefined
        ? undefined
        : integer(options.resultsBufferSize, 0, 'resultsBufferSize', 1),
    sessionSettings: sessionSettings(options.sessionSettings),
    startupOptions:
      options.startupOptions === undefined ? undefined : text(options.startupOptions, '', 'startupOptions'),
    int8,
    streamBatchSize: integer(options.streamBatchSize, 1000, 'streamBatchSize', 1),
    pipelineDepth: integer(options.pipelineDepth, 16, 'pipelineDepth', 1),
    events: options.events,
  };
}
