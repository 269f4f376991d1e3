import {
  AuthenticationError,
  type ConnError,
  type ConnErrorOptions,
  defineErrorClass,
  ProtocolError,
  QueryError,
  redactSecrets,
  type Secret,
} from '@conn/core';
import {
  type CommandResponse,
  commandNameOf,
  isFailureStatus,
  resultOf,
  Status,
  statusOf,
  type TransactionErrorResponse,
} from './response.js';

/** The driver's own error codes. */
export const ApertureDBErrorCode = {
  /** Authenticate was refused. */
  AUTH_FAILED: 'CONN_APERTUREDB_AUTH_FAILED',
  /** The session token is unknown or expired ("Not Authenticated!", "Invalid Session"): authenticate again. */
  SESSION_INVALID: 'CONN_APERTUREDB_SESSION_INVALID',
  /** The server answered a top-level error object: the transaction was not applied. */
  TRANSACTION_FAILED: 'CONN_APERTUREDB_TRANSACTION_FAILED',
  /** A command's status was -1. */
  COMMAND_FAILED: 'CONN_APERTUREDB_COMMAND_FAILED',
  /** A command's status was 4: its blobs exceeded the server's response limit. */
  RESPONSE_TOO_LARGE: 'CONN_APERTUREDB_RESPONSE_TOO_LARGE',
  /** The response JSON is not an array or object, or its entries are malformed. */
  BAD_RESPONSE: 'CONN_APERTUREDB_BAD_RESPONSE',
  /** The server's hello refused every protocol we asked for (reply protocol 0, or no TLS bit when TLS was asked). */
  PROTOCOL_REJECTED: 'CONN_APERTUREDB_PROTOCOL_REJECTED',
  /** The server's hello has another protocol version than 1. */
  PROTOCOL_VERSION: 'CONN_APERTUREDB_PROTOCOL_VERSION',
  /** A message is larger than `maxMessageBytes` (sending: nothing was sent). */
  MESSAGE_TOO_LARGE: 'CONN_APERTUREDB_MESSAGE_TOO_LARGE',
  /** A malformed APERTUREDB_KEY. */
  KEY: 'CONN_APERTUREDB_KEY',
  /** A float32 vector of the wrong byte length. */
  VECTOR: 'CONN_APERTUREDB_VECTOR',
  /** A query builder was given a bad argument. */
  QUERY_ARGUMENT: 'CONN_APERTUREDB_QUERY_ARGUMENT',
} as const;

/** What every error made from a server response carries (the driver contract's fields). */
export interface ApertureDBServerFields {
  /** The server's `status` (-1, 4 ...). */
  readonly serverCode: number;
  /** The server's `info`, with our secrets removed ('' when it sent none). */
  readonly serverMessage: string;
}

/** Options of the ApertureDB server error classes. */
export interface ApertureDBErrorOptions extends ConnErrorOptions {
  readonly serverCode: number;
  readonly serverMessage: string;
}

/** Authenticate was refused (bad user, password or token). Permanent: the call fails at once. */
export class ApertureDBAuthenticationError extends AuthenticationError implements ApertureDBServerFields {
  readonly serverCode: number;
  readonly serverMessage: string;
  constructor(message: string, options: ApertureDBErrorOptions) {
    super(message, options);
    this.serverCode = options.serverCode;
    this.serverMessage = options.serverMessage;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), serverCode: this.serverCode, serverMessage: this.serverMessage };
  }
}
defineErrorClass(
  ApertureDBAuthenticationError,
  'ApertureDBAuthenticationError',
  ApertureDBErrorCode.AUTH_FAILED,
  false,
);

/**
 * The server does not know the session token ("Not Authenticated!", e.g. after a restart) or refused a
 * RefreshToken ("Invalid Session"). Retryable: authenticating again gives a new session.
 */
export class ApertureDBSessionError extends AuthenticationError implements ApertureDBServerFields {
  readonly serverCode: number;
  readonly serverMessage: string;
  constructor(message: string, options: ApertureDBErrorOptions) {
    super(message, options);
    this.serverCode = options.serverCode;
    this.serverMessage = options.serverMessage;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), serverCode: this.serverCode, serverMessage: this.serverMessage };
  }
}
defineErrorClass(ApertureDBSessionError, 'ApertureDBSessionError', ApertureDBErrorCode.SESSION_INVALID, true);

/** Options of {@link ApertureDBTransactionError}. */
export interface ApertureDBTransactionErrorOptions extends ApertureDBErrorOptions {
  /** Index of the first failing command; `undefined` for a top-level error object. */
  readonly commandIndex: number | undefined;
  /** Its command name, when known. */
  readonly commandName: string | undefined;
}

/**
 * The server rejected the transaction (top-level error object, `CONN_APERTUREDB_TRANSACTION_FAILED`), a
 * command failed (status -1, `CONN_APERTUREDB_COMMAND_FAILED`), or a response was too large (status 4,
 * `CONN_APERTUREDB_RESPONSE_TOO_LARGE`). `details.response` holds the whole response JSON, secrets removed.
 */
