import {
  booleanOption,
  ConfigError,
  deadlineOption,
  durationOption,
  type EventPublisher,
  integerOption,
  oneOfOption,
  parseConnectionUrl,
  Secret,
  textOption,
} from '@conn/core';
import type { BindOptions } from './params/param-types.js';
import type { ValueOptions } from './protocol/value-options.js';
import type { RowMode } from './query/rows.js';
import { STRATEGY_LOG_LEVELS, type StrategyLogLevel } from './session/strategy-log.js';

/** TLS settings: certificates are verified against `ca` (or the system roots). */
export interface E6DataTlsOptions {
  /** PEM of the CA(s) to trust instead of the system roots. */
  readonly ca?: string | Uint8Array | undefined;
  /** A file holding that PEM (read when the client starts). */
  readonly caFile?: string | undefined;
  /** The name the certificate must carry, when it is not `host` (an IP behind HAProxy, say). */
  readonly servername?: string | undefined;
}

/** Options of `E6DataClient`: the Python connector's, in TypeScript style. */
export interface E6DataClientOptions extends ValueOptions {
  /** The cluster's host name or IP. Default `localhost`. */
  readonly host?: string | undefined;
  /** Default 443 with TLS, 80 without (the connector's port). */
  readonly port?: number | undefined;
  /** Your e6data e-mail. */
  readonly username?: string | undefined;
  /** The console's access token. */
  readonly password?: string | Secret | undefined;
  /** The database (schema) queries run in. */
  readonly database?: string | undefined;
  /** The catalog; queries use the V2 methods when it is set. */
  readonly catalog?: string | undefined;
  /** The cluster's name, sent as the `cluster-name` header (lower-cased). */
  readonly clusterName?: string | undefined;
  /** TLS (default true). Plaintext only when `false` is given. */
  readonly secure?: boolean | undefined;
  readonly tls?: E6DataTlsOptions | undefined;
  /**
   * grpc-js channel options over ours (`grpc.` prefix optional: `keepalive_time_ms` and
   * `grpc.keepalive_time_ms` are the same key; grpc-js's own `grpc-node.*` keys are kept as given).
   */
  readonly grpcOptions?: Readonly<Record<string, string | number>> | undefined;
  /** Default deadline of every call, ms (`Infinity`: none). Default 60 000. */
  readonly timeoutMs?: number | undefined;
  /** Bound of one connect and authentication exchange, ms. Default 10 000. */
  readonly connectTimeoutMs?: number | undefined;
  /** Deadline of one prepare, ms. Default 600 000 (the connector's). */
  readonly prepareTimeoutMs?: number | undefined;
  /** Resume a suspended cluster through `ClusterService` and retry. Default true. */
  readonly autoResume?: boolean | undefined;
  /** How long a resume may take, ms. Default 300 000. */
  readonly autoResumeTimeoutMs?: number | undefined;
  /** Between two cluster status polls while resuming, ms. Default 5 000. */
  readonly resumePollIntervalMs?: number | undefined;
  /** How long a detected strategy is trusted before it is detected again, ms. Default 300 000. */
  readonly strategyCacheTimeoutMs?: number | undefined;
  /**
   * Writes blue-green events (detection, announcement, switch, refusal) to `console` at this level
   * and above; unset, nothing is logged (the `conn:e6data:strategy:*` channels always carry them).
   */
  readonly strategyLogLevel?: StrategyLogLevel | undefined;
  /** Tries of a call refused for its strategy, session or a suspended cluster. Default 5. */
  readonly maxRetryAttempts?: number | undefined;
  /** Rows as objects (default) or arrays. */
  readonly rowMode?: RowMode | undefined;
  /**
   * How parameters become SQL literals: `stringEscape` (how the engine reads backslashes in
   * strings; unset, a string holding one is refused) and `bytes` (`X'…'` or `from_hex('…')`).
   */
  readonly params?: BindOptions | undefined;
  /** The diagnostics publisher (default: `conn:e6data:*` channels). */
  readonly events?: EventPublisher | undefined;
}

