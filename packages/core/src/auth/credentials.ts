import { ConfigError } from '../errors/index.js';
import { Secret } from './secret.js';

/** A user name and password. */
export interface PasswordCredentials {
  readonly kind: 'password';
  readonly username: string;
  readonly password: Secret;
}

/** A bearer token or API key. */
export interface TokenCredentials {
  readonly kind: 'token';
  readonly token: Secret;
}

/** Every credential shape a driver accepts. */
export type Credentials = PasswordCredentials | TokenCredentials;

/** Builds {@link PasswordCredentials}; the password is wrapped in a `Secret` and hidden from enumeration. */
export function passwordCredentials(username: string, password: string | Secret): PasswordCredentials {
  if (typeof username !== 'string' || username.length === 0) {
    throw new ConfigError('username must be a non-empty string', { field: 'username' });
  }
  return hideSecret({ kind: 'password', username }, 'password', Secret.from(password)) as PasswordCredentials;
}

/** Builds {@link TokenCredentials}; the token is wrapped in a `Secret` and hidden from enumeration. */
export function tokenCredentials(token: string | Secret): TokenCredentials {
  const secret = Secret.from(token);
  if (secret.isEmpty) throw new ConfigError('token must not be empty', { field: 'token' });
  return hideSecret({ kind: 'token' }, 'token', secret) as TokenCredentials;
}

/** Defines `key` as a non-enumerable property, so spreading or logging the object never copies it. */
function hideSecret<T extends object>(target: T, key: string, secret: Secret): T {
  Object.defineProperty(target, key, { value: secret, enumerable: false });
  return Object.freeze(target);
}
