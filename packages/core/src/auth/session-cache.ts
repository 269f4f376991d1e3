import { type CallOptions, createDeadline, raceWithSignal } from '../abort.js';
import { ConfigError } from '../errors/index.js';

/** What an authentication call returns: the session value and, when known, when it expires. */
export interface IssuedSession<S> {
  readonly value: S;
  /** Expiry on the `Date.now()` scale; omit for sessions that never expire. */
  readonly expiresAt?: number | undefined;
}

/** Options of {@link SessionCache}. */
export interface SessionCacheOptions<S> {
  /** Obtains a new session (log in, exchange a refresh token ...). */
  authenticate: (signal: AbortSignal) => Promise<IssuedSession<S>>;
  /** Refresh this long before the expiry, so a request never leaves with an about-to-expire session. Default 30_000. */
  skewMs?: number;
  /** Clock, injectable for tests. Default `Date.now`. */
  now?: () => number;
}

/** Options of {@link SessionCache.withSession}. */
export interface WithSessionOptions extends CallOptions {
  /** True when the error means the session was rejected (expired, revoked): then re-authenticate once and retry. */
  isAuthFailure: (error: unknown) => boolean;
}

/**
 * Holds one session (token, session id ...) shared by many sockets or requests.
 *
 * - `get()` returns the cached session while it is valid for at least `skewMs` more.
 * - Concurrent callers needing a new session share one `authenticate` call (single flight).
 * - `invalidate(value)` drops the session only if it is still the current one, so a request that
 *   failed with an old session cannot throw away a fresh one.
 */
export class SessionCache<S> {
  readonly #authenticate: (signal: AbortSignal) => Promise<IssuedSession<S>>;
  readonly #skewMs: number;
  readonly #now: () => number;
  #current: IssuedSession<S> | undefined;
  #inFlight: Promise<IssuedSession<S>> | undefined;
  #controller: AbortController | undefined;
  #authCount = 0;

  constructor(options: SessionCacheOptions<S>) {
    if (typeof options.authenticate !== 'function') {
      throw new ConfigError('authenticate must be a function', { field: 'authenticate' });
    }
    const skewMs = options.skewMs ?? 30_000;
    if (!Number.isFinite(skewMs) || skewMs < 0)
      throw new ConfigError('skewMs must be >= 0', { field: 'skewMs' });
    this.#authenticate = options.authenticate;
    this.#skewMs = skewMs;
    this.#now = options.now ?? Date.now;
  }

  /** How many times `authenticate` has been called (for stats and tests). */
  get authenticationCount(): number {
    return this.#authCount;
  }

  /** The current session if it is still valid, without authenticating. */
  peek(): S | undefined {
    return this.#isFresh(this.#current) ? this.#current?.value : undefined;
  }

  /** Returns a valid session, authenticating (once, shared) when needed. */
  async get(options: CallOptions = {}): Promise<S> {
    const current = this.#current;
    if (current !== undefined && this.#isFresh(current)) return current.value;
    using deadline = createDeadline(options, { what: 'authentication' });
    const issued = await raceWithSignal(this.#refresh(), deadline.signal, 'authentication');
    return issued.value;
  }

  /** Forgets `value` if it is the current session (or the current session when `value` is omitted). */
  invalidate(...value: [] | [S]): void {
    if (this.#current === undefined) return;
    if (value.length === 0 || Object.is(this.#current.value, value[0])) this.#current = undefined;
  }

  /**
   * Runs `fn` with a session. When it fails with an auth failure, invalidates that session,
   * authenticates again and runs `fn` once more; a second failure is thrown.
   */
  async withSession<T>(fn: (session: S) => Promise<T>, options: WithSessionOptions): Promise<T> {
    const session = await this.get(options);
    try {
      return await fn(session);
    } catch (error) {
      if (!options.isAuthFailure(error)) throw error;
      this.invalidate(session);
      return fn(await this.get(options));
    }
  }

  /** Drops the session and cancels an authentication in progress. */
  clear(): void {
    this.#current = undefined;
    this.#controller?.abort();
  }

  #isFresh(session: IssuedSession<S> | undefined): boolean {
    if (session === undefined) return false;
    return session.expiresAt === undefined || this.#now() + this.#skewMs < session.expiresAt;
  }

  #refresh(): Promise<IssuedSession<S>> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    const controller = new AbortController();
    this.#controller = controller;
    this.#authCount++;
    const flight = this.#authenticate(controller.signal).then((issued) => {
      if (!controller.signal.aborted) this.#current = issued;
      return issued;
    });
    const settle = (): void => {
      if (this.#inFlight === flight) this.#inFlight = undefined;
      if (this.#controller === controller) this.#controller = undefined;
    };
    flight.then(settle, settle);
    this.#inFlight = flight;
    return flight;
  }
}
