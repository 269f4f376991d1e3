import { Secret } from './auth/secret.js';
import { ConfigError } from './errors/index.js';

/** One `host[:port]` of a connection URL. */
export interface UrlHost {
  readonly host: string;
  /** `undefined` when the URL gives no port (the driver applies its default). */
  readonly port: number | undefined;
}

/** A parsed connection URL. Rendering it (`String`, JSON, inspect) never shows the password. */
export interface ConnectionUrl {
  /** Scheme without the colon, lower-cased, e.g. `siridb`. */
  readonly scheme: string;
  readonly username: string | undefined;
  readonly password: Secret | undefined;
  /** One or more hosts (`a:1,b:2` or `[::1]:9000`). */
  readonly hosts: readonly UrlHost[];
  /** The path without its leading slash, percent-decoded (usually the database name); '' when absent. */
  readonly path: string;
  /** Query parameters, percent-decoded. The last value wins for repeated keys; see `paramsAll`. */
  readonly params: ReadonlyMap<string, string>;
  /** Every value of every query parameter, in order. */
  readonly paramsAll: ReadonlyMap<string, readonly string[]>;
  /** The URL with the password and secret-looking parameters replaced by `[redacted]`. */
  toString(): string;
}

/** Options of {@link parseConnectionUrl}. */
export interface ParseUrlOptions {
  /** Accepted schemes without the colon, e.g. `['siridb']` or `['postgres', 'postgresql']`. */
  schemes: readonly string[];
}

// Query parameters whose values are secrets in some driver's URL format.
const SECRET_PARAM = /pass|secret|token|key$|apikey|api_key|credential/i;
const REDACTED = '[redacted]';

/**
 * Parses `scheme://[user[:password]@]host[:port][,host[:port]...][/path][?query]`. User, password,
 * path and parameters are percent-decoded, so passwords with special characters work when
 * percent-encoded (`p%40ss` for `p@ss`). Errors are `ConfigError`s (field `url`) whose message
 * shows the URL redacted.
 */
export function parseConnectionUrl(url: string | Secret, options: ParseUrlOptions): ConnectionUrl {
  const text = url instanceof Secret ? url.reveal() : url;
  if (typeof text !== 'string')
    throw new ConfigError('the connection URL must be a string', { field: 'url' });
  const safe = redactUrl(text);
  const fail = (why: string): never => {
    throw new ConfigError(`invalid connection URL ${safe}: ${why}`, { field: 'url' });
  };

  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (!schemeMatch) return fail('expected scheme://host');
  const scheme = (schemeMatch[1] as string).toLowerCase();
  if (!options.schemes.includes(scheme))
    return fail(`the scheme must be one of ${options.schemes.join(', ')}`);

  const rest = text.slice(schemeMatch[0].length);
  const hashFree = rest.split('#', 1)[0] as string;
  const queryAt = hashFree.indexOf('?');
  const beforeQuery = queryAt === -1 ? hashFree : hashFree.slice(0, queryAt);
  const query = queryAt === -1 ? '' : hashFree.slice(queryAt + 1);
  // The last '@' ends the user info, so an unencoded '@' in a password still parses.
  const at = beforeQuery.lastIndexOf('@');
  const userInfo = at === -1 ? undefined : beforeQuery.slice(0, at);
  const hostAndPath = at === -1 ? beforeQuery : beforeQuery.slice(at + 1);
  const slash = hostAndPath.indexOf('/');
  const hostPart = slash === -1 ? hostAndPath : hostAndPath.slice(0, slash);
  const rawPath = slash === -1 ? '' : hostAndPath.slice(slash + 1);

  let username: string | undefined;
  let password: Secret | undefined;
  if (userInfo !== undefined) {
    const colon = userInfo.indexOf(':');
    username = decode(colon === -1 ? userInfo : userInfo.slice(0, colon), 'user name', fail) || undefined;
    if (colon !== -1) password = new Secret(decode(userInfo.slice(colon + 1), 'password', fail));
  }

  const hosts = hostPart.split(',').map((entry) => parseHost(entry, fail));
  const paramsAll = new Map<string, string[]>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq), 'parameter name', fail);
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1).replace(/\+/g, ' '), `parameter ${key}`, fail);
    paramsAll.set(key, [...(paramsAll.get(key) ?? []), value]);
  }
  const params = new Map([...paramsAll].map(([key, values]) => [key, values[values.length - 1] as string]));

  const parsed: ConnectionUrl = {
    scheme,
    username,
    password,
    hosts,
    path: decode(rawPath, 'path', fail),
    params,
    paramsAll,
    toString: () => safe,
  };
  Object.defineProperty(parsed, 'password', { enumerable: false });
  Object.defineProperty(parsed, Symbol.for('nodejs.util.inspect.custom'), {
    value: () => `ConnectionUrl(${safe})`,
  });
  Object.defineProperty(parsed, 'toJSON', { value: () => safe });
  return Object.freeze(parsed);
}

/**
 * The URL with the password in the user info, and the values of secret-looking query parameters
 * (`password`, `sslkey`, `token`, `api_key` ...), replaced by `[redacted]`. Safe for logs and errors.
 */
export function redactUrl(url: string): string {
  let result = url.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)([^?#]*)@/i,
    (_match, scheme: string, userInfo: string) => {
      const colon = userInfo.indexOf(':');
      return colon === -1 ? `${scheme}${userInfo}@` : `${scheme}${userInfo.slice(0, colon)}:${REDACTED}@`;
    },
  );
  result = result.replace(/([?&])([^=&#]+)=([^&#]*)/g, (match, sep: string, key: string) =>
    SECRET_PARAM.test(key) ? `${sep}${key}=${REDACTED}` : match,
  );
  return result;
}

function parseHost(entry: string, fail: (why: string) => never): UrlHost {
  if (entry === '') return fail('a host is empty');
  let host: string;
  let portText: string | undefined;
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close === -1) return fail(`unclosed IPv6 address "${entry}"`);
    host = entry.slice(1, close);
    const after = entry.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return fail(`unexpected text after "[${host}]"`);
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const colon = entry.lastIndexOf(':');
    host = colon === -1 ? entry : entry.slice(0, colon);
    portText = colon === -1 ? undefined : entry.slice(colon + 1);
  }
  if (host === '') return fail('a host name is empty');
  if (portText === undefined || portText === '') return { host: decode(host, 'host', fail), port: undefined };
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65_535) return fail(`port "${portText}" is not 1..65535`);
  return { host: decode(host, 'host', fail), port };
}

function decode(text: string, what: string, fail: (why: string) => never): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return fail(`the ${what} has a malformed percent-encoding`);
  }
}
