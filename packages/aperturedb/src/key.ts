import { ConfigError, Secret } from '@conn/core';

// APERTUREDB_KEY, the SDK's one-string connection setting (docs/protocols/aperturedb.md §2.3): base64 of
// the compact JSON `[version, key_type, host, ca_cert, token]` or `[..., ca_cert, username, password]`.
// Version 1 has no ca_cert slot and always verifies the host name.

const KEY_VERSION = 2;
const OLD_KEY_VERSION = 1;
const FLAG_USE_SSL = 1;
const FLAG_USE_REST = 2;
const FLAG_COMPRESSED_HOST = 4;
const FLAG_VERIFY_HOSTNAME = 8;
const TOKEN_PREFIX = 'adbp_';
const CLOUD_SUFFIX = '.cloud.aperturedata.io';
/** The farm number is zero-padded to 4 digits when a compressed cloud host is expanded. */
const FARM_DIGITS = 4;

/** Default ports the key leaves out: TCP 55555, REST 443 with SSL and 80 without. */
export function defaultKeyPort(useRest: boolean, useSsl: boolean): number {
  if (!useRest) return 55_555;
  return useSsl ? 443 : 80;
}

/** What an APERTUREDB_KEY holds. Exactly one of `token` and `username`/`password` is set. */
export interface ApertureDBKey {
  readonly host: string;
  readonly port: number;
  readonly useSsl: boolean;
  /** The key is meant for the REST endpoint (`ConnectorRest`). */
  readonly useRest: boolean;
  /** Version 1 keys always say true. */
  readonly verifyHostname: boolean;
  /** The key's `ca_cert` slot as written (the SDK reads it as a file path); version 1: `undefined`. */
  readonly caCert: string | undefined;
  /** API token with its `adbp_` prefix. */
  readonly token: Secret | undefined;
  readonly username: string | undefined;
  readonly password: Secret | undefined;
}

/** Input of {@link encodeApertureDBKey}: give `token`, or `username` and `password`. */
export interface ApertureDBKeyInput {
  readonly host: string;
  /** Default: the key's default port for `useRest`/`useSsl`. */
  readonly port?: number | undefined;
  /** Default true. */
  readonly useSsl?: boolean | undefined;
  /** Default false. */
  readonly useRest?: boolean | undefined;
  /** Default true. */
  readonly verifyHostname?: boolean | undefined;
  readonly caCert?: string | undefined;
  /** With or without its `adbp_` prefix (the key stores it without). */
  readonly token?: string | Secret | undefined;
  readonly username?: string | undefined;
  readonly password?: string | Secret | undefined;
}

function keyError(why: string): ConfigError {
  // Never the key itself: it holds the password or token.
  return new ConfigError(`APERTUREDB_KEY is malformed: ${why}`, {
    code: 'CONN_APERTUREDB_KEY',
    field: 'APERTUREDB_KEY',
  });
}

/**
 * Reads an APERTUREDB_KEY (versions 1 and 2).
 * @throws ConfigError `CONN_APERTUREDB_KEY` saying what is wrong, never repeating the key, its
 * password or its token.
 */
export function decodeApertureDBKey(key: string | Secret): ApertureDBKey {
  const raw: unknown = key instanceof Secret ? key.reveal() : key;
  if (typeof raw !== 'string') throw keyError('it is not a string');
  const text = raw.trim();
  if (text === '') throw keyError('it is empty');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 === 1) throw keyError('it is not base64');
  let list: unknown;
  try {
    list = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    throw keyError('it does not hold JSON');
  }
  if (!Array.isArray(list)) throw keyError('it does not hold a JSON array');
  const [version, keyType, hostAndPort] = list as unknown[];
  if (version !== KEY_VERSION && version !== OLD_KEY_VERSION)
    throw keyError(`version ${JSON.stringify(version)} is not supported (1 or 2)`);
  if (typeof keyType !== 'number' || !Number.isInteger(keyType) || keyType < 0 || keyType > 15)
    throw keyError('the key type is not a flag set from 0 to 15');
  if (typeof hostAndPort !== 'string' || hostAndPort === '') throw keyError('the host is not a string');
  const useSsl = (keyType & FLAG_USE_SSL) !== 0;
  const useRest = (keyType & FLAG_USE_REST) !== 0;
  const compressed = (keyType & FLAG_COMPRESSED_HOST) !== 0;
  const verifyHostname = version === OLD_KEY_VERSION || (keyType & FLAG_VERIFY_HOSTNAME) !== 0;

  const credentialsAt = version === KEY_VERSION ? 4 : 3;
  let caCert: string | undefined;
  if (version === KEY_VERSION) {
    const slot = list[3];
    if (slot !== null && typeof slot !== 'string') throw keyError('the ca_cert slot is not a string or null');
    caCert = slot ?? undefined;
  }
  const credentials = list.slice(credentialsAt) as unknown[];
  let token: Secret | undefined;
  let username: string | undefined;
  let password: Secret | undefined;
  if (credentials.length === 1) {
    if (typeof credentials[0] !== 'string') throw keyError('the token is not a string');
    token = new Secret(TOKEN_PREFIX + credentials[0]);
  } else if (credentials.length === 2) {
    const [user, pass] = credentials;
    if (typeof user !== 'string' || typeof pass !== 'string')
      throw keyError('the username or password is not a string');
    username = user;
    password = new Secret(pass);
  } else {
    throw keyError(
      `expected a token or a username and password after the host, got ${credentials.length} items`,
    );
  }

  let host = hostAndPort;
  let port = defaultKeyPort(useRest, useSsl);
  const portMatch = /:(\d+)$/.exec(host);
  if (portMatch) {
    port = Number(portMatch[1]);
    if (port < 1 || port > 65_535) throw keyError(`port ${port} is not 1..65535`);
    host = host.slice(0, portMatch.index);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (compressed) host = expandCloudHost(host);
  if (host === '') throw keyError('the host is empty');
  return { host, port, useSsl, useRest, verifyHostname, caCert, token, username, password };
}

