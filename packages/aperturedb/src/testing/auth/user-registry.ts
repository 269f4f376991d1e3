/**
 * Users of the in-memory server and the API tokens (`adbp_…`) attached to them. A token minted by
 * `GenerateToken` belongs to nobody until `UpdateUser` adds it to a user; only attached tokens
 * authenticate (docs/protocols/aperturedb.md, section 2.1).
 */
import { mintToken } from './tokens.js';

/** A user and, optionally, API tokens attached from the start (tests seed known tokens this way). */
export interface UserSeed {
  username: string;
  password: string;
  tokens?: readonly string[];
}

export class UserRegistry {
  readonly #passwords = new Map<string, string>();
  /** Attached API token → owning username. */
  readonly #tokenOwners = new Map<string, string>();
  /** Tokens minted by `GenerateToken` and not attached yet. */
  readonly #unattached = new Set<string>();

  addUser(seed: UserSeed): void {
    this.#passwords.set(seed.username, seed.password);
    for (const token of seed.tokens ?? []) this.#tokenOwners.set(token, seed.username);
  }

  hasUser(username: string): boolean {
    return this.#passwords.has(username);
  }

  passwordMatches(username: string, password: string): boolean {
    return this.#passwords.has(username) && this.#passwords.get(username) === password;
  }

  /** The user an attached API token belongs to, or undefined. */
  ownerOf(token: string): string | undefined {
    return this.#tokenOwners.get(token);
  }

  generateToken(): string {
    const token = mintToken('api');
    this.#unattached.add(token);
    return token;
  }

  /**
   * Whether a token may be attached to a user: it must have been minted by `generateToken` and
   * still be unattached, or already belong to the same user (attaching again is a no-op).
   */
  canAttach(username: string, token: string): boolean {
    const owner = this.#tokenOwners.get(token);
    return owner === username || (owner === undefined && this.#unattached.has(token));
  }

  /** Attaches a token that `canAttach` accepted. */
  attach(username: string, token: string): void {
    this.#unattached.delete(token);
    this.#tokenOwners.set(token, username);
  }

  /** Detaches a token if this user holds it; removing a token the user lacks is a no-op. */
  detach(username: string, token: string): void {
    if (this.#tokenOwners.get(token) === username) this.#tokenOwners.delete(token);
  }

  tokensOf(username: string): string[] {
    return [...this.#tokenOwners].filter(([, owner]) => owner === username).map(([token]) => token);
  }
}
