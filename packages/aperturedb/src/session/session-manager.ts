import { type IssuedSession, type Secret, SessionCache } from '@conn/core';
import type { ApertureDBConnection } from '../connection.js';
import { errorFromResponse } from '../errors.js';
import { exchange } from '../exchange.js';
import type { ResolvedApertureDBOptions } from '../options.js';
import { grantOf, type SessionGrant } from './grant.js';

/** How many Authenticate and RefreshToken exchanges a client made (for stats and tests). */
export interface SessionCounts {
  readonly authenticate: number;
  readonly refresh: number;
}

/**
 * The one session every pooled connection of a client shares (tokens are not bound to a socket,
 * docs/protocols/aperturedb.md, authentication). Built on core's `SessionCache`: while the session
 * token has more than `refreshSkewMs` to live it is used as is; otherwise one exchange (single
 * flight, whoever needs it first sends it on the connection it holds) refreshes it with the
 * refresh token, or authenticates again when that is gone or refused. A token the server no longer
 * knows ("Not Authenticated!", e.g. after a restart) is dropped with its refresh token, so the next
 * request authenticates afresh: once, never in a loop.
 */
export class SessionManager {
  readonly #options: ResolvedApertureDBOptions;
  readonly #secrets: readonly (Secret | undefined)[];
  readonly #cache: SessionCache<SessionGrant>;
  readonly #now: () => number;
  /** The connection the next authentication goes out on (set just before the cache asks). */
  #via: ApertureDBConnection | undefined;
  /** The last grant, kept past its session's expiry for its refresh token. */
  #last: SessionGrant | undefined;
  #authenticate = 0;
  #refresh = 0;

  constructor(options: ResolvedApertureDBOptions, now: () => number = () => Date.now()) {
    this.#options = options;
    this.#now = now;
    const { auth } = options;
    this.#secrets = [
      auth.kind === 'password' ? auth.password : undefined,
      auth.kind === 'token' ? auth.token : undefined,
    ];
    this.#cache = new SessionCache<SessionGrant>({
      authenticate: (signal) => this.#obtain(signal),
      skewMs: options.session.refreshSkewMs,
      now,
    });
  }

  /** True when the client sends no credentials (an auth-disabled server): no session at all. */
  get disabled(): boolean {
    return this.#options.auth.kind === 'none';
  }

  get counts(): SessionCounts {
    return { authenticate: this.#authenticate, refresh: this.#refresh };
  }

  /**
   * The session token when it can be had without an exchange: the fresh one, `undefined` without
   * credentials, or `null` when {@link token} must authenticate or refresh first.
   */
  tokenNow(): Secret | undefined | null {
    if (this.disabled) return undefined;
    return this.#cache.peek()?.sessionToken ?? null;
  }

  /**
   * The session token for a request about to go out on `connection` (which the caller holds);
   * `undefined` without credentials. Authenticates or refreshes first when needed, bounded by the
   * signal `signalOf` gives.
   */
  async token(
    connection: ApertureDBConnection,
    signalOf: () => AbortSignal | undefined,
  ): Promise<Secret | undefined> {
    if (this.disabled) return undefined;
    const fresh = this.#cache.peek();
    if (fresh !== undefined) return fresh.sessionToken;
    // The cache starts its single flight synchronously inside get(): it goes out on this connection.
    this.#via = connection;
    // The call's signal is made only now: most calls find a fresh session and never need one.
    const grant = await this.#cache.get({ signal: signalOf() });
    return grant.sessionToken;
  }

  /** The server refused `token` as unknown: forget it and its refresh token (a restart loses both). */
  rejected(token: Secret | undefined): void {
    const last = this.#last;
    if (last === undefined || last.sessionToken !== token) return;
    this.#cache.invalidate(last);
    this.#last = undefined;
  }

  /** Forgets the session; an authentication under way is abandoned. */
  clear(): void {
    this.#cache.clear();
    this.#last = undefined;
  }

  async #obtain(signal: AbortSignal): Promise<IssuedSession<SessionGrant>> {
    const connection = this.#via as ApertureDBConnection;
    this.#via = undefined;
    const last = this.#last;
    const now = this.#now();
    if (
      last?.refreshToken !== undefined &&
      last.refreshExpiresAt !== undefined &&
      now < last.refreshExpiresAt
    ) {
      const refreshed = await this.#refreshWith(connection, last, signal);
      if (refreshed !== undefined) return this.#keep(refreshed);
    }
    return this.#keep(await this.#authenticateWith(connection, signal));
  }

  #keep(grant: SessionGrant): IssuedSession<SessionGrant> {
    this.#last = grant;
    return { value: grant, expiresAt: grant.sessionExpiresAt };
  }

  /** RefreshToken with the about-to-expire session token in the message, as the SDK sends it; `undefined` when refused. */
  async #refreshWith(
    connection: ApertureDBConnection,
    last: SessionGrant,
    signal: AbortSignal,
  ): Promise<SessionGrant | undefined> {
    this.#refresh += 1;
    const commands = [{ RefreshToken: { refresh_token: (last.refreshToken as Secret).reveal() } }];
    const { response } = await exchange(connection, JSON.stringify(commands), [], last.sessionToken, {
      signal,
    });
    const failure = errorFromResponse(response, commands, { secrets: [...this.#secrets, last.refreshToken] });
    if (failure !== undefined) {
      // A refused refresh is answered by authenticating again; anything else (a broken answer) fails.
      if (failure.code === 'CONN_APERTUREDB_SESSION_INVALID') return undefined;
      throw failure;
    }
    return grantOf(resultOf(response, 'RefreshToken'), this.#now());
  }

  async #authenticateWith(connection: ApertureDBConnection, signal: AbortSignal): Promise<SessionGrant> {
    this.#authenticate += 1;
    const { auth } = this.#options;
    const params =
      auth.kind === 'password'
        ? { username: auth.user, password: auth.password.reveal() }
        : auth.kind === 'token'
          ? { ...(auth.user === undefined ? {} : { username: auth.user }), token: auth.token.reveal() }
          : {};
    const commands = [{ Authenticate: params }];
    const { response } = await exchange(connection, JSON.stringify(commands), [], undefined, { signal });
    const failure = errorFromResponse(response, commands, { secrets: this.#secrets });
    if (failure !== undefined) throw failure;
    return grantOf(resultOf(response, 'Authenticate'), this.#now());
  }
}

function resultOf(response: unknown, name: string): Readonly<Record<string, unknown>> {
  const entry = (response as readonly Record<string, Record<string, unknown>>[])[0] as Record<
    string,
    Record<string, unknown>
  >;
  return entry[name] as Record<string, unknown>;
}
