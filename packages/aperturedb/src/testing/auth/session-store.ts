/**
 * Server-side sessions of the in-memory ApertureDB (docs/protocols/aperturedb.md, section 2.1).
 *
 * - Sessions are global and keyed by token, never tied to a connection: clients share one session
 *   over many sockets and reuse it after a reconnect.
 * - `Authenticate` takes `{username, password}` or `{token}` with `username` absent, empty or set
 *   (then it must name the token's owner).
 * - `RefreshToken` rotates both tokens. The old refresh token AND the old session token stop
 *   working at once: the docs say both rotate, and the strict choice makes a client that keeps
 *   using a rotated session token see `Not Authenticated!` in tests instead of passing by luck.
 *   The new refresh token gets the full refresh TTL again (refreshing extends it).
 * - A token is valid while `now < issuedAt + ttl`; at the boundary it has expired.
 * - `forgetAll()` drops every session and refresh token, as a server restart does; users and their
 *   API tokens survive (they are persistent on a real server).
 * All replies are the plain per-command JSON objects from `responses.ts`.
 */
import { type Clock, systemClock } from './clock.js';
import {
  type CommandFailure,
  failure,
  type GeneratedToken,
  INVALID_SESSION,
  type PlainSuccess,
  type SessionGrant,
} from './responses.js';
import { mintToken } from './tokens.js';
import { UserRegistry, type UserSeed } from './user-registry.js';

/** Current server defaults, in seconds (docs/protocols/aperturedb.md, section 2.1). */
export const DEFAULT_SESSION_TTL_SECONDS = 36_000;
export const DEFAULT_REFRESH_TTL_SECONDS = 360_000;

export interface SessionStoreOptions {
  clock?: Clock;
  sessionTtlSeconds?: number;
  refreshTtlSeconds?: number;
  users?: readonly UserSeed[];
}

export type SessionCheck =
  | { valid: true; username: string }
  | { valid: false; reason: 'missing' | 'unknown' | 'expired' };

export interface AuthStats {
  authenticateCalls: number;
  authenticateFailures: number;
  refreshCalls: number;
  refreshFailures: number;
  /** `check` calls that answered "not valid". */
  rejectedChecks: number;
  /** Session tokens accepted by `check`, in order of first use, with how often each was used. */
  sessionUses: ReadonlyMap<string, number>;
}

interface Session {
  username: string;
  expiresAt: number;
}

interface RefreshGrant {
  username: string;
  expiresAt: number;
  sessionToken: string;
}

export class SessionStore {
  readonly users: UserRegistry = new UserRegistry();
  readonly #clock: Clock;
  #sessionTtlSeconds: number;
  #refreshTtlSeconds: number;
  readonly #sessions = new Map<string, Session>();
  readonly #refreshGrants = new Map<string, RefreshGrant>();
  readonly #sessionUses = new Map<string, number>();
  #authenticateCalls = 0;
  #authenticateFailures = 0;
  #refreshCalls = 0;
  #refreshFailures = 0;
  #rejectedChecks = 0;

  constructor(options: SessionStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#sessionTtlSeconds = options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
    this.#refreshTtlSeconds = options.refreshTtlSeconds ?? DEFAULT_REFRESH_TTL_SECONDS;
    for (const user of options.users ?? []) this.users.addUser(user);
  }

  /** Changes the TTLs of tokens issued from now on (tests shorten them to force a refresh). */
  setTtls(ttls: { sessionSeconds?: number; refreshSeconds?: number }): void {
    this.#sessionTtlSeconds = ttls.sessionSeconds ?? this.#sessionTtlSeconds;
    this.#refreshTtlSeconds = ttls.refreshSeconds ?? this.#refreshTtlSeconds;
  }

  /** The `Authenticate` command body → its per-command reply. */
  authenticate(command: Readonly<Record<string, unknown>>): SessionGrant | CommandFailure {
    this.#authenticateCalls++;
    const username = this.#resolveUser(command);
    if (typeof username !== 'string') {
      this.#authenticateFailures++;
      return username;
    }
    return this.#grant(username);
  }

  /** The `RefreshToken` command body → a rotated grant, or `Invalid Session`. */
  refresh(command: Readonly<Record<string, unknown>>): SessionGrant | typeof INVALID_SESSION {
    this.#refreshCalls++;
    const token = command['refresh_token'];
    const grant = typeof token === 'string' ? this.#refreshGrants.get(token) : undefined;
    if (typeof token !== 'string' || grant === undefined) {
      this.#refreshFailures++;
      return INVALID_SESSION;
    }
    this.#refreshGrants.delete(token);
    this.#sessions.delete(grant.sessionToken);
    if (this.#clock.now() >= grant.expiresAt) {
      this.#refreshFailures++;
      return INVALID_SESSION;
    }
    return this.#grant(grant.username);
  }

