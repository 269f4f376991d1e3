import {
  AuthenticationError,
  AuthorizationError,
  type ConnError,
  type ConnErrorOptions,
  defineErrorClass,
  ProtocolError,
  QueryError,
  ServerError,
} from '@conn/core';
import { cappedServerMessage, shownServerMessage } from './message-text.js';
import { ResponseType } from './protocol/package.js';

/**
 * What every error made from a SiriDB error package carries (the driver contract's `serverCode`
 * and `serverMessage`): the raw package type and `error_msg`.
 */
export interface SiriDBErrorFields {
  /** The package type the server answered with (64..97), as the contract names it. */
  readonly serverCode: number;
  /** The same package type, by SiriDB's own name. */
  readonly siridbType: number;
  /** The server's `error_msg`, when the package had one. */
  readonly serverMessage: string | undefined;
}

interface SiriDBErrorOptions extends ConnErrorOptions {
  siridbType: number;
  serverMessage?: string | undefined;
}

/** 65: the query was rejected (syntax, unknown names, limits). Python: `QueryError`. */
export class SiriDBQueryError extends QueryError implements SiriDBErrorFields {
  readonly serverCode: number;
  readonly siridbType: number;
  readonly serverMessage: string | undefined;
  constructor(message: string, options: SiriDBErrorOptions) {
    super(message, options);
    this.serverCode = options.siridbType;
    this.siridbType = options.siridbType;
    this.serverMessage = options.serverMessage;
  }
}
defineErrorClass(SiriDBQueryError, 'SiriDBQueryError', 'CONN_SIRIDB_QUERY', false);

/** 66, or points rejected before sending: the insert is invalid. Python: `InsertError`. */
export class InsertError extends QueryError implements SiriDBErrorFields {
  readonly serverCode: number;
  readonly siridbType: number;
  readonly serverMessage: string | undefined;
  constructor(message: string, options: SiriDBErrorOptions) {
    super(message, options);
    this.serverCode = options.siridbType;
    this.siridbType = options.siridbType;
    this.serverMessage = options.serverMessage;
  }
}
defineErrorClass(InsertError, 'InsertError', 'CONN_SIRIDB_INSERT', false);

/** 71, 72, 73: not authenticated, bad credentials, unknown database. Python: `AuthenticationError`. */
export class SiriDBAuthenticationError extends AuthenticationError implements SiriDBErrorFields {
  readonly serverCode: number;
  readonly siridbType: number;
  readonly serverMessage: string | undefined;
  constructor(message: string, options: SiriDBErrorOptions) {
    super(message, options);
    this.serverCode = options.siridbType;
    this.siridbType = options.siridbType;
    this.serverMessage = options.serverMessage;
  }
}
defineErrorClass(SiriDBAuthenticationError, 'SiriDBAuthenticationError', 'CONN_SIRIDB_AUTH_FAILED', false);

/** 69: the user lacks the right for this request. Python: `UserAuthError`. */
export class UserAuthError extends AuthorizationError implements SiriDBErrorFields {
  readonly serverCode: number;
  readonly siridbType: number;
  readonly serverMessage: string | undefined;
  constructor(message: string, options: SiriDBErrorOptions) {
    super(message, options);
    this.serverCode = options.siridbType;
    this.siridbType = options.siridbType;
    this.serverMessage = options.serverMessage;
  }
}
defineErrorClass(UserAuthError, 'UserAuthError', 'CONN_SIRIDB_ACCESS_DENIED', false);

/** A failure the server reports about itself (67, 68, 64, 70, 75, 96, 97). Keeps `serverCode` = the type. */
export class SiriDBServerError extends ServerError implements SiriDBErrorFields {
  declare readonly serverCode: number;
  readonly siridbType: number;
  constructor(message: string, options: SiriDBErrorOptions) {
    super(message, { ...options, serverCode: options.siridbType, serverMessage: options.serverMessage });
    this.siridbType = options.siridbType;
  }
}
defineErrorClass(SiriDBServerError, 'SiriDBServerError', 'CONN_SIRIDB_SERVER', true);

/** 68: a pool of the database has no server available. Retried every 2 s until the deadline. Python: `PoolError`. */
export class SiriDBPoolError extends SiriDBServerError {}
defineErrorClass(SiriDBPoolError, 'SiriDBPoolError', 'CONN_SIRIDB_POOL', true);

