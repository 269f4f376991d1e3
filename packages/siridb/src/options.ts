import {
  booleanOption,
  ConfigError,
  durationOption,
  type EventPublisher,
  HostSelector,
  type HostSpec,
  oneOfOption,
  parseConnectionUrl,
  type RandomSource,
  Secret,
  textOption,
} from '@conn/core';
import type { Int64Mode, TimePrecision } from './time-precision.js';

/** One server of the host list. */
export interface SiriDBHost extends HostSpec {
  readonly host: string;
  /** Client port. Default 9000. */
  readonly port: number;
  /** Share of the requests, 1..9. Default 1. */
  readonly weight?: number | undefined;
  /** Used only when no primary host is available. Default false. */
  readonly backup?: boolean | undefined;
}

/** Options of `SiriDBClient` (the Python connector's, in TypeScript style). */
export interface SiriDBClientOptions {
  /** Database user. */
  username: string;
  /** Its password (a `Secret` or a string, wrapped into one). */
  password: string | Secret;
  /** Database name. */
  dbname: string;
  /** Servers: `{ host, port?, weight?, backup? }`. */
  hostlist: readonly (Omit<SiriDBHost, 'port'> & { port?: number | undefined })[];
  /** Ping a connection after `keepaliveIntervalMs` of silence; a failed ping reconnects. Default true. */
  keepalive?: boolean | undefined;
  /** Silence before a keepalive ping, in ms. Default 45_000. */
  keepaliveIntervalMs?: number | undefined;
  /** Time a keepalive or `ping()` may take, in ms. Default 15_000. */
  pingTimeoutMs?: number | undefined;
  /** Connect and authentication time limit per host and attempt, in ms. Default 10_000. */
  connectTimeoutMs?: number | undefined;
  /**
   * Deadline of a call that names none (`{ timeoutMs }` per call), retries and waiting for a host
   * included, in ms. `Infinity` for none. Default 60_000.
   */
  timeoutMs?: number | undefined;
  /** Deadline of `query()` when the call names none; default `timeoutMs`. */
  queryTimeoutMs?: number | undefined;
  /**
   * Deadline of `insert()` when the call names none; default `timeoutMs`. (The Python connector
   * waits 300 s for inserts; set 300_000 for the same.)
   */
  insertTimeoutMs?: number | undefined;
  /** How long a host that answered a server error sits out, in ms. Default 30_000. */
  inactiveTimeMs?: number | undefined;
  /**
   * Cap of the wait between reconnect attempts to a host, in ms. A lost connection is replaced at
   * once; after a failed attempt the wait's ceiling starts at 1 s and doubles up to this, and each
   * wait is jittered within [ceiling / 2, ceiling). Default 90_000.
   */
  maxWaitRetryMs?: number | undefined;
  /** Wait between retries after a SiriDB pool error (68), in ms. Default 2_000. */
  poolErrorRetryMs?: number | undefined;
  /** How 64-bit integers are returned. Default `auto`. */
  int64?: Int64Mode | undefined;
  /** Where events are published. Default: channels `conn:siridb:<event>`. */
  events?: EventPublisher | undefined;
  /**
   * Randomness of the weighted host choice and of the reconnect jitter; inject `seededRandom(n)`
   * from `@conn/core` for repeatable tests.
   */
  random?: RandomSource | undefined;
}

/** Options after validation and defaults. @internal */
export interface ResolvedClientOptions {
  readonly username: string;
  readonly password: Secret;
  readonly dbname: string;
  readonly hostlist: readonly SiriDBHost[];
  readonly keepaliveIntervalMs: number;
  readonly pingTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** `undefined`: no deadline. */
  readonly timeoutMs: number | undefined;
  readonly queryTimeoutMs: number | undefined;
  readonly insertTimeoutMs: number | undefined;
  readonly inactiveTimeMs: number;
  readonly maxWaitRetryMs: number;
  readonly poolErrorRetryMs: number;
  readonly int64: Int64Mode;
  readonly random: RandomSource | undefined;
}

/** Default client port of SiriDB. */
export const DEFAULT_PORT = 9000;