  /**
   * Whether a request's session token (protobuf field 3) is usable. When it is not, the caller
   * answers the whole request with `NOT_AUTHENTICATED`.
   */
  check(sessionToken: string | undefined): SessionCheck {
    if (sessionToken === undefined || sessionToken === '') return this.#reject('missing');
    const session = this.#sessions.get(sessionToken);
    if (session === undefined) return this.#reject('unknown');
    if (this.#clock.now() >= session.expiresAt) {
      this.#sessions.delete(sessionToken);
      return this.#reject('expired');
    }
    this.#sessionUses.set(sessionToken, (this.#sessionUses.get(sessionToken) ?? 0) + 1);
    return { valid: true, username: session.username };
  }

  /** Drops every session and refresh token, as a server restart does. */
  forgetAll(): void {
    this.#sessions.clear();
    this.#refreshGrants.clear();
  }

  /** The `GenerateToken` reply: a new API token, usable once `UpdateUser` attaches it. */
  generateToken(): GeneratedToken {
    return { status: 0, token: this.users.generateToken() };
  }

  /**
   * The `UpdateUser` command body (`username`, `add_tokens`, `remove_tokens`). All-or-nothing:
   * every added token is checked before any change is made.
   */
  updateUser(command: Readonly<Record<string, unknown>>): PlainSuccess | CommandFailure {
    const username = command['username'];
    if (typeof username !== 'string' || !this.users.hasUser(username)) return failure('User not found');
    const add = stringList(command['add_tokens']);
    const remove = stringList(command['remove_tokens']);
    if (add === undefined || remove === undefined) {
      return failure('add_tokens and remove_tokens must be lists of strings');
    }
    if (!add.every((token) => this.users.canAttach(username, token))) {
      return failure('Token cannot be added to this user');
    }
    for (const token of add) this.users.attach(username, token);
    for (const token of remove) this.users.detach(username, token);
    return { status: 0 };
  }

  stats(): AuthStats {
    return {
      authenticateCalls: this.#authenticateCalls,
      authenticateFailures: this.#authenticateFailures,
      refreshCalls: this.#refreshCalls,
      refreshFailures: this.#refreshFailures,
      rejectedChecks: this.#rejectedChecks,
      sessionUses: new Map(this.#sessionUses),
    };
  }

  /** The authenticated username, or the failure reply. Messages never echo the credentials. */
  #resolveUser(command: Readonly<Record<string, unknown>>): string | CommandFailure {
    const { username, password, token } = command;
    if (username !== undefined && typeof username !== 'string') return failure('username must be a string');
    if (password !== undefined && token !== undefined) {
      return failure('Authenticate takes either a password or a token, not both');
    }
    if (password !== undefined) {
      if (typeof password !== 'string' || username === undefined || username === '') {
        return failure('Authenticate with a password needs a username and a string password');
      }
      return this.users.passwordMatches(username, password) ? username : failure('Authentication failed');
    }
    if (token !== undefined) {
      if (typeof token !== 'string') return failure('token must be a string');
      const owner = this.users.ownerOf(token);
      if (owner === undefined) return failure('Authentication failed');
      // An absent or empty username is accepted; a set one must name the token's owner.
      if (username !== undefined && username !== '' && username !== owner) {
        return failure('Authentication failed');
      }
      return owner;
    }
    return failure('Authenticate needs a password or a token');
  }

  #grant(username: string): SessionGrant {
    const now = this.#clock.now();
    const sessionToken = mintToken('session');
    const refreshToken = mintToken('refresh');
    this.#sessions.set(sessionToken, { username, expiresAt: now + this.#sessionTtlSeconds * 1000 });
    this.#refreshGrants.set(refreshToken, {
      username,
      expiresAt: now + this.#refreshTtlSeconds * 1000,
      sessionToken,
    });
    return {
      status: 0,
      session_token: sessionToken,
      session_token_expires_in: this.#sessionTtlSeconds,
      refresh_token: refreshToken,
      refresh_token_expires_in: this.#refreshTtlSeconds,
    };
  }

  #reject(reason: 'missing' | 'unknown' | 'expired'): SessionCheck {
    this.#rejectedChecks++;
    return { valid: false, reason };
  }
}

/** An absent list is empty; anything but a list of strings is refused (undefined). */
function stringList(value: unknown): readonly string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return undefined;
  return value as string[];
}