/** The options with every default applied. @internal */
export interface ResolvedE6DataOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: Secret | undefined;
  readonly database: string;
  readonly catalog: string | undefined;
  readonly clusterName: string | undefined;
  readonly tls: ResolvedTls | undefined;
  readonly grpcOptions: Readonly<Record<string, string | number>>;
  readonly timeoutMs: number | undefined;
  readonly connectTimeoutMs: number;
  readonly prepareTimeoutMs: number;
  readonly autoResume: boolean;
  readonly autoResumeTimeoutMs: number;
  readonly resumePollIntervalMs: number;
  readonly strategyCacheTimeoutMs: number;
  readonly strategyLogLevel: StrategyLogLevel | undefined;
  readonly maxRetryAttempts: number;
  readonly rowMode: RowMode;
  readonly params: BindOptions;
  readonly values: Required<Pick<ValueOptions, 'int64' | 'binary'>> & Pick<ValueOptions, 'decimal'>;
  readonly events: EventPublisher | undefined;
}

/** @internal */
export interface ResolvedTls {
  readonly ca: string | Uint8Array | undefined;
  readonly caFile: string | undefined;
  readonly servername: string | undefined;
}

/**
 * The channel options the connector uses (docs/protocols/e6data.md, channels), in grpc-js names:
 * keepalive every 30 s even without calls, no receive limit (grpc-js would stop at 4 MiB).
 */
const DEFAULT_GRPC_OPTIONS: Readonly<Record<string, number>> = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 900_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': 300 * 1024 * 1024,
  // HTTP/2 flow control: with Node's 64 KiB window the server pauses after 64 KiB of a batch until
  // the client, busy decoding the previous one, acknowledges it. A 1,000,000-row stream on
  // loopback took 1.89 s with 64 KiB and 1.75 s with 16 MiB (medians of 8). 8 MiB holds a few large
  // batches and stays below Node's 10 MB session memory limit, past which it refuses new streams.
  'grpc-node.flow_control_window': 8 * 1024 * 1024,
};

