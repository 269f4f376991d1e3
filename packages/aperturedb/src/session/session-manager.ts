import { type IssuedSession, type Secret, SessionCache, TimeoutError } from '@conn/core';
import { errorFromResponse } from '../errors.js';
import type { ResolvedApertureDBOptions } from '../options.js';
import { grantOf, type SessionGrant } from './grant.js';

/** How many Authenticate and RefreshToken exchanges a client made (for stats and tests). */
export interface SessionCounts {
  readonly authenticate: number;
  readonly refresh: number;
}

/** Sends one of the session's own queries (Authenticate, RefreshToken) and returns the parsed response. */
export type SessionSend = (
  json: string,
  token: Secret | undefined,
  signal: AbortSignal,
) => Promise<{ readonly response: unknown }>;

/** Options of {@link SessionManager}. */
export interface SessionManagerOptions {
  /**
   * Send the about-to-expire session token with RefreshToken, as the SDK's TCP `Connector` does;
   * its REST connector sends none. Default false.
   */
  readonly refreshWithSessionToken?: boolean | undefined;
  /** Clock, injectable for tests. Default `Date.now()` (read at each use, so fake timers apply). */
  readonly now?: (() => number) | undefined;
}

/**
 * The one session a client shares across all its requests (tokens are not bound to a socket,
 * docs/protocols/aperturedb.md, authentication), for the TCP and the REST client alike. Built on
 * core's `SessionCache`: while the session token has more than `refreshSkewMs` to live it is used
 * as is; otherwise one exchange (single flight, sent with the `send` of whoever needs it first)
 * refreshes it with the refresh token, or authenticates again when that is gone or refused. Each
 * exchange is bounded by `connectTimeoutMs`, so a silent server cannot hold the shared flight. A
 * token the server no longer knows ("Not Authenticated!", e.g. after a restart) is dropped with
 * its refresh token, so the next request authenticates afresh: once, never in a loop.
 */
export class SessionManager {
  readonly #options: ResolvedApertureDBOptions;
  readonly #secrets: readonly (Secret | undefined)[];
  readonly #refreshWithSessionToken: boolean;
  readonly #cache: SessionCache<SessionGrant>;
  readonly #now: () => number;
  /** How the next authentication goes out (set just before the cache asks). */
  #send: SessionSend | undefined;
  /** The last grant, kept past its session's expiry for its refresh token. */
  #last: SessionGrant | undefined;
  #authenticate = 0;
  #refresh = 0;

  constructor(
    options: ResolvedApertureDBOptions,
    { refreshWithSessionToken = false, now }: SessionManagerOptions = {},
  ) {
    this.#options = options;
    this.#refreshWithSessionToken = refreshWithSessionToken;
    this.#now = now ?? (() => Date.now());
    const { auth } = options;
    this.#secrets = [
      auth.kind === 'password' ? auth.password : undefined,
      auth.kind === 'token' ? auth.token : undefined,
    ];
    this.#cache = new SessionCache<SessionGrant>({
      authenticate: (signal) => this.#obtain(signal),
      skewMs: options.session.refreshSkewMs,
      now: this.#now,
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
   * The session token for the next request; `undefined` without credentials. Authenticates or
   * refreshes first when needed, through `send` (the TCP client's: on the connection the caller
   * holds), bounded by the signal `signalOf` gives.
   */
  async token(send: SessionSend, signalOf: () => AbortSignal | undefined): Promise<Secret | undefined> {
    if (this.disabled) return undefined;
    const fresh = this.#cache.peek();
    if (fresh !== undefined) return fresh.sessionToken;
    // The cache starts its single flight synchronously inside get(): it goes out through this send.
    this.#send = send;
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

  /** One exchange of the shared flight, ended by `connectTimeoutMs` or the cache's `clear()`. */
  async #obtain(signal: AbortSignal): Promise<IssuedSession<SessionGrant>> {
    const send = this.#send as SessionSend;
    this.#send = undefined;
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const limitMs = this.#options.connectTimeoutMs;
    const timer = setTimeout(() => {
      controller.abort(
        new TimeoutError(`ApertureDB: no session within ${limitMs} ms (connectTimeoutMs)`, {
          code: 'CONN_CONNECT_TIMEOUT',
          details: { connectTimeoutMs: limitMs },
        }),
      );
    }, limitMs);
    try {
      const last = this.#last;
      if (
        last?.refreshToken !== undefined &&
        last.refreshExpiresAt !== undefined &&
        this.#now() < last.refreshExpiresAt
      ) {
        const refreshed = await this.#refreshWith(send, last, controller.signal);
        if (refreshed !== undefined) return this.#keep(refreshed);
      }
      return this.#keep(await this.#authenticateWith(send, controller.signal));
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  #keep(grant: SessionGrant): IssuedSession<SessionGrant> {
    this.#last = grant;
    return { value: grant, expiresAt: grant.sessionExpiresAt };
  }

  /** RefreshToken; `undefined` when refused (the caller then authenticates again). */
  async #refreshWith(
    send: SessionSend,
    last: SessionGrant,
    signal: AbortSignal,
  ): Promise<SessionGrant | undefined> {
    this.#refresh += 1;
    const commands = [{ RefreshToken: { refresh_token: (last.refreshToken as Secret).reveal() } }];
    const token = this.#refreshWithSessionToken ? last.sessionToken : undefined;
    const { response } = await send(JSON.stringify(commands), token, signal);
    const failure = errorFromResponse(response, commands, {
      secrets: [...this.#secrets, last.refreshToken, last.sessionToken],
    });
    if (failure !== undefined) {
      // A refused refresh is answered by authenticating again; anything else (a broken answer) fails.
      if (failure.code === 'CONN_APERTUREDB_SESSION_INVALID') return undefined;
      throw failure;
    }
    return grantOf(resultOf(response, 'RefreshToken'), this.#now());
  }

  async #authenticateWith(send: SessionSend, signal: AbortSignal): Promise<SessionGrant> {
    this.#authenticate += 1;
    const { auth } = this.#options;
    const params =
      auth.kind === 'password'
        ? { username: auth.user, password: auth.password.reveal() }
        : auth.kind === 'token'
          ? { ...(auth.user === undefined ? {} : { username: auth.user }), token: auth.token.reveal() }
          : {};
    const commands = [{ Authenticate: params }];
    const { response } = await send(JSON.stringify(commands), undefined, signal);
    const failure = errorFromResponse(response, commands, { secrets: this.#secrets });
    if (failure !== undefined) throw failure;
    return grantOf(resultOf(response, 'Authenticate'), this.#now());
  }
}

/** The result object of the lone command `name` (errorFromResponse already checked the shape). */
function resultOf(response: unknown, name: string): Readonly<Record<string, unknown>> {
  const entry = (response as readonly Record<string, Record<string, unknown>>[])[0];
  return (entry?.[name] ?? {}) as Record<string, unknown>;
}
