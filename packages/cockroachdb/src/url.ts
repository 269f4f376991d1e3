import { ConfigError, parseConnectionUrl, Secret } from '@conn/core';
import type { CockroachDBOptions, CockroachHost, SslMode } from './options.js';
import type { TargetSessionAttrs } from './session-attrs.js';

const SCHEMES = ['postgres', 'postgresql', 'cockroachdb'] as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One node as options hold it: `{ host }`, plus `port` when the URL names one. */
function node(host: string, port: number | undefined): CockroachHost {
  return port === undefined ? { host } : { host, port };
}

/**
 * One node as `host` / `port`, several as `hosts` (each without a port gets the `port` option,
 * default 26257).
 */
function setNodes(options: Mutable<CockroachDBOptions>, nodes: readonly CockroachHost[]): void {
  delete options.host;
  delete options.hosts;
  const [first] = nodes;
  if (nodes.length > 1) options.hosts = nodes;
  else if (first !== undefined) {
    options.host = first.host;
    if (first.port !== undefined) options.port = first.port;
  }
}

/**
 * Parses a CockroachDB / PostgreSQL connection URL into options:
 * `postgresql://user:pass@host:26257/db?sslmode=verify-full&sslrootcert=ca.crt`, or with several
 * nodes (libpq's form) `postgresql://h1:26257,h2,[::1]:26258/db` or `?host=h1,h2`. Every parameter
 * CockroachDB documents is understood (sslmode, sslrootcert, sslcert, sslkey, options,
 * application_name, results_buffer_size, connect_timeout, user, password), libpq's
 * `target_session_attrs`, and this driver's `statement_cache`; an unknown parameter is a `ConfigError` rather than being silently
 * dropped. Passwords with special characters may be percent-encoded, or passed as `?password=`.
 */
export function parseCockroachUrl(url: string | Secret): CockroachDBOptions {
  const parsed = parseConnectionUrl(url, { schemes: SCHEMES });
  const options: Mutable<CockroachDBOptions> = {};
  const tls: Mutable<NonNullable<CockroachDBOptions['tls']>> = {};
  setNodes(
    options,
    parsed.hosts.filter((entry) => entry.host !== '').map((entry) => node(entry.host, entry.port)),
  );
  if (parsed.username !== undefined && parsed.username !== '') options.user = parsed.username;
  if (parsed.password !== undefined) options.password = parsed.password;
  if (parsed.path !== '') options.database = parsed.path;
  for (const [name, value] of parsed.params) {
    const bad = (why: string): never => {
      throw new ConfigError(`connection URL parameter ${name}: ${why}`, { field: `url.${name}` });
    };
    switch (name) {
      case 'sslmode':
        tls.mode = value as SslMode;
        break;
      case 'sslrootcert':
        tls.caFile = value;
        break;
      case 'sslcert':
        tls.certFile = value;
        break;
      case 'sslkey':
        tls.keyFile = value;
        break;
      case 'sslsni':
        if (value !== '1') bad('only sslsni=1 (the default) is supported');
        break;
      case 'options':
        options.startupOptions = value;
        break;
      case 'application_name':
        options.applicationName = value;
        break;
      case 'results_buffer_size': {
        const size = Number(value);
        if (!Number.isSafeInteger(size) || size < 1)
          bad(`must be a positive integer, got ${JSON.stringify(value)}`);
        options.resultsBufferSize = size;
        break;
      }
      case 'statement_cache': {
        const size = Number(value);
        if (!Number.isSafeInteger(size) || size < 0)
          bad(`must be a non-negative integer, got ${JSON.stringify(value)}`);
        options.statementCache = size;
        break;
      }
      case 'connect_timeout': {
        const seconds = Number(value);
        if (!Number.isFinite(seconds) || seconds < 0)
          bad(`must be a number of seconds, got ${JSON.stringify(value)}`);
        // libpq: 0 means wait forever; we keep a bound and use the default instead.
        if (seconds > 0) options.connectTimeoutMs = Math.max(1, Math.round(seconds * 1000));
        break;
      }
      case 'user':
        options.user = value;
        break;
      case 'password':
        options.password = new Secret(value);
        break;
      case 'dbname':
        options.database = value;
        break;
      case 'host': {
        const names = value.split(',');
        if (names.some((name) => name === '')) bad('a host name is empty');
        setNodes(
          options,
          names.map((name) => node(name, undefined)),
        );
        break;
      }
      case 'port': {
        if (value.includes(','))
          bad('give each node its own port in the URL instead: postgresql://h1:26257,h2:26258/db');
        const port = Number(value);
        if (!Number.isSafeInteger(port) || port < 1 || port > 65535) bad('must be a port number');
        options.port = port;
        break;
      }
      case 'target_session_attrs':
        // Checked with the other options (field targetSessionAttrs).
        options.targetSessionAttrs = value as TargetSessionAttrs;
        break;
      default:
        bad('is not a parameter CockroachDB documents (check its spelling)');
    }
  }
  if (Object.keys(tls).length > 0) options.tls = tls;
  return options;
}