/** 96, 97: a service (admin) request failed or was invalid. */
export class SiriDBServiceError extends SiriDBServerError {}
defineErrorClass(SiriDBServiceError, 'SiriDBServiceError', 'CONN_SIRIDB_SERVICE', false);

/** Messages of the error types that carry no payload (the Python connector's wording). */
const EMPTY_PAYLOAD_MESSAGES: Readonly<Record<number, string>> = {
  [ResponseType.ERR]: 'Unexpected error occurred, view siridb log for more info',
  [ResponseType.ERR_NOT_AUTHENTICATED]: 'This connection is not authenticated',
  [ResponseType.ERR_AUTH_CREDENTIALS]: 'Invalid credentials',
  [ResponseType.ERR_AUTH_UNKNOWN_DB]: 'Unknown database',
  [ResponseType.ERR_LOADING_DB]: 'Error loading database',
  [ResponseType.ERR_FILE]: 'Error retrieving file',
  [ResponseType.ERR_SERVICE_INVALID_REQUEST]: 'Invalid service request',
};

/**
 * The error for an error package of type `type` (64..191) whose decoded payload is `payload`
 * (`{ error_msg }` or empty). `details` are added to the error (host, pid ...). The server echoes
 * names, users and regexes in its messages: in the error's message each quoted part longer than
 * 64 characters is cut to its start and length; `serverMessage` keeps the text as sent up to
 * 1024 characters (SiriDB 2.0.55 sends at most 1023).
 */
export function errorFromPackage(
  type: number,
  payload: unknown,
  details: Readonly<Record<string, string | number>> = {},
): ConnError {
  const sent = readErrorMessage(payload);
  const serverMessage = sent === undefined ? undefined : cappedServerMessage(sent);
  const text =
    (sent === undefined ? undefined : shownServerMessage(sent)) ??
    EMPTY_PAYLOAD_MESSAGES[type] ??
    `SiriDB error package type ${type}`;
  const options: SiriDBErrorOptions = {
    siridbType: type,
    serverMessage,
    details: { ...details, siridbType: type },
  };
  switch (type) {
    case ResponseType.ERR_QUERY:
      return new SiriDBQueryError(text, options);
    case ResponseType.ERR_INSERT:
      return new InsertError(text, options);
    case ResponseType.ERR_SERVER:
      return new SiriDBServerError(text, options);
    case ResponseType.ERR_POOL:
      return new SiriDBPoolError(text, options);
    case ResponseType.ERR_USER_ACCESS:
      return new UserAuthError(text, options);
    case ResponseType.ERR_NOT_AUTHENTICATED:
      return new SiriDBAuthenticationError(text, {
        ...options,
        code: 'CONN_SIRIDB_NOT_AUTHENTICATED',
        retryable: true,
      });
    case ResponseType.ERR_AUTH_CREDENTIALS:
      return new SiriDBAuthenticationError(text, options);
    case ResponseType.ERR_AUTH_UNKNOWN_DB:
      return new SiriDBAuthenticationError(text, { ...options, code: 'CONN_SIRIDB_UNKNOWN_DATABASE' });
    case ResponseType.ERR_SERVICE:
      return new SiriDBServiceError(text, options);
    case ResponseType.ERR_SERVICE_INVALID_REQUEST:
      return new SiriDBServiceError(text, { ...options, code: 'CONN_SIRIDB_SERVICE_INVALID_REQUEST' });
    default:
      // 64 (message), 70 (unexpected), 74, 75 and unknown error types: the server failed; no
      // reason to think another try would do better.
      return new SiriDBServerError(text, { ...options, code: 'CONN_SIRIDB_ERROR', retryable: false });
  }
}

/** A response type the driver does not know: the pending request fails at once. */
export function unexpectedResponse(
  type: number,
  expected: string,
  details: Readonly<Record<string, string | number>>,
): ProtocolError {
  return new ProtocolError(`unexpected SiriDB response type ${type} (expected ${expected})`, {
    code: 'CONN_SIRIDB_UNEXPECTED_RESPONSE',
    details: { ...details, siridbType: type },
  });
}

function readErrorMessage(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const message = (payload as Record<string, unknown>)['error_msg'];
  return typeof message === 'string' ? message : undefined;
}
