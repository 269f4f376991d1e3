import { ConfigError } from '../errors/index.js';

const REDACTED = '[redacted]';

/**
 * A password, key or token. Its value never shows in `String()`, template strings, JSON,
 * `util.inspect` or `console.log`; only {@link Secret.reveal} returns it, at the one place that
 * writes it to the wire.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    if (typeof value !== 'string') throw new ConfigError('a secret must be a string', { field: 'secret' });
    this.#value = value;
    Object.freeze(this);
  }

  /** Accepts a plain string or an existing `Secret`. */
  static from(value: string | Secret): Secret {
    return value instanceof Secret ? value : new Secret(value);
  }

  /** The secret value. Call it only where the value goes onto the wire. */
  reveal(): string {
    return this.#value;
  }

  /** True when the secret is the empty string. */
  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}

// util.inspect and console.log use this hook; defined here because isolatedDeclarations rejects
// computed method names in the class body.
Object.defineProperty(Secret.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value: () => `Secret(${REDACTED})`,
});

/** Replaces every occurrence of the secrets' values in `text` by `[redacted]` (for server messages that echo input). */
export function redactSecrets(text: string, secrets: readonly (Secret | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    const value = secret?.reveal();
    if (value) result = result.split(value).join(REDACTED);
  }
  return result;
}