/** Validates options and fills in defaults. @throws ConfigError naming the field. @internal */
export function resolveClientOptions(options: SiriDBClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options must be an object', { field: 'options' });
  if (!(options.password instanceof Secret) && typeof options.password !== 'string') {
    throw new ConfigError('password must be a string or a Secret', { field: 'password' });
  }
  if (!Array.isArray(options.hostlist) || options.hostlist.length === 0) {
    throw new ConfigError('hostlist must name at least one host', { field: 'hostlist' });
  }
  if (options.random !== undefined && typeof options.random !== 'function') {
    throw new ConfigError('random must be a function returning numbers in [0, 1)', { field: 'random' });
  }
  const keepalive = booleanOption(options.keepalive, 'keepalive', true);
  const hostlist = options.hostlist.map((host) => ({ ...host, port: host?.port ?? DEFAULT_PORT }));
  return {
    username: textOption(options.username, 'username'),
    password: Secret.from(options.password),
    dbname: textOption(options.dbname, 'dbname'),
    // The host pool's own checks (host, port 1..65535, weight 1..9, backup), now rather than on first use.
    hostlist: new HostSelector(hostlist).hosts,
    keepaliveIntervalMs: keepalive ? positive(options.keepaliveIntervalMs, 'keepaliveIntervalMs', 45_000) : 0,
    pingTimeoutMs: positive(options.pingTimeoutMs, 'pingTimeoutMs', 15_000),
    connectTimeoutMs: positive(options.connectTimeoutMs, 'connectTimeoutMs', 10_000),
    timeoutMs: deadline(options.timeoutMs, 'timeoutMs', 60_000),
    queryTimeoutMs: deadline(options.queryTimeoutMs, 'queryTimeoutMs', undefined),
    insertTimeoutMs: deadline(options.insertTimeoutMs, 'insertTimeoutMs', undefined),
    inactiveTimeMs: durationOption(options.inactiveTimeMs, 'inactiveTimeMs', 30_000),
    maxWaitRetryMs: positive(options.maxWaitRetryMs, 'maxWaitRetryMs', 90_000),
    poolErrorRetryMs: positive(options.poolErrorRetryMs, 'poolErrorRetryMs', 2_000),
    int64: oneOfOption(options.int64, 'int64', ['auto', 'bigint', 'number'], 'auto'),
    random: options.random,
  };
}

/** A positive number of milliseconds, or `fallback`. */
function positive(value: unknown, field: string, fallback: number): number {
  return durationOption(value, field, fallback, { allowZero: false });
}

/** A call deadline: positive, `Infinity` for none (`undefined`), or `fallback`. */
function deadline(value: unknown, field: string, fallback: number | undefined): number | undefined {
  const ms = durationOption(value, field, fallback ?? Number.POSITIVE_INFINITY, {
    allowZero: false,
    allowInfinity: true,
  });
  return ms === Number.POSITIVE_INFINITY ? undefined : ms;
}

/** URL parameters that map to numeric options. */
const NUMERIC_PARAMS = [
  'keepaliveIntervalMs',
  'pingTimeoutMs',
  'connectTimeoutMs',
  'timeoutMs',
  'queryTimeoutMs',
  'insertTimeoutMs',
  'inactiveTimeMs',
  'maxWaitRetryMs',
  'poolErrorRetryMs',
] as const;

/**
 * Options from `siridb://user:password@host1:9000,host2:9001/dbname?keepalive=false&weights=3,1&backups=host2:9001`.
 * Numeric options go by their names (`timeoutMs=5000`); `weights` gives one weight per host, in
 * order; `backups` lists the `host:port` entries that are backups. @internal
 */
export function optionsFromUrl(
  url: string | Secret,
  overrides: Partial<SiriDBClientOptions> = {},
): SiriDBClientOptions {
  const parsed = parseConnectionUrl(url, { schemes: ['siridb'] });
  const params = parsed.params;
  const known = new Set<string>([...NUMERIC_PARAMS, 'keepalive', 'weights', 'backups', 'int64']);
  for (const key of params.keys()) {
    if (!known.has(key))
      throw new ConfigError(`unknown URL parameter "${key}" in ${parsed}`, { field: 'url' });
  }
  const weights = params.get('weights')?.split(',').map(Number);
  if (weights !== undefined && weights.length !== parsed.hosts.length) {
    throw new ConfigError(`weights must give one weight per host (${parsed.hosts.length}) in ${parsed}`, {
      field: 'url',
    });
  }
  const backups = new Set(params.get('backups')?.split(',').filter(Boolean) ?? []);
  const hostlist = parsed.hosts.map((entry, index) => {
    const port = entry.port ?? DEFAULT_PORT;
    const backup = backups.delete(`${entry.host}:${port}`) || backups.delete(entry.host);
    return { host: entry.host, port, weight: weights?.[index], backup };
  });
  if (backups.size > 0)
    throw new ConfigError(`backups names unknown hosts: ${[...backups].join(', ')}`, { field: 'url' });
  const options: SiriDBClientOptions = {
    username: parsed.username ?? '',
    password: parsed.password ?? '',
    dbname: parsed.path,
    hostlist,
  };
  for (const key of NUMERIC_PARAMS) {
    const value = params.get(key);
    if (value === undefined) continue;
    const number = Number(value);
    if (value === '' || !Number.isFinite(number))
      throw new ConfigError(`${key} must be a number in ${parsed}`, { field: key });
    options[key] = number;
  }
  const keepalive = params.get('keepalive');
  if (keepalive !== undefined) {
    if (keepalive !== 'true' && keepalive !== 'false')
      throw new ConfigError(`keepalive must be true or false in ${parsed}`, { field: 'keepalive' });
    options.keepalive = keepalive === 'true';
  }
  const int64 = params.get('int64');
  if (int64 !== undefined) options.int64 = int64 as Int64Mode;
  return { ...options, ...overrides };
}

/** Time precision options of `query()`. */
export interface PrecisionOption {
  /** Return timestamps in this precision (converted exactly on the client). Default: the database's. */
  timePrecision?: TimePrecision | undefined;
}
