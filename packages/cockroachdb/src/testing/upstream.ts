import { ConfigError, parseConnectionUrl, Secret } from '@conn/core';

/** The real PostgreSQL the test server relays to, and the credentials its `url` carries. */
export interface CockroachDBTestUpstream {
  readonly host: string;
  /** Default 5432. */
  readonly port?: number | undefined;
  readonly user: string;
  /** Omit for a server that trusts the user. */
  readonly password?: string | Secret | undefined;
  /** Default: the user name, as PostgreSQL does. */
  readonly database?: string | undefined;
}

/** An upstream with every default applied. @internal */
export interface ResolvedUpstream {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: Secret | undefined;
  readonly database: string;
}

const DEFAULT_PORT = 5432;
/** TLS modes a plain-TCP relay cannot honour: it never speaks TLS to its upstream. */
const TLS_SSLMODES = new Set(['require', 'verify-ca', 'verify-full']);

function invalid(why: string, field: string): never {
  throw new ConfigError(`CockroachDB test server: ${why}`, { field: `upstream${field}` });
}

function fromUrl(url: string | Secret): CockroachDBTestUpstream {
  let parsed: ReturnType<typeof parseConnectionUrl>;
  try {
    parsed = parseConnectionUrl(url, { schemes: ['postgres', 'postgresql'] });
  } catch (error) {
    // the parser's message shows the URL redacted; the field is this option
    return invalid((error as Error).message, '');
  }
  if (parsed.hosts.length !== 1) invalid(`the upstream URL ${parsed} must name one host`, '');
  // Other parameters (application_name, ...) are the connecting client's business, not the relay's.
  const sslmode = parsed.params.get('sslmode');
  if (sslmode !== undefined && TLS_SSLMODES.has(sslmode))
    invalid(`the upstream URL asks for sslmode=${sslmode}; the relay speaks plain TCP to its upstream`, '');
  const host = parsed.hosts[0] as { host: string; port: number | undefined };
  if (parsed.username === undefined) invalid(`the upstream URL ${parsed} must name a user`, '');
  return {
    host: host.host,
    port: host.port,
    user: parsed.username,
    password: parsed.password,
    database: parsed.path === '' ? undefined : parsed.path,
  };
}

/** Checks the `upstream` option: a `postgresql://` URL or its parts. @internal */
export function resolveUpstream(upstream: string | Secret | CockroachDBTestUpstream): ResolvedUpstream {
  const parts =
    typeof upstream === 'string' || upstream instanceof Secret
      ? fromUrl(upstream)
      : typeof upstream === 'object' && upstream !== null
        ? upstream
        : invalid('upstream must be a postgresql:// URL or { host, port, user, password, database }', '');
  if (typeof parts.host !== 'string' || parts.host === '')
    invalid('upstream.host must be a host name', '.host');
  const port = parts.port ?? DEFAULT_PORT;
  if (!Number.isSafeInteger(port) || port < 1 || port > 65_535)
    invalid(`upstream.port must be a port number, got ${String(port)}`, '.port');
  if (typeof parts.user !== 'string' || parts.user === '')
    invalid('upstream.user must be a user name', '.user');
  const database = parts.database ?? parts.user;
  if (typeof database !== 'string' || database === '')
    invalid('upstream.database must be a database name', '.database');
  const password = parts.password;
  if (password !== undefined && typeof password !== 'string' && !(password instanceof Secret))
    invalid('upstream.password must be a string or a Secret', '.password');
  return {
    host: parts.host,
    port,
    user: parts.user,
    password: password === undefined ? undefined : Secret.from(password),
    database,
  };
}

/** `postgresql://user:password@127.0.0.1:<port>/database?sslmode=disable`, percent-encoded. */
export function relayUrl(upstream: ResolvedUpstream, port: number): string {
  const password =
    upstream.password === undefined ? '' : `:${encodeURIComponent(upstream.password.reveal())}`;
  const user = encodeURIComponent(upstream.user);
  return `postgresql://${user}${password}@127.0.0.1:${port}/${encodeURIComponent(upstream.database)}?sslmode=disable`;
}
