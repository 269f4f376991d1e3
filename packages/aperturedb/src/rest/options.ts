import { ConfigError, Secret } from '@conn/core';
import { type ApertureDBKey, decodeApertureDBKey } from '../key.js';
import {
  type ApertureDBClientOptions,
  type ApertureDBRetryMode,
  type ResolvedApertureDBOptions,
  resolveOptions,
} from '../options.js';

/** The options the REST client shares with the TCP client, under the same names. */
type SharedOptions = Pick<
  ApertureDBClientOptions,
  | 'user'
  | 'password'
  | 'token'
  | 'tls'
  | 'timeoutMs'
  | 'connectTimeoutMs'
  | 'maxMessageBytes'
  | 'session'
  | 'events'
>;

/**
 * Options of `ApertureDBRestClient`: the endpoint as a URL, and the TCP client's credential, TLS,
 * deadline and session options. `tls` applies to `https:` URLs; certificates are verified by default.
 */
export interface ApertureDBRestClientOptions extends SharedOptions {
  /**
   * The endpoint: `https://host[:port][/path/]` (or `http://` for a server without TLS). The path
   * defaults to `/api/`; the port to 443 or 80. User and password in the URL are read as `user`
   * and `password` (the options win).
   */
  readonly url: string | URL;
  /** Whether a read-only query whose request failed on the network is sent once more. Default `'safe'`. */
  readonly retry?: Exclude<ApertureDBRetryMode, 'always'> | undefined;
}

/** REST options after validation. @internal */
export interface ResolvedRestOptions extends ResolvedApertureDBOptions {
  /** `https:` or `http:`. */
  readonly scheme: 'https:' | 'http:';
  /** The request path, `/api/` unless the URL gave another. */
  readonly path: string;
}

const REST_PATH = '/api/';
/** The REST client resends once, and never a write that may have run: no `'always'`. */
export const REST_RETRY_MODES: readonly Exclude<ApertureDBRetryMode, 'always'>[] = ['safe', 'never'];

/**
 * Validates REST options with the TCP client's rules (the same `ConfigError` fields) and reads the
 * URL. Messages never show the URL's password.
 * @throws ConfigError naming the field.
 */
export function resolveRestOptions(options: ApertureDBRestClientOptions): ResolvedRestOptions {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options must be an object', { field: 'options' });
  const url = parseRestUrl(options.url);
  if (options.retry !== undefined && options.retry !== 'safe' && options.retry !== 'never')
    throw new ConfigError("retry must be 'safe' or 'never' for the REST client", { field: 'retry' });
  const userInUrl = url.username === '' ? undefined : decodeURIComponent(url.username);
  const passwordInUrl = url.password === '' ? undefined : new Secret(decodeURIComponent(url.password));
  const resolved = resolveOptions({
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
    useSsl: url.protocol === 'https:',
    user: options.user ?? userInUrl,
    // A token wins over a password in the URL.
    password: options.password ?? (options.token === undefined ? passwordInUrl : undefined),
    token: options.token,
    tls: options.tls,
    timeoutMs: options.timeoutMs,
    connectTimeoutMs: options.connectTimeoutMs,
    maxMessageBytes: options.maxMessageBytes,
    session: options.session,
    events: options.events,
    retry: options.retry,
  });
  return {
    ...resolved,
    scheme: url.protocol as 'https:' | 'http:',
    path: url.pathname === '' || url.pathname === '/' ? REST_PATH : url.pathname,
  };
}

function parseRestUrl(input: unknown): URL {
  if (!(typeof input === 'string' || input instanceof URL))
    throw new ConfigError('url must be a string or a URL, e.g. https://host/api/', { field: 'url' });
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    // The text may hold a password: it is not repeated.
    throw new ConfigError('url is not a valid URL (expected https://host[:port]/api/)', { field: 'url' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError(`url must use https: or http:, not ${url.protocol}`, { field: 'url' });
  if (url.search !== '' || url.hash !== '')
    throw new ConfigError('url takes no query string or fragment', { field: 'url' });
  return url;
}

/**
 * REST client options from an APERTUREDB_KEY made for the REST endpoint (its REST flag set): host,
 * port, scheme, host-name check, CA file and credentials, as the TCP `optionsFromKey` reads them.
 * @throws ConfigError `CONN_APERTUREDB_KEY` for a malformed key or a key without the REST flag.
 */
export function restOptionsFromKey(key: string | Secret | ApertureDBKey): ApertureDBRestClientOptions {
  const decoded = typeof key === 'string' || key instanceof Secret ? decodeApertureDBKey(key) : key;
  if (!decoded.useRest) {
    throw new ConfigError(
      'APERTUREDB_KEY is for the TCP protocol (no REST flag); use ApertureDBClient.fromKey',
      { code: 'CONN_APERTUREDB_KEY', field: 'APERTUREDB_KEY' },
    );
  }
  const host = decoded.host.includes(':') ? `[${decoded.host}]` : decoded.host;
  return {
    url: `${decoded.useSsl ? 'https' : 'http'}://${host}:${decoded.port}${REST_PATH}`,
    tls: decoded.verifyHostname
      ? { verifyHostname: true, caFile: decoded.caCert }
      : { verifyHostname: false, insecure: true, caFile: decoded.caCert },
    ...(decoded.token === undefined
      ? { user: decoded.username, password: decoded.password }
      : { token: decoded.token }),
  };
}