export class ApertureDBTransactionError extends QueryError implements ApertureDBServerFields {
  readonly serverCode: number;
  readonly serverMessage: string;
  readonly commandIndex: number | undefined;
  readonly commandName: string | undefined;
  constructor(message: string, options: ApertureDBTransactionErrorOptions) {
    super(message, options);
    this.serverCode = options.serverCode;
    this.serverMessage = options.serverMessage;
    this.commandIndex = options.commandIndex;
    this.commandName = options.commandName;
  }
  /** The server's `info`. */
  get info(): string {
    return this.serverMessage;
  }
  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      serverCode: this.serverCode,
      serverMessage: this.serverMessage,
      commandIndex: this.commandIndex,
      commandName: this.commandName,
    };
  }
}
defineErrorClass(
  ApertureDBTransactionError,
  'ApertureDBTransactionError',
  ApertureDBErrorCode.TRANSACTION_FAILED,
  false,
);

/** The server's reply when the session token is unknown or expired. */
const NOT_AUTHENTICATED = 'Not Authenticated!';
/** Response fields whose values are secrets (Authenticate and RefreshToken answer with tokens). */
const SECRET_FIELD = /password|token/i;
const REDACTED = '[redacted]';

/** Options of {@link errorFromResponse}. */
export interface ErrorFromResponseOptions {
  /** Our password and tokens, removed from the server's texts should it echo them. */
  readonly secrets?: readonly (Secret | undefined)[] | undefined;
}

/**
 * The error a response reports, or `undefined` when it reports none (statuses 0, 1, 2 and 3).
 * - a top-level `{ info: "Not Authenticated!" }` → {@link ApertureDBSessionError}; a top-level object
 *   answering a lone Authenticate or RefreshToken → the same classes as their failed entries below;
 * - any other top-level object → {@link ApertureDBTransactionError} `CONN_APERTUREDB_TRANSACTION_FAILED`;
 * - the first command whose status is -1: Authenticate → {@link ApertureDBAuthenticationError},
 *   RefreshToken → {@link ApertureDBSessionError}, others → `CONN_APERTUREDB_COMMAND_FAILED`;
 * - status 4 → `CONN_APERTUREDB_RESPONSE_TOO_LARGE`;
 * - not an array or object, an array without exactly one entry per command, an entry that is not
 *   `{ Name: { status } }`, or a name that differs from the request's → ProtocolError
 *   `CONN_APERTUREDB_BAD_RESPONSE`.
 * `commands` is the request: only command names and their count are read from it, never parameters.
 * Without it (`undefined`), entries are not matched against a request.
 */
export function errorFromResponse(
  response: unknown,
  commands?: readonly object[],
  { secrets = [] }: ErrorFromResponseOptions = {},
): ConnError | undefined {
  // The common case, checked without allocating: every command answered in order with 0 to 3.
  if (answersCleanly(response, commands)) return undefined;
  const clean = (text: string): string => redactSecrets(text, secrets);
  if (typeof response !== 'object' || response === null) {
    return badResponse(
      `the response is ${response === null ? 'null' : typeof response}, not an array or object`,
    );
  }
  // Only an error keeps the response (without secrets): a good answer is not serialized again.
  const responseJson = (): string => clean(JSON.stringify(response, hideSecretFields));
  if (!Array.isArray(response)) {
    const top = response as TransactionErrorResponse;
    const serverMessage = clean(typeof top.info === 'string' ? top.info : '');
    const serverCode = statusOf(top);
    const options = { serverCode, serverMessage, details: { status: serverCode, response: responseJson() } };
    const requested = commands?.length === 1 ? Object.keys(commands[0] as object)[0] : undefined;
    if (serverMessage === NOT_AUTHENTICATED)
      return new ApertureDBSessionError(`ApertureDB session is not valid: ${serverMessage}`, options);
    // Servers have also refused Authenticate with a top-level object instead of a command entry.
    if (requested === 'Authenticate')
      return new ApertureDBAuthenticationError(
        `ApertureDB refused Authenticate: ${serverMessage || 'no info'}`,
        options,
      );
    if (requested === 'RefreshToken')
      return new ApertureDBSessionError(
        `ApertureDB refused RefreshToken: ${serverMessage || 'no info'}`,
        options,
      );
    return new ApertureDBTransactionError(
      `ApertureDB rejected the transaction (status ${serverCode}): ${serverMessage || 'no info'}`,
      { ...options, commandIndex: undefined, commandName: undefined },
    );
  }
  const entries = response as readonly CommandResponse[];
  // A normal response answers every command, in order (docs/protocols/aperturedb.md, responses): a
  // short or long array is no answer, whatever its entries say. A failed transaction is an object.
  if (commands !== undefined && entries.length !== commands.length)
    return badResponse(`the response has ${entries.length} entries for ${commands.length} commands`);
  for (let index = 0; index < entries.length; index++) {
    const name = commandNameOf(entries, index);
    const result = resultOf(entries, index);
    if (name === undefined || result === undefined || Object.keys(entries[index] as object).length !== 1)
      return badResponse(`response entry ${index} is not { "<Command>": { ... } }`);
    const command = commands?.[index];
    const requested = command === undefined ? undefined : Object.keys(command)[0];
    if (requested !== undefined && requested !== name)
      return badResponse(
        `response entry ${index} answers ${name}, but the request's command ${index} is ${requested}`,
      );
    const status = statusOf(entries, index);
    if (status === Status.NO_STATUS) return badResponse(`response entry ${index} (${name}) has no status`);
    if (!isFailureStatus(status)) continue;
    const serverMessage = clean(typeof result.info === 'string' ? result.info : '');
    const options: ApertureDBTransactionErrorOptions = {
      serverCode: status,
      serverMessage,
      commandIndex: index,
      commandName: name,
      details: { status, commandIndex: index, command: name, response: responseJson() },
    };
    const said = serverMessage || 'no info';
    if (name === 'Authenticate')
      return new ApertureDBAuthenticationError(`ApertureDB refused Authenticate: ${said}`, options);
    if (name === 'RefreshToken')
      return new ApertureDBSessionError(`ApertureDB refused RefreshToken: ${said}`, options);
    if (status === Status.RESPONSE_TOO_LARGE) {
      return new ApertureDBTransactionError(
        `ApertureDB command ${index} (${name}) returned more than the server's response limit: ${said}`,
        { ...options, code: ApertureDBErrorCode.RESPONSE_TOO_LARGE },
      );
    }
    return new ApertureDBTransactionError(
      `ApertureDB command ${index} (${name}) failed (status ${status}): ${said}`,
      {
        ...options,
        code: ApertureDBErrorCode.COMMAND_FAILED,
      },
    );
  }
  return undefined;
}

