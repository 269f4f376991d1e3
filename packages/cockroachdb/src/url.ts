import { ConfigError, parseConnectionUrl, Secret } from '@conn/core';
import type { CockroachDBOptions, SslMode } from './options.js';

const SCHEMES = ['postgres', 'postgresql', 'cockroachdb'] as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Parses a CockroachDB / PostgreSQL connection URL into options:
 * `postgresql://user:pass@host:26257/db?sslmode=verify-full&sslrootcert=ca.crt`. Every parameter
 * CockroachDB documents is understood (sslmode, sslrootcert, sslcert, sslkey, options,
 * application_name, results_buffer_size, connect_timeout, user, password); an unknown parameter is
 * a `ConfigError` rather than being silently dropped. Passwords with special characters may be
 * percent-encoded, or passed as `?password=`.
 */
export function parseCockroachUrl(url: string | Secret): CockroachDBOptions {
  const parsed = parseConnectionUrl(url, { schemes: SCHEMES });
  if (parsed.hosts.length > 1) {
    throw new ConfigError(
      `connection URL ${parsed.toString()} names several hosts; give one (a load balancer)`,
      {
        field: 'url',
      },
    );
  }
  const options: Mutable<CockroachDBOptions> = {};
  const tls: Mutable<NonNullable<CockroachDBOptions['tls']>> = {};
  const host = parsed.hosts[0];
  if (host !== undefined && host.host !== '') options.host = host.host;
  if (host?.port !== undefined) options.port = host.port;
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
      case 'host':
        options.host = value;
        break;
      case 'port': {
        const port = Number(value);
        if (!Number.isSafeInteger(port) || port < 1 || port > 65535) bad('must be a port number');
        options.port = port;
        break;
      }
      default:
        bad('is not a parameter CockroachDB documents (check its spelling)');
    }
  }
  if (Object.keys(tls).length > 0) options.tls = tls;
  return options;
}