/** Checks every option and applies the defaults. @throws ConfigError naming the bad option. */
export function resolveOptions(options: E6DataClientOptions): ResolvedE6DataOptions {
  // Plain JavaScript may pass anything: `null` would otherwise be a TypeError, a string a client.
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    const got = options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options;
    throw new ConfigError(`E6DataClient options must be an object, got ${got}`, { field: 'options' });
  }
  const secure = booleanOption(options.secure, 'secure', true);
  const password = options.password;
  if (password !== undefined && typeof password !== 'string' && !(password instanceof Secret)) {
    throw new ConfigError('password must be a string or a Secret', { field: 'password' });
  }
  const decimal = options.decimal;
  if (decimal !== undefined && decimal !== 'string' && typeof decimal !== 'function') {
    throw new ConfigError("decimal must be 'string' or a function of the exact decimal text", {
      field: 'decimal',
    });
  }
  return {
    host: options.host === undefined ? 'localhost' : textOption(options.host, 'host'),
    port: integerOption(options.port, 'port', secure ? 443 : 80, 1, 65_535),
    username: options.username === undefined ? '' : textOption(options.username, 'username'),
    password: typeof password === 'string' ? new Secret(password) : password,
    database: options.database === undefined ? '' : textOption(options.database, 'database'),
    catalog: options.catalog === undefined ? undefined : textOption(options.catalog, 'catalog'),
    clusterName:
      options.clusterName === undefined ? undefined : textOption(options.clusterName, 'clusterName'),
    tls: secure ? resolveTls(options.tls) : undefined,
    grpcOptions: { ...DEFAULT_GRPC_OPTIONS, ...grpcOptions(options.grpcOptions) },
    timeoutMs: deadlineOption(options.timeoutMs, 'timeoutMs', 60_000),
    connectTimeoutMs: durationOption(options.connectTimeoutMs, 'connectTimeoutMs', 10_000, {
      allowZero: false,
    }),
    prepareTimeoutMs: durationOption(options.prepareTimeoutMs, 'prepareTimeoutMs', 600_000, {
      allowZero: false,
    }),
    autoResume: booleanOption(options.autoResume, 'autoResume', true),
    autoResumeTimeoutMs: durationOption(options.autoResumeTimeoutMs, 'autoResumeTimeoutMs', 300_000),
    resumePollIntervalMs: durationOption(options.resumePollIntervalMs, 'resumePollIntervalMs', 5_000, {
      allowZero: false,
    }),
    strategyCacheTimeoutMs: durationOption(options.strategyCacheTimeoutMs, 'strategyCacheTimeoutMs', 300_000),
    strategyLogLevel:
      options.strategyLogLevel === undefined
        ? undefined
        : oneOfOption(options.strategyLogLevel, 'strategyLogLevel', STRATEGY_LOG_LEVELS, 'INFO'),
    maxRetryAttempts: integerOption(options.maxRetryAttempts, 'maxRetryAttempts', 5, 1, 100),
    rowMode: oneOfOption(options.rowMode, 'rowMode', ['object', 'array'], 'object'),
    params: {
      stringEscape:
        options.params?.stringEscape === undefined
          ? undefined
          : oneOfOption(
              options.params.stringEscape,
              'params.stringEscape',
              ['standard', 'backslash'],
              'standard',
            ),
      bytes: oneOfOption(options.params?.bytes, 'params.bytes', ['x-literal', 'from-hex'], 'x-literal'),
    },
    values: {
      int64: oneOfOption(options.int64, 'int64', ['auto', 'bigint', 'number'], 'auto'),
      binary: oneOfOption(options.binary, 'binary', ['bytes', 'string'], 'bytes'),
      ...(decimal === undefined ? {} : { decimal }),
    },
    events: options.events,
  };
}

function resolveTls(tls: E6DataTlsOptions | undefined): ResolvedTls {
  if (tls !== undefined && (typeof tls !== 'object' || tls === null)) {
    throw new ConfigError('tls must be an object', { field: 'tls' });
  }
  return {
    ca: tls?.ca,
    caFile: tls?.caFile === undefined ? undefined : textOption(tls.caFile, 'tls.caFile'),
    servername: tls?.servername === undefined ? undefined : textOption(tls.servername, 'tls.servername'),
  };
}

/**
 * The user's channel options with the `grpc.` prefix made uniform (the connector prefixed keys that
 * already had it, and sent `grpc.grpc.x`, which nothing reads).
 */
function grpcOptions(
  given: Readonly<Record<string, string | number>> | undefined,
): Record<string, string | number> {
  if (given === undefined) return {};
  if (typeof given !== 'object' || given === null) {
    throw new ConfigError('grpcOptions must be an object of grpc-js channel options', {
      field: 'grpcOptions',
    });
  }
  const result: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(given)) {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new ConfigError(`grpcOptions.${key} must be a string or a number`, {
        field: `grpcOptions.${key}`,
      });
    }
    result[key.startsWith('grpc.') || key.startsWith('grpc-node.') ? key : `grpc.${key}`] = value;
  }
  return result;
}

const BOOLEAN_TEXT: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false };

/**
 * Options from `e6data://<user>:<token>@<host>[:<port>]/[<database>]?schema=…&catalog=…&cluster-name=…&secure=…&auto-resume=…`
 * (the connector's SQLAlchemy URL; the database may be the path or the `schema` parameter).
 * @throws ConfigError for a malformed URL or parameter.
 */
