import { ConnError, type ConnErrorOptions, defineErrorClass } from './conn-error.js';

/** The network failed: refused, reset, DNS, TLS, or the connection closed under a request. Retryable by default. */
export class ConnectionError extends ConnError {}
defineErrorClass(ConnectionError, 'ConnectionError', 'CONN_CONNECTION_FAILED', true);

/** A deadline passed (connect, request, acquire). Not retryable by default: the work may have happened. */
export class TimeoutError extends ConnError {}
defineErrorClass(TimeoutError, 'TimeoutError', 'CONN_TIMEOUT', false);

/** The caller's `AbortSignal` fired; `cause` is the signal's reason. */
export class AbortError extends ConnError {}
defineErrorClass(AbortError, 'AbortError', 'CONN_ABORTED', false);

/** The server refused the credentials. */
export class AuthenticationError extends ConnError {}
defineErrorClass(AuthenticationError, 'AuthenticationError', 'CONN_AUTH_FAILED', false);

/** Authenticated, but not allowed to do this. */
export class AuthorizationError extends ConnError {}
defineErrorClass(AuthorizationError, 'AuthorizationError', 'CONN_ACCESS_DENIED', false);

/** Base of the pool's own failures. */
export class PoolError extends ConnError {}
defineErrorClass(PoolError, 'PoolError', 'CONN_POOL_CLOSED', false);

/** The pool is closed (or closing) and takes no new acquires. */
export class PoolClosedError extends PoolError {}
defineErrorClass(PoolClosedError, 'PoolClosedError', 'CONN_POOL_CLOSED', false);

/** No resource became available before the acquire deadline. Nothing was sent, so it is retryable. */
export class PoolTimeoutError extends PoolError {}
defineErrorClass(PoolTimeoutError, 'PoolTimeoutError', 'CONN_POOL_TIMEOUT', true);

/** A lease was released or destroyed twice: a bug in the calling code. */
export class PoolDoubleReleaseError extends PoolError {}
defineErrorClass(PoolDoubleReleaseError, 'PoolDoubleReleaseError', 'CONN_POOL_DOUBLE_RELEASE', false);

/** The peer sent bytes that break the protocol (bad frame, bad check byte, oversized frame). */
export class ProtocolError extends ConnError {}
defineErrorClass(ProtocolError, 'ProtocolError', 'CONN_PROTOCOL', false);

/** The request itself is wrong (syntax, unknown series, invalid values). */
export class QueryError extends ConnError {}
defineErrorClass(QueryError, 'QueryError', 'CONN_QUERY', false);

/** Options for {@link ServerError}: the server's own code and message are kept verbatim. */
export interface ServerErrorOptions extends ConnErrorOptions {
  /** The raw code the server sent (a number, SQLSTATE, status string ...). */
  serverCode?: string | number | undefined;
  /** The raw message the server sent. */
  serverMessage?: string | undefined;
}

/** The server reported a failure of its own. Keeps the raw server code and message. */
export class ServerError extends ConnError {
  /** The raw code the server sent, when it sent one. */
  readonly serverCode: string | number | undefined;
  /** The raw message the server sent, when it sent one. */
  readonly serverMessage: string | undefined;

  constructor(message: string, options: ServerErrorOptions = {}) {
    super(message, options);
    this.serverCode = options.serverCode;
    this.serverMessage = options.serverMessage;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), serverCode: this.serverCode, serverMessage: this.serverMessage };
  }
}
defineErrorClass(ServerError, 'ServerError', 'CONN_SERVER', false);

/** Options for {@link ConfigError}. */
export interface ConfigErrorOptions extends ConnErrorOptions {
  /** The option or URL part that is wrong, for example `pool.max`. */
  field?: string;
}

/** An option, URL or argument is invalid. Raised before any I/O. */
export class ConfigError extends ConnError {
  /** The option that is wrong, when known. */
  readonly field: string | undefined;

  constructor(message: string, options: ConfigErrorOptions = {}) {
    super(message, {
      ...options,
      details: { ...options.details, ...(options.field ? { field: options.field } : {}) },
    });
    this.field = options.field;
  }
}
defineErrorClass(ConfigError, 'ConfigError', 'CONN_CONFIG', false);

/** A call was made on a client after its `close()` began. Same class and code in every driver. */
export class ClientClosedError extends ConnError {}
defineErrorClass(ClientClosedError, 'ClientClosedError', 'CONN_CLIENT_CLOSED', false);
