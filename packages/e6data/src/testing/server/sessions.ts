/**
 * Users and sessions of the test server. A session lives until `close()`, `expireSessions()`, an
 * `expire-session` fault, or `sessionTtlMs` after its last use (sliding, like an idle timeout).
 * @internal
 */
import { randomUUID } from 'node:crypto';
import { GrpcFailure, GrpcStatus } from './grpc-status.js';

/** One account: the e6data e-mail and its console access token. */
export interface E6DataTestUser {
  readonly user: string;
  readonly token: string;
}

/** The default account, used in `server.url`. */
export const DEFAULT_E6DATA_TEST_USERS: readonly E6DataTestUser[] = [
  { user: 'test@example.com', token: 'test-token' },
];

interface Session {
  readonly user: string;
  lastUsed: number;
}

/** The text the client matches to re-authenticate (docs/protocols/e6data.md, session expiry). */
export function accessDenied(why: string): GrpcFailure {
  return new GrpcFailure(GrpcStatus.INTERNAL, `Access denied: ${why}`);
}

export class Sessions {
  readonly #users: readonly E6DataTestUser[];
  readonly #ttlMs: number;
  readonly #sessions = new Map<string, Session>();

  readonly #now: () => number;

  /** `now` is the clock of the TTL (milliseconds); tests pass their own to expire without waiting. */
  constructor(users: readonly E6DataTestUser[], ttlMs: number | undefined, now: () => number = Date.now) {
    this.#users = users;
    this.#ttlMs = ttlMs ?? Number.POSITIVE_INFINITY;
    this.#now = now;
  }

  /** @throws GrpcFailure INTERNAL `Access denied: invalid credentials`. */
  checkCredentials(user: string, password: string): void {
    if (!this.#users.some((u) => u.user === user && u.token === password)) {
      throw accessDenied('invalid credentials');
    }
  }

  /** A new session for a checked user. */
  open(user: string): string {
    const id = randomUUID();
    this.#sessions.set(id, { user, lastUsed: this.#now() });
    return id;
  }

  /** @throws GrpcFailure INTERNAL `Access denied: session expired or unknown`. */
  use(id: string): void {
    const session = this.#sessions.get(id);
    const now = this.#now();
    if (session === undefined || now - session.lastUsed > this.#ttlMs) {
      this.#sessions.delete(id);
      throw accessDenied('session expired or unknown');
    }
    session.lastUsed = now;
  }

  forget(id: string): void {
    this.#sessions.delete(id);
  }

  forgetAll(): void {
    this.#sessions.clear();
  }

  get size(): number {
    return this.#sessions.size;
  }
}
