/** Marks every error made by any installed copy of `@conn/core` (duplicate installs included). */
const BRAND: unique symbol = Symbol.for('@conn/error') as never;

/**
 * Stable error codes. Core's own codes are listed; drivers add codes of the form
 * `CONN_<DB>_<WHAT>` (for example `CONN_SIRIDB_INSERT`).
 */
export type ConnErrorCode =
  | 'CONN_ERROR'
  | 'CONN_CONNECTION_FAILED'
  | 'CONN_CONNECTION_CLOSED'
  | 'CONN_CLIENT_CLOSED'
  | 'CONN_TLS_FAILED'
  | 'CONN_TIMEOUT'
  | 'CONN_CONNECT_TIMEOUT'
  | 'CONN_REQUEST_TIMEOUT'
  | 'CONN_ABORTED'
  | 'CONN_AUTH_FAILED'
  | 'CONN_ACCESS_DENIED'
  | 'CONN_POOL_CLOSED'
  | 'CONN_POOL_TIMEOUT'
  | 'CONN_POOL_DOUBLE_RELEASE'
  | 'CONN_PROTOCOL'
  | 'CONN_FRAME_TOO_LARGE'
  | 'CONN_QUERY'
  | 'CONN_SERVER'
  | 'CONN_CONFIG'
  | `CONN_${string}`;

/** Values safe to show in logs: never a secret. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | bigint | null | undefined>>;

/** Options shared by every `ConnError` constructor. */
export interface ConnErrorOptions {
  /** Overrides the class's default code. */
  code?: ConnErrorCode;
  /** The underlying error or abort reason. */
  cause?: unknown;
  /** Whether the same operation may succeed if tried again. Defaults per class. */
  retryable?: boolean;
  /** Safe, structured context (host, port, request id, ...). Never secrets. */
  details?: ErrorDetails;
}

/**
 * Base class of every error raised by `@conn` packages.
 *
 * Check errors with {@link isConnError} or `err.code` rather than `instanceof` when two copies of
 * `@conn/core` may be installed; `instanceof` also works across copies thanks to a shared brand.
 */
export class ConnError extends Error {
  /** A stable, documented string code, for example `CONN_POOL_TIMEOUT`. */
  readonly code: ConnErrorCode;
  /** Whether retrying the same operation may succeed. */
  readonly retryable: boolean;
  /** Safe structured context; never contains secrets. */
  readonly details: ErrorDetails;

  constructor(message: string, options: ConnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const defaults = new.target.prototype as ConnError;
    this.code = options.code ?? defaults.defaultCode;
    this.retryable = options.retryable ?? defaults.defaultRetryable;
    this.details = Object.freeze({ ...options.details });
    Object.defineProperty(this, BRAND, { value: kindsOf(new.target), enumerable: false });
  }

  /** Class default for `code` (set on each prototype). */
  declare readonly defaultCode: ConnErrorCode;
  /** Class default for `retryable` (set on each prototype). */
  declare readonly defaultRetryable: boolean;

  /** `instanceof` that also recognises errors made by another installed copy of core. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const kinds = brandOf(value);
    return kinds?.includes((this.prototype as Error).name) === true;
  }

  /** A JSON form for logs: name, code, message, retryable, details and the cause's summary. */
  toJSON(): Record<string, unknown> {
    const cause = this.cause;
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      details: this.details,
      ...(cause === undefined ? {} : { cause: summarizeCause(cause) }),
    };
  }
}

/** True for any error made by any installed copy of `@conn/core`. */
export function isConnError(value: unknown): value is ConnError {
  return brandOf(value) !== undefined;
}

/**
 * Sets a class's `name`, default code and default retryability on its prototype, so subclasses
 * need no constructor boilerplate and cross-copy `instanceof` can match by name. Drivers call it
 * once after declaring each error class.
 * @example
 * export class InsertError extends QueryError {}
 * defineErrorClass(InsertError, 'InsertError', 'CONN_SIRIDB_INSERT', false);
 */
export function defineErrorClass(
  errorClass: abstract new (...args: never[]) => ConnError,
  name: string,
  defaultCode: ConnErrorCode,
  defaultRetryable: boolean,
): void {
  for (const [key, value] of [
    ['name', name],
    ['defaultCode', defaultCode],
    ['defaultRetryable', defaultRetryable],
  ] as const) {
    Object.defineProperty(errorClass.prototype, key, { value, writable: true, configurable: true });
  }
}

function brandOf(value: unknown): readonly string[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const kinds = (value as Record<symbol, unknown>)[BRAND];
  return Array.isArray(kinds) ? kinds : undefined;
}

function kindsOf(errorClass: abstract new (...args: never[]) => unknown): readonly string[] {
  const kinds: string[] = [];
  for (
    let proto = errorClass.prototype;
    proto && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    if (Object.hasOwn(proto, 'name')) kinds.push((proto as Error).name);
  }
  return Object.freeze(kinds);
}

function summarizeCause(cause: unknown): unknown {
  if (isConnError(cause)) return cause.toJSON();
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return { name: cause.name, message: cause.message, ...(code === undefined ? {} : { code }) };
  }
  if (typeof cause === 'string') return cause;
  if (typeof cause === 'object' && cause !== null) {
    // An error-like object (e.g. one copied by a test runner) keeps its name and message.
    const { name, message } = cause as { name?: unknown; message?: unknown };
    if (typeof message === 'string') return { name: typeof name === 'string' ? name : 'Error', message };
  }
  try {
    return String(cause);
  } catch {
    // Objects without a prototype cannot be turned into text; toJSON must never throw.
    return Object.prototype.toString.call(cause);
  }
}

defineErrorClass(ConnError, 'ConnError', 'CONN_ERROR', false);