/** `name.N` → `name.farm000N.cloud.aperturedata.io`. */
function expandCloudHost(host: string): string {
  const match = /^([^.]+)\.(\d+)$/.exec(host);
  if (!match) throw keyError('the compressed cloud host is not "<name>.<farm number>"');
  return `${match[1]}.farm${(match[2] as string).padStart(FARM_DIGITS, '0')}${CLOUD_SUFFIX}`;
}

/**
 * `name.farmNNNN.cloud.aperturedata.io` → `name.N`, only where decoding gives the same host back (a
 * name without dots, a farm number written with at least 4 digits and no extra leading zeros).
 */
function compressCloudHost(host: string): string | undefined {
  if (!host.endsWith(CLOUD_SUFFIX)) return undefined;
  const match = /^([^.]+)\.farm(\d+)$/.exec(host.slice(0, -CLOUD_SUFFIX.length));
  if (!match) return undefined;
  const digits = match[2] as string;
  const farm = String(Number(digits));
  if (farm.padStart(FARM_DIGITS, '0') !== digits) return undefined;
  return `${match[1]}.${farm}`;
}

/**
 * Writes a version-2 APERTUREDB_KEY, byte for byte as the official SDK does for the same settings.
 * @throws ConfigError `CONN_APERTUREDB_KEY` for missing or conflicting credentials or a bad host or port.
 */
export function encodeApertureDBKey(input: ApertureDBKeyInput): string {
  const fail = (why: string): never => {
    throw new ConfigError(`cannot make an APERTUREDB_KEY: ${why}`, { code: 'CONN_APERTUREDB_KEY' });
  };
  const useSsl = input.useSsl ?? true;
  const useRest = input.useRest ?? false;
  const verifyHostname = input.verifyHostname ?? true;
  if (typeof input.host !== 'string' || input.host === '') fail('host must be a non-empty string');
  const port = input.port ?? defaultKeyPort(useRest, useSsl);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) fail('port must be an integer from 1 to 65535');
  const hasToken = input.token !== undefined;
  const hasPassword = input.username !== undefined || input.password !== undefined;
  if (hasToken === hasPassword) fail('give either a token or a username and password');
  if (hasPassword && (input.username === undefined || input.password === undefined))
    fail('give both username and password');

  const compressedHost = compressCloudHost(input.host);
  let host = compressedHost ?? input.host;
  // An IPv6 address gets brackets so that its last group is not read as the port.
  if (host.includes(':')) host = `[${host}]`;
  if (port !== defaultKeyPort(useRest, useSsl) || host.startsWith('[')) host = `${host}:${port}`;
  const keyType =
    (compressedHost === undefined ? 0 : FLAG_COMPRESSED_HOST) |
    (useRest ? FLAG_USE_REST : 0) |
    (useSsl ? FLAG_USE_SSL : 0) |
    (verifyHostname ? FLAG_VERIFY_HOSTNAME : 0);
  const head = [KEY_VERSION, keyType, host, input.caCert ?? null];
  let list: unknown[];
  if (hasToken) {
    const token = Secret.from(input.token as string | Secret).reveal();
    list = [...head, token.startsWith(TOKEN_PREFIX) ? token.slice(TOKEN_PREFIX.length) : token];
  } else {
    list = [...head, input.username, Secret.from(input.password as string | Secret).reveal()];
  }
  return Buffer.from(toPythonCompactJson(list), 'utf8').toString('base64');
}

/**
 * `JSON.stringify` as Python's `json.dumps(..., separators=(',', ':'))` writes it: same layout, but
 * non-ASCII characters escaped as `\uXXXX` (Python's default `ensure_ascii`), so keys match byte for byte.
 */
function toPythonCompactJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
