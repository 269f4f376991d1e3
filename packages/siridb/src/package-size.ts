import { ConfigError } from '@conn/core';
import { SERVER_MAX_PACKAGE_BYTES } from './protocol/package.js';

/**
 * Refusing what the server would not take. SiriDB closes the connection on a package whose payload
 * is larger than 40 MiB (docs/protocols/siridb.md, size limits): every other request in flight on
 * that shared connection is lost with it, and the caller only learns that the connection closed.
 * The driver refuses such a request before sending it instead.
 */

/** Code of the error for a request larger than the server accepts. */
export const PACKAGE_TOO_LARGE = 'CONN_SIRIDB_PACKAGE_TOO_LARGE';

/**
 * The error for a request of `bytes` payload bytes, over the server's limit. `what` says what was
 * too large ("the insert", "the query"); `field` names the argument that made it so.
 */
export function packageTooLarge(
  what: string,
  bytes: number,
  field: string,
  extra: Readonly<Record<string, string | number>> = {},
): ConfigError {
  const limit = SERVER_MAX_PACKAGE_BYTES;
  return new ConfigError(
    `${what} is ${bytes} bytes, more than the server accepts (${limit} bytes in one package); it was not sent`,
    { code: PACKAGE_TOO_LARGE, field, details: { ...extra, bytes, limit } },
  );
}

/** @throws ConfigError `CONN_SIRIDB_PACKAGE_TOO_LARGE` when an insert payload is over the server's limit. */
export function checkInsertPayload(bytes: number): void {
  if (bytes > SERVER_MAX_PACKAGE_BYTES) throw packageTooLarge('the insert', bytes, 'data');
}

/**
 * Payload bytes of a query package, `[query, precision]` in qpack: a 2-array tag, the string's
 * header and UTF-8 bytes, and one byte for the precision (null or 0..3).
 */
export function queryPayloadBytes(utf8Bytes: number): number {
  return 1 + rawHeaderBytes(utf8Bytes) + utf8Bytes + 1;
}

/** Queries of at most this many UTF-16 units cannot reach the limit (3 UTF-8 bytes per unit at most). */
const SURELY_SMALL_QUERY = Math.floor((SERVER_MAX_PACKAGE_BYTES - 11) / 3);

/**
 * @throws ConfigError `CONN_SIRIDB_PACKAGE_TOO_LARGE` when the query's package would be over the
 * server's limit. Costs one comparison for every query under about 13 million characters.
 */
export function checkQueryText(query: string): void {
  if (query.length <= SURELY_SMALL_QUERY) return;
  const bytes = queryPayloadBytes(Buffer.byteLength(query));
  if (bytes > SERVER_MAX_PACKAGE_BYTES) throw packageTooLarge('the query', bytes, 'query');
}

/** Bytes of a qpack raw (string) header for `length` bytes: fixed, then 8-, 16-, 32- and 64-bit lengths. */
function rawHeaderBytes(length: number): number {
  if (length <= 99) return 1;
  if (length <= 0xff) return 2;
  if (length <= 0xffff) return 3;
  return length <= 0xffff_ffff ? 5 : 9;
}
