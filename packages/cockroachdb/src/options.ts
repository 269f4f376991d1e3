import {
  ConfigError,
  deadlineOption,
  durationOption,
  type EventPublisher,
  integerOption,
  oneOfOption,
  type RandomSource,
  Secret,
  textOption,
} from '@conn/core';
import { TARGET_SESSION_ATTRS, type TargetSessionAttrs } from './session-attrs.js';

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

const INT8_MODES: readonly Int8Mode[] = ['string', 'bigint'];

/** One node of a cluster, for the `hosts` option. */
export interface CockroachHost {
  readonly host: string;
  /** Default: the `port` option (26257). */
  readonly port?: number | undefined;
}

/** Back-off of one node after failed connection attempts, for the `reconnect` option. */
export interface CockroachReconnectOptions {
  /** First ceiling in ms; doubles per consecutive failure. Default 1_000. */
  readonly baseMs?: number | undefined;
  /** Longest wait in ms. Default 30_000. */
  readonly maxMs?: number | undefined;
}

/** Options of {@link CockroachDBClient} (the starting document's options, TypeScript style). */
export interface CockroachDBOptions {
  /** Default `localhost`. Give `hosts` instead for several nodes. */
  readonly host?: string | undefined;
  /** Default 26257; also the port of each `hosts` entry that names none. */
  readonly port?: number | undefined;
  /**
   * Several nodes of one cluster (libpq's `postgresql://h1:26257,h2,h3/db`): connections spread
   * over them, a node that fails is skipped and tried again after a back-off (`reconnect`).
   * `pool` limits apply to each node. Not together with `host`.
   */
  readonly hosts?: readonly CockroachHost[] | undefined;
  /**
   * libpq's `target_session_attrs`: which sessions are acceptable, checked once per new
   * connection. `any` (default), `read-write` / `read-only` (`SHOW transaction_read_only`),
   * `primary` / `standby` (a PostgreSQL hot standby; CockroachDB nodes never are one). A node whose
   * session does not qualify is skipped like a failed one. `prefer-standby` is not supported.
   */
  readonly targetSessionAttrs?: TargetSessionAttrs | undefined;
  /** Back-off of a node after failed connection attempts. Default `{ baseMs: 1_000, maxMs: 30_000 }`. */
  readonly reconnect?: CockroachReconnectOptions | undefined;
  /** Randomness of node choice and jitter; `seededRandom(n)` from `@conn/core` makes tests repeatable. */
  readonly random?: RandomSource | undefined;
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
  /**
   * Prepared statements kept per session (least recently used ones are deallocated). A statement
   * with parameters is prepared once per session, then only bound and executed; a single query
   * without parameters (`SELECT`, `WITH`, `VALUES`, `TABLE`) from its second run on, other text
   * without parameters goes over the simple protocol. Default 256; `0` turns it off:
   * do so behind a pooler in transaction mode (PgBouncer and the like), where a later statement
   * may reach another server session that never prepared it.
   */
  readonly statementCache?: number | undefined;
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

/** A node with its port resolved. @internal */
export interface ResolvedHost {
  readonly host: string;
  readonly port: number;
}

/** Options after validation and defaults. @internal */
export interface ResolvedOptions {
  /** The first node (the only one, usually). */
  readonly host: string;
  readonly port: number;
  /** Every node, at least one. */
  readonly hosts: readonly ResolvedHost[];
  readonly targetSessionAttrs: TargetSessionAttrs;
  readonly reconnect: { readonly baseMs: number; readonly maxMs: number };
  readonly random: RandomSource | undefined;
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
  /** Prepared statements per session; 0: none. */
  readonly statementCache: number;
  readonly sessionSettings: Readonly<Record<string, string>>;
  readonly startupOptions: string | undefined;
  readonly int8: Int8Mode;
  readonly streamBatchSize: number;
  readonly pipelineDepth: number;
  readonly events: EventPublisher | undefined;
}

function text(value: string | undefined, fallback: string, field: string): string {
  return value === undefined ? fallback : textOption(value, field);
}

const PORT_MAX = 65_535;

/** `hosts`, or the one `host`; each entry's port defaults to `port`. */
function resolveHosts(options: CockroachDBOptions, port: number): readonly ResolvedHost[] {
  const hosts = options.hosts;
  if (hosts === undefined) return [{ host: text(options.host, 'localhost', 'host'), port }];
  if (options.host !== undefined) throw new ConfigError('give host or hosts, not both', { field: 'hosts' });
  if (!Array.isArray(hosts) || hosts.length === 0)
    throw new ConfigError('hosts must be a non-empty array of { host, port? }', { field: 'hosts' });
  return hosts.map((entry: CockroachHost, index) => {
    const field = `hosts[${index}]`;
    if (typeof entry !== 'object' || entry === null)
      throw new ConfigError(`${field} must be { host, port? }`, { field });
    return {
      host: textOption(entry.host, `${field}.host`),
      port: integerOption(entry.port, `${field}.port`, port, 1, PORT_MAX),
    };
  });
}

/** libpq's value, or a `ConfigError` that says why `prefer-standby` is not one of ours. */
function targetSessionAttrs(value: unknown): TargetSessionAttrs {
  if (value === 'prefer-standby') {
    throw new ConfigError(
      'targetSessionAttrs prefer-standby is not supported: it ranks nodes by role, and CockroachDB nodes have none (use any, or standby for PostgreSQL hot standbys)',
      { field: 'targetSessionAttrs' },
    );
  }
  return oneOfOption(value, 'targetSessionAttrs', TARGET_SESSION_ATTRS, 'any');
}

function resolveReconnect(reconnect: CockroachReconnectOptions | undefined): ResolvedOptions['reconnect'] {
  if (reconnect !== undefined && (typeof reconnect !== 'object' || reconnect === null))
    throw new ConfigError('reconnect must be { baseMs?, maxMs? }', { field: 'reconnect' });
  const rule = { allowZero: false } as const;
  const baseMs = durationOption(reconnect?.baseMs, 'reconnect.baseMs', 1_000, rule);
  const maxMs = durationOption(reconnect?.maxMs, 'reconnect.maxMs', Math.max(30_000, baseMs), rule);
  if (maxMs < baseMs)
    throw new ConfigError('reconnect.maxMs must not be below reconnect.baseMs', { field: 'reconnect.maxMs' });
  return { baseMs, maxMs };
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

/** An option holding a group of settings (`tls`, `pool`): an object, or left out. */
function groupOption<T extends object>(value: T | undefined, field: string): T | Record<string, never> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ConfigError(`${field} must be an object of settings`, { field });
  return value;
}

/** The TLS settings' types, checked before any connection: a wrong one would fail every connect. */
function checkTls(tls: CockroachTlsOptions): CockroachTlsOptions {
  const pems: [keyof CockroachTlsOptions, boolean][] = [
    ['ca', false],
    ['cert', false],
    ['key', true],
  ];
  for (const [name, secretAllowed] of pems) {
    const value: unknown = tls[name];
    const fits =
      value === undefined ||
      typeof value === 'string' ||
      Buffer.isBuffer(value) ||
      (secretAllowed && value instanceof Secret);
    if (!fits) {
      throw new ConfigError(
        `tls.${name} must be PEM text or a Buffer${secretAllowed ? ' or a Secret' : ''}`,
        {
          field: `tls.${name}`,
        },
      );
    }
  }
  for (const name of ['caFile', 'certFile', 'keyFile', 'servername'] as const) {
    const value: unknown = tls[name];
    if (value !== undefined && typeof value !== 'string')
      throw new ConfigError(`tls.${name} must be a string`, { field: `tls.${name}` });
  }
  return tls;
}

/** Validates options and applies defaults; a bad field gives a `ConfigError` naming it. */
export function resolveOptions(options: CockroachDBOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== 'object')
    throw new ConfigError('options must be an object', { field: 'options' });
  const tls = checkTls(groupOption(options.tls, 'tls'));
  const mode = oneOfOption(tls.mode, 'tls.mode', SSL_MODES, 'verify-full');
  const password = options.password;
  if (password !== undefined && typeof password !== 'string' && !(password instanceof Secret)) {
    throw new ConfigError('password must be a string or a Secret', { field: 'password' });
  }
  const pool = groupOption(options.pool, 'pool');
  const max = integerOption(pool.max, 'pool.max', 10, 1);
  const min = integerOption(pool.min, 'pool.min', 0, 0);
  if (min > max)
    throw new ConfigError(`pool.min (${min}) must not exceed pool.max (${max})`, { field: 'pool.min' });
  const port = integerOption(options.port, 'port', 26257, 1, PORT_MAX);
  const hosts = resolveHosts(options, port);
  const first = hosts[0] as ResolvedHost;
  const random = options.random;
  if (random !== undefined && typeof random !== 'function')
    throw new ConfigError('random must be a function returning [0, 1)', { field: 'random' });
  return {
    host: first.host,
    port: first.port,
    hosts,
    targetSessionAttrs: targetSessionAttrs(options.targetSessionAttrs),
    reconnect: resolveReconnect(options.reconnect),
    random,
    database: text(options.database, 'defaultdb', 'database'),
    user: text(options.user, 'root', 'user'),
    password: typeof password === 'string' ? new Secret(password) : password,
    tls: { ...tls, mode },
    applicationName: text(options.applicationName, '@conn/cockroachdb', 'applicationName'),
    connectTimeoutMs: durationOption(options.connectTimeoutMs, 'connectTimeoutMs', 10_000, {
      allowZero: false,
    }),
    timeoutMs: deadlineOption(options.timeoutMs, 'timeoutMs', 60_000),
    pool: {
      min,
      max,
      idleTimeoutMs: durationOption(pool.idleTimeoutMs, 'pool.idleTimeoutMs', 300_000),
      maxLifetimeMs: durationOption(pool.maxLifetimeMs, 'pool.maxLifetimeMs', 1_800_000),
      lifetimeJitterMs: durationOption(pool.lifetimeJitterMs, 'pool.lifetimeJitterMs', 60_000),
      acquireTimeoutMs: durationOption(pool.acquireTimeoutMs, 'pool.acquireTimeoutMs', 30_000),
      validateAfterIdleMs: durationOption(pool.validateAfterIdleMs, 'pool.validateAfterIdleMs', 30_000),
    },
    resultsBufferSize:
      options.resultsBufferSize === undefined
        ? undefined
        : integerOption(options.resultsBufferSize, 'resultsBufferSize', 0, 1),
    statementCache: integerOption(options.statementCache, 'statementCache', 256, 0),
    sessionSettings: sessionSettings(options.sessionSettings),
    startupOptions:
      options.startupOptions === undefined ? undefined : textOption(options.startupOptions, 'startupOptions'),
    int8: oneOfOption(options.int8, 'int8', INT8_MODES, 'string'),
    streamBatchSize: integerOption(options.streamBatchSize, 'streamBatchSize', 1000, 1),
    pipelineDepth: integerOption(options.pipelineDepth, 'pipelineDepth', 16, 1),
    events: options.events,
  };
}
