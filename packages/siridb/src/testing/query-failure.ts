/**
 * Errors a query is answered with: a package type (65 query error, 69 access denied) and the
 * `error_msg` text (docs/protocols/siridb.md §6.3, §10).
 * @internal
 */

export const ERR_QUERY = 65;
export const ERR_USER_ACCESS = 69;

/** Longest `error_msg` the server sends, in UTF-8 bytes; longer messages are cut. */
export const MAX_ERROR_MESSAGE_BYTES = 1023;

/** A query failed with a SiriDB error type and message. */
export class QueryFailure extends Error {
  readonly type: number;

  constructor(message: string, type: number = ERR_QUERY) {
    super(message);
    this.type = type;
  }
}

/** Valid syntax the test server does not implement. */
export function notImplemented(text: string): QueryFailure {
  return new QueryFailure(`The SiriDB test server does not support this query: ${text}`);
}

/** Cuts `message` to at most {@link MAX_ERROR_MESSAGE_BYTES} UTF-8 bytes, never inside a character. */
export function clampErrorMessage(message: string): string {
  const bytes = Buffer.from(message, 'utf8');
  if (bytes.length <= MAX_ERROR_MESSAGE_BYTES) return message;
  return bytes
    .subarray(0, MAX_ERROR_MESSAGE_BYTES)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}