/** True for an array of one `{ <the request's command name>: { status: 0..3, ... } }` entry per command. */
function answersCleanly(response: unknown, commands: readonly object[] | undefined): boolean {
  if (!Array.isArray(response)) return false;
  if (commands !== undefined && response.length !== commands.length) return false;
  for (let index = 0; index < response.length; index++) {
    const entry: unknown = response[index];
    if (typeof entry !== 'object' || entry === null) return false;
    const name = onlyKeyOf(entry);
    if (name === undefined) return false;
    const command = commands?.[index];
    if (command !== undefined && onlyKeyOf(command) !== name) return false;
    const result = (entry as Record<string, unknown>)[name];
    if (typeof result !== 'object' || result === null) return false;
    const status = (result as { status?: unknown }).status;
    if (typeof status !== 'number' || isFailureStatus(status)) return false;
  }
  return true;
}

/** The object's one key; `undefined` when it has none or several. */
function onlyKeyOf(value: object): string | undefined {
  let only: string | undefined;
  for (const key in value) {
    if (only !== undefined) return undefined;
    only = key;
  }
  return only;
}

function hideSecretFields(key: string, value: unknown): unknown {
  return typeof value === 'string' && SECRET_FIELD.test(key) ? REDACTED : value;
}

function badResponse(why: string): ProtocolError {
  return new ProtocolError(`ApertureDB sent a malformed response: ${why}`, {
    code: ApertureDBErrorCode.BAD_RESPONSE,
  });
}

/** The server's hello refused our protocol (reply protocol 0, or TLS asked and its bit missing). */
export function protocolRejectedError(requested: number, replied: number): ProtocolError {
  return new ProtocolError(
    `ApertureDB did not accept protocol ${requested} (${protocolName(requested)}); it replied ${replied} (${protocolName(replied)}). ` +
      'A server that forces TLS needs useSsl: true.',
    { code: ApertureDBErrorCode.PROTOCOL_REJECTED, details: { requested, replied } },
  );
}

/** The server's hello has another protocol version (0 means it refused ours). */
export function protocolVersionError(version: number): ProtocolError {
  return new ProtocolError(`ApertureDB replied protocol version ${version}; this client speaks version 1`, {
    code: ApertureDBErrorCode.PROTOCOL_VERSION,
    details: { version },
  });
}

/** A message over `maxMessageBytes`; `direction` says whether we were sending (nothing sent) or receiving. */
export function messageTooLargeError(
  bytes: number,
  maxMessageBytes: number,
  direction: 'send' | 'receive',
): ProtocolError {
  const what = direction === 'send' ? 'query message' : 'response message';
  return new ProtocolError(`the ${what} is ${bytes} bytes, more than maxMessageBytes (${maxMessageBytes})`, {
    code: ApertureDBErrorCode.MESSAGE_TOO_LARGE,
    details: { bytes, maxMessageBytes, direction },
  });
}

function protocolName(protocol: number): string {
  return ['none', 'tcp', 'tls', 'any'][protocol] ?? 'unknown';
}
