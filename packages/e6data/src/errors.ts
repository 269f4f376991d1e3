import {
  AuthenticationError,
  type ConnErrorOptions,
  ConnectionError,
  defineErrorClass,
  QueryError,
  ServerError,
} from '@conn/core';

/**
 * What every error made from a server's answer carries (the driver contract's `serverCode` and
 * `serverMessage`): the gRPC status code, or the HTTP status when an intermediary answered without
 * gRPC trailers (456, 503), and the message with the client's secrets removed.
 */
export interface E6DataErrorFields {
  /** The gRPC status code (e.g. 13 INTERNAL), or the HTTP status (456, 503) of a bare HTTP answer. */
  readonly serverCode: number;
  /** The server's message (gRPC `details`), secrets removed. */
  readonly serverMessage: string;
}

/** Options of the e6data error classes. */
export interface E6DataErrorOptions extends ConnErrorOptions {
  readonly serverCode: number;
  readonly serverMessage: string;
}

/**
 * e6data refused the credentials (`authenticate` answered "Access denied", `UNAUTHENTICATED` or
 * `PERMISSION_DENIED`), or a session it refused again right after a fresh authentication.
 * Permanent: `CONN_E6DATA_AUTH_FAILED`, never retried.
 */
export class E6DataAuthenticationError extends AuthenticationError implements E6DataErrorFields {
  readonly serverCode: number;
  readonly serverMessage: string;
  constructor(message: string, options: E6DataErrorOptions) {
    super(message, options);
    this.serverCode = options.serverCode;
    this.serverMessage = options.serverMessage;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), serverCode: this.serverCode, serverMessage: this.serverMessage };
  }
}
defineErrorClass(E6DataAuthenticationError, 'E6DataAuthenticationError', 'CONN_E6DATA_AUTH_FAILED', false);

/** The engine rejected or failed the statement (`CONN_E6DATA_QUERY_FAILED`): its message says why. */
export class E6DataQueryError extends QueryError implements E6DataErrorFields {
  readonly serverCode: number;
  readonly serverMessage: string;
  constructor(message: string, options: E6DataErrorOptions) {
    super(message, options);
    this.serverCode = options.serverCode;
    this.serverMessage = options.serverMessage;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), serverCode: this.serverCode, serverMessage: this.serverMessage };
  }
}
defineErrorClass(E6DataQueryError, 'E6DataQueryError', 'CONN_E6DATA_QUERY_FAILED', false);

/**
 * Any other error status of the server (`CONN_E6DATA_SERVER`), e.g. `NOT_FOUND` for a query the
 * server no longer knows, `RESOURCE_EXHAUSTED`, `UNIMPLEMENTED`.
 */
export class E6DataServerError extends ServerError implements E6DataErrorFields {
  declare readonly serverCode: number;
  declare readonly serverMessage: string;
  constructor(message: string, options: E6DataErrorOptions) {
    super(message, options);
  }
}
defineErrorClass(E6DataServerError, 'E6DataServerError', 'CONN_E6DATA_SERVER', false);

/**
 * The blue-green switch could not settle: every strategy was refused with HTTP 456 within the
 * retries allowed (`CONN_E6DATA_STRATEGY_SWITCH`), or a 456 came in the middle of a query, which is
 * never replayed behind the caller's back.
 */
export class E6DataStrategyError extends ConnectionError implements E6DataErrorFields {
  readonly serverCode: number;
  readonly serverMessage: string;
  constructor(message: string, options: E6DataErrorOptions) {
    super(message, options);
    this.serverCode = options.serverCode;
    this.serverMessage = options.serverMessage;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), serverCode: this.serverCode, serverMessage: this.serverMessage };
  }
}
defineErrorClass(E6DataStrategyError, 'E6DataStrategyError', 'CONN_E6DATA_STRATEGY_SWITCH', false);

/**
 * The cluster is suspended and could not be resumed in time (auto-resume off, resume `failed`, or
 * the deadline passed while it was `resuming`): `CONN_E6DATA_CLUSTER_UNAVAILABLE`, retryable.
 */
export class E6DataClusterUnavailableError extends ConnectionError implements E6DataErrorFields {
  readonly serverCode: number;
  readonly serverMessage: string;
  constructor(message: string, options: E6DataErrorOptions) {
    super(message, options);
    this.serverCode = options.serverCode;
    this.serverMessage = options.serverMessage;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), serverCode: this.serverCode, serverMessage: this.serverMessage };
  }
}
defineErrorClass(
  E6DataClusterUnavailableError,
  'E6DataClusterUnavailableError',
  'CONN_E6DATA_CLUSTER_UNAVAILABLE',
  true,
);
