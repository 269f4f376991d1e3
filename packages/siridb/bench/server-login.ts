import type { BareLogin } from './bare-client.js';

/**
 * The login in a `siridb://user:password@host:port/dbname` URL, for the contenders that take
 * host, port and credentials apart (the bare socket and the Python connector). One host only.
 */
export function loginFromUrl(url: string): BareLogin {
  const parsed = new URL(url);
  if (parsed.protocol !== 'siridb:') throw new Error('the benchmark needs a siridb:// URL');
  const dbname = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (parsed.hostname === '' || dbname === '')
    throw new Error('the benchmark URL needs a host and a database');
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? 9000 : Number(parsed.port),
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    dbname,
  };
}

/** `user@host:port/dbname`, without the password, for headings. */
export function describeLogin(login: BareLogin): string {
  return `${login.username}@${login.host}:${login.port}/${login.dbname}`;
}

/** `describeLogin` of a URL, or a placeholder when it cannot be read (it may hold a password). */
export function describeUrl(url: string): string {
  try {
    return describeLogin(loginFromUrl(url));
  } catch {
    return 'an unreadable URL';
  }
}
