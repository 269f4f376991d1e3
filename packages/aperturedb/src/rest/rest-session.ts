import { type CallOptions, type IssuedSession, type Secret, SessionCache, TimeoutError } from '@conn/core';
import { errorFromResponse } from '../errors.js';
import type { ResolvedApertureDBOptions } from '../options.js';
import { grantOf, type SessionGrant } from '../session/grant.js';
import type { SessionCounts } from '../session/session-manager.js';
import type { RestAnswer } from './response-body.js';

/** Sends one query of the session's own (Authenticate, RefreshToken) and returns the answer. */
export type SessionExchange = (
  json: string,
  token: Secret | undefined,
  signal: AbortSignal,
) => Promise<RestAnswer>;

/**
 * The REST client's one session, with the TCP client's rules (docs/protocols/aperturedb.md,
 * authentication): used as is while it has more than `refreshSkewMs` to live; then one exchange
 * (single flight, core's `SessionCache`) refreshes it with the refresh token, or authenticates
 * again when that is gone or refused; a token the server no longer knows is dropped with its
 * refresh token. The SDK sends Authenticate and RefreshToken without the Bearer header; so do we,
 * the refresh token travelling in the JSON. Each exchange gets `connectTimeoutMs`, so a silent
 * server cannot hold the shared flight forever.
 */
export class RestSessionManager {
  readonly #options: ResolvedApertureDBOptions;
  readonly #exchange: SessionExchange;
  readonly #secrets: readonly (Secret | undefined)[];
  readonly #cache: SessionCache<SessionGrant>;
  readonly #now: () => number;
  #last: SessionGrant | undefined;
  #authenticate = 0;
  #refresh = 0;

  constructor(
    options: ResolvedApertureDBOptions,
    exchange: SessionExchange,
    secrets: readonly (Secret | undefined)[],
    now: () => number = Date.now,
  ) {
    this.#options = options;
    this.#exchange = exchange;
    this.#secrets = secrets;
    this.#now = now;
    this.#cache = new SessionCache<SessionGrant>({
      authenticate: (signal) => this.#obtain(signal),
      skewMs: options.session.refreshSkewMs,
      now,
    });
  }

  /** True when the client sends no credentials: no session at all. */
  get disabled(): boolean {
    return this.#options.auth.kind === 'none';
  }

  get counts(): SessionCounts {
    return { authenticate: this.#authenticate, refresh: this.#refresh };
  }

  /** The session token for the next request; `undefined` without credentials. */
  async token(options: CallOptions): Promise<Secret | undefined> {
    if (this.disabled) return undefined;
    return (await this.#cache.get(options)).sessionToken;
  }

  /** The server refused `token` as unknown: forget it and its refresh token. */
  rejected(token: Secret | undefined): void {
    const last = this.#last;
    if (last === undefined || last.sessionToken !== token) return;
    this.#cache.invalidate(last);
    this.#last = undefined;
  }

  /** Forgets the session; an exchange under way is abandoned. */
  clear(): void {
    this.#cache.clear();
    this.#last = undefined;
  }

  /** One exchange of the shared flight, ended by `connectTimeoutMs` or the cache's `clear()`. */
  async #obtain(signal: AbortSignal): Promise<IssuedSession<SessionGrant>> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const limitMs = this.#options.connectTimeoutMs;
    const timer = setTimeout(() => {
      controller.abort(
        new TimeoutError(`ApertureDB REST: no session within ${limitMs} ms (connectTimeoutMs)`, {
          code: 'CONN_CONNECT_TIMEOUT',
          details: { connectTimeoutMs: limitMs },
        }),
      );
    }, limitMs);
    try {
      return await this.#exchangeFor(controller.signal);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  async #exchangeFor(bounded: AbortSignal): Promise<IssuedSession<SessionGrant>> {
    const last = this.#last;
    if (
      last?.refreshToken !== undefined &&
      last.refreshExpiresAt !== undefined &&
      this.#now() < last.refreshExpiresAt
    ) {
      const refreshed = await this.#refreshWith(last, bounded);
      if (refreshed !== undefined) return this.#keep(refreshed);
    }
    return this.#keep(await this.#authenticateWith(bounded));
  }

  #keep(grant: SessionGrant): IssuedSession<SessionGrant> {
    this.#last = grant;
    return { value: grant, expiresAt: grant.sessionExpiresAt };
  }

  async #refreshWith(last: SessionGrant, signal: AbortSignal): Promise<SessionGrant | undefined> {
    this.#refresh += 1;
    const commands = [{ RefreshToken: { refresh_token: (last.refreshToken as Secret).reveal() } }];
    const { response } = await this.#exchange(JSON.stringify(commands), undefined, signal);
    const failure = errorFromResponse(response, commands, {
      secrets: [...this.#secrets, last.refreshToken, last.sessionToken],
    });
    if (failure !== undefined) {
      if (failure.code === 'CONN_APERTUREDB_SESSION_INVALID') return undefined;
      throw failure;
    }
    return grantOf(commandResult(response, 'RefreshToken'), this.#now());
  }

  async #authenticateWith(signal: AbortSignal): Promise<SessionGrant> {
    this.#authenticate += 1;
    const { auth } = this.#options;
    const params =
      auth.kind === 'password'
        ? { username: auth.user, password: auth.password.reveal() }
        : auth.kind === 'token'
          ? { ...(auth.user === undefined ? {} : { username: auth.user }), token: auth.token.reveal() }
          : {};
    const commands = [{ Authenticate: params }];
    const { response } = await this.#exchange(JSON.stringify(commands), undefined, signal);
    const failure = errorFromResponse(response, commands, { secrets: this.#secrets });
    if (failure !== undefined) throw failure;
    return grantOf(commandResult(response, 'Authenticate'), this.#now());
  }
}

/** The result object of the lone command `name` (errorFromResponse already checked the shape). */
function commandResult(response: unknown, name: string): Readonly<Record<string, unknown>> {
  const entry = (response as readonly Record<string, Record<string, unknown>>[])[0];
  return (entry?.[name] ?? {}) as Record<string, unknown>;
}