export function optionsFromUrl(url: string | Secret): E6DataClientOptions {
  const parsed = parseConnectionUrl(url, { schemes: ['e6data'] });
  if (parsed.hosts.length !== 1) {
    throw new ConfigError('an e6data URL names one host', { field: 'url' });
  }
  const [{ host, port }] = parsed.hosts as [{ host: string; port: number | undefined }];
  const params = parsed.params;
  const flag = (name: string): boolean | undefined => {
    const value = params.get(name);
    if (value === undefined) return undefined;
    const parsedFlag = BOOLEAN_TEXT[value.toLowerCase()];
    if (parsedFlag === undefined)
      throw new ConfigError(`URL parameter ${name} must be true or false`, { field: name });
    return parsedFlag;
  };
  const database =
    params.get('schema') ?? params.get('database') ?? (parsed.path === '' ? undefined : parsed.path);
  return {
    host,
    port,
    username: parsed.username,
    password: parsed.password,
    database,
    catalog: params.get('catalog'),
    clusterName: params.get('cluster-name') ?? params.get('clusterName'),
    secure: flag('secure'),
    autoResume: flag('auto-resume'),
  };
}

/** Options of {@link optionsFromEnv}. */
export interface FromEnvOptions {
  /** Read `<prefix>E6DATA_HOST` and so on (default no prefix). */
  readonly prefix?: string | undefined;
}

/**
 * Options from the environment: `E6DATA_HOST`, `E6DATA_PORT`, `E6DATA_USERNAME`, `E6DATA_PASSWORD`,
 * `E6DATA_DATABASE`, `E6DATA_CATALOG`, `E6DATA_CLUSTER_NAME`, `E6DATA_SECURE`, and the three the
 * connector documents but never reads: `E6DATA_STRATEGY_CACHE_TIMEOUT` (seconds),
 * `E6DATA_MAX_RETRY_ATTEMPTS` and `E6DATA_STRATEGY_LOG_LEVEL` (DEBUG, INFO, WARNING, ERROR).
 * Unset variables leave the defaults.
 * @throws ConfigError naming every bad variable.
 */
export function optionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  { prefix = '' }: FromEnvOptions = {},
): E6DataClientOptions {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[prefix + name];
    return value === undefined || value === '' ? undefined : value;
  };
  const number = (name: string, scale = 1): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0) {
      problems.push(`${prefix}${name} must be a non-negative number`);
      return undefined;
    }
    return parsed * scale;
  };
  const secureText = text('E6DATA_SECURE');
  const secure = secureText === undefined ? undefined : BOOLEAN_TEXT[secureText.toLowerCase()];
  if (secureText !== undefined && secure === undefined)
    problems.push(`${prefix}E6DATA_SECURE must be true or false`);
  const levelText = text('E6DATA_STRATEGY_LOG_LEVEL')?.toUpperCase();
  // Python's level names; WARN is its alias of WARNING.
  const logLevel = levelText === 'WARN' ? 'WARNING' : (levelText as StrategyLogLevel | undefined);
  if (logLevel !== undefined && !STRATEGY_LOG_LEVELS.includes(logLevel)) {
    problems.push(`${prefix}E6DATA_STRATEGY_LOG_LEVEL must be one of ${STRATEGY_LOG_LEVELS.join(', ')}`);
  }
  const options: E6DataClientOptions = {
    host: text('E6DATA_HOST'),
    port: number('E6DATA_PORT'),
    username: text('E6DATA_USERNAME'),
    password: text('E6DATA_PASSWORD'),
    database: text('E6DATA_DATABASE'),
    catalog: text('E6DATA_CATALOG'),
    clusterName: text('E6DATA_CLUSTER_NAME'),
    secure,
    strategyCacheTimeoutMs: number('E6DATA_STRATEGY_CACHE_TIMEOUT', 1000),
    maxRetryAttempts: number('E6DATA_MAX_RETRY_ATTEMPTS'),
    strategyLogLevel: logLevel,
  };
  if (problems.length > 0) {
    throw new ConfigError(`bad environment: ${problems.join('; ')}`, { field: 'env' });
  }
  return options;
}
