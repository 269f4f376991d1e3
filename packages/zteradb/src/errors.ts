import {
  AuthenticationError,
  AuthorizationError,
  type ConnError,
  type ConnErrorOptions,
  defineErrorClass,
  QueryError,
  redactSecrets,
  type Secret,
} from '@conn/core';
import type { ResponseCodeInfo } from './protocol/response-codes.js';

/**
 * What every error made from a ZTeraDB error frame carries (the driver contract's `serverCode` and
 * `serverMessage`), plus the code's name looked up in both response-code tables.
 */
export interface ZTeraDBErrorFields {
  /** The frame's raw `response_code`. */
  readonly serverCode: number;
  /** The server's `data.zteradb_error` (or its `data` as JSON), with our secrets removed. */
  readonly serverMessage: string;
  /** The code's name: one name, `AMBIGUOUS` when the two tables disagree, `UNKNOWN` when neither knows it. */
  readonly responseCodeName: string;
}

/** Options of the ZTeraDB error classes. */
export interface ZTeraDBErrorOptions extends ConnErrorOptions {
  readonly serverCode: number;
  readonly serverMessage: string;
  readonly responseCodeName: string;
}

/**
 * The server refused the connection's credentials or ended its session (`CONN_ZTERADB_AUTH_FAILED`,
 * permanent), or its session token expired or was dropped (`CONN_ZTERADB_SESSION_ENDED`, retryable:
 * a new connection authenticates afresh).
 */
export class ZTeraDBAuthenticationError extends AuthenticationError implements ZTeraDBErrorFields {
  readonly serverCode: number;
  readonly serverMessage: string;
  readonly responseCodeName: string;
  constructor(message: string, options: ZTeraDBErrorOptions) {
    super(message, options);
    this.serverCode = options.serverCode;
    this.serverMessage = options.serverMessage;
    this.responseCodeName = options.responseCodeName;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), serverCode: this.serverCode, serverMessage: this.serverMessage };
  }
}
defineErrorClass(ZTeraDBAuthenticationError, 'ZTeraDBAuthenticationError', 'CONN_ZTERADB_AUTH_FAILED', false);

/** Authenticated, but the account may not do this (`NO_ACCESS`). */
export class ZTeraDBAuthorizationError extends AuthorizationError implements ZTeraDBErrorFields {
  readonly serverCode: number;
  readonly serverMessage: string;
  readonly responseCodeName: string;
  constructor(message: string, options: ZTeraDBErrorOptions) {
    super(message, options);
    this.serverCode = options.serverCode;
    this.serverMessage = options.serverMessage;
    this.responseCodeName = options.responseCodeName;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), serverCode: this.serverCode, serverMessage: this.serverMessage };
  }
}
defineErrorClass(ZTeraDBAuthorizationError, 'ZTeraDBAuthorizationError', 'CONN_ZTERADB_ACCESS_DENIED', false);

/**
 * The server rejected the query (parse error, unknown schema or field, a failed query), or answered
 * an error frame whose code neither table knows. Code `CONN_ZTERADB_QUERY_FAILED` (the builder's own
 * `CONN_ZTERADB_QUERY` is a `ConfigError` raised before sending).
 */
export class ZTeraDBQueryError extends QueryError implements ZTeraDBErrorFields {
  readonly serverCode: number;
  readonly serverMessage: string;
  readonly responseCodeName: string;
  constructor(message: string, options: ZTeraDBErrorOptions) {
    super(message, options);
    this.serverCode = options.serverCode;
    this.serverMessage = options.serverMessage;
    this.responseCodeName = options.responseCodeName;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), serverCode: this.serverCode, serverMessage: this.serverMessage };
  }
}
defineErrorClass(ZTeraDBQueryError, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false);

/** Response-code names by what they mean to the client. Names absent here (success codes sent with `error: true`) read as query failures. */
const AUTH_NAMES = new Set(['CONNECT_ERROR', 'CLIENT_AUTH_ERROR']);
const SESSION_NAMES = new Set(['TOKEN_EXPIRED', 'DISCONNECTED', 'DISCONNECT', 'DISCONNECT_ERROR']);
const ACCESS_NAMES = new Set(['NO_ACCESS']);

/** An error frame as `classifyResponse` gives it. */
export interface ServerErrorFrame {
  readonly code: ResponseCodeInfo;
  readonly message: string;
}

/** Where the error frame arrived: answering CONNECT, or answering a query. */
export type ServerErrorPhase = 'handshake' | 'query';

/**
 * The typed error for a server error frame. During the handshake every error frame is a refusal
 * (`ZTeraDBAuthenticationError`). Answering a query, the code is read in both tables (they disagree,
 * and which one the live server uses is unknown):
 * - only credential names (CONNECT_ERROR, CLIENT_AUTH_ERROR) → authentication error, permanent;
 * - session names and no query name (0x0400: TOKEN_EXPIRED or DISCONNECT/NO_ACCESS; DISCONNECTED,
 *   DISCONNECT_ERROR) → authentication error `CONN_ZTERADB_SESSION_ENDED`, retryable;
 * - only NO_ACCESS (0x0011) → `ZTeraDBAuthorizationError`;
 * - anything with a query reading, or unknown → `ZTeraDBQueryError`.
 * `details.sessionEnded` is true when any reading of the code says the session may be gone (0x0401
 * is INVALID_SCHEMA to one table and TOKEN_EXPIRED to the other): the connection must not be reused.
 * Our `secrets` are removed from the server's message before it goes anywhere.
 */
export function errorFromServerFrame(
  frame: ServerErrorFrame,
  phase: ServerErrorPhase,
  secrets: readonly (Secret | undefined)[] = [],
): ConnError {
  const { code } = frame;
  const serverMessage = redactSecrets(frame.message, secrets);
  const names = [...new Set([...code.pythonNames, ...code.nodeNames])];
  const has = (set: ReadonlySet<string>): boolean => names.some((name) => set.has(name));
  const isQueryName = (name: string): boolean =>
    !AUTH_NAMES.has(name) && !SESSION_NAMES.has(name) && !ACCESS_NAMES.has(name);
  const sessionEnded = phase === 'handshake' || has(AUTH_NAMES) || has(SESSION_NAMES);
  const options: ZTeraDBErrorOptions = {
    serverCode: code.code,
    serverMessage,
    responseCodeName: code.name,
    details: { responseCode: code.code, responseCodeName: code.name, sessionEnded },
  };
  const label = `${code.name} (response code ${code.code})`;
  if (phase === 'handshake') {
    return new ZTeraDBAuthenticationError(
      `ZTeraDB refused the connection: ${label}: ${serverMessage}`,
      options,
    );
  }
  const queryReading = names.length === 0 || names.some(isQueryName);
  if (!queryReading && names.every((name) => AUTH_NAMES.has(name))) {
    return new ZTeraDBAuthenticationError(
      `ZTeraDB refused the credentials: ${label}: ${serverMessage}`,
      options,
    );
  }
  if (!queryReading && has(SESSION_NAMES)) {
    return new ZTeraDBAuthenticationError(`ZTeraDB ended the session: ${label}: ${serverMessage}`, {
      ...options,
      code: 'CONN_ZTERADB_SESSION_ENDED',
      retryable: true,
    });
  }
  if (!queryReading && names.every((name) => ACCESS_NAMES.has(name))) {
    return new ZTeraDBAuthorizationError(`ZTeraDB denied access: ${label}: ${serverMessage}`, options);
  }
  return new ZTeraDBQueryError(`ZTeraDB query failed: ${label}: ${serverMessage}`, options);
}
