/**
 * The two response-code tables of the official clients (docs/protocols/zteradb.md, response-code
 * registry). They agree on the success codes and disagree on most error codes; which one the live
 * server uses is unknown, so a code is looked up in both and an error's `error: true` flag, not its
 * number, decides that it failed.
 */

/** The table of the Python and PHP clients. */
export const PYTHON_RESPONSE_CODES: Readonly<Record<string, number>> = Object.freeze({
  CONNECTED: 0x0002,
  DISCONNECTED: 0x0004,
  DISCONNECT_ERROR: 0x0005,
  CLIENT_AUTH_ERROR: 0x0006,
  QUERY_DATA: 0x0007,
  QUERY_ERROR: 0x0009,
  PONG: 0x0010,
  NO_ACCESS: 0x0011,
  PARSE_QUERY_ERROR: 0x0100,
  CREATE_SCHEMA_SUCCESS: 0x0201,
  PUBLISH_SCHEMA_SUCCESS: 0x0202,
  TOKEN_EXPIRED: 0x0400,
  INVALID_SCHEMA: 0x0401,
  FIELD_ERROR: 0x0402,
  INVALID_REQUEST_TYPE_ERROR: 0x0423,
  CONNECT_ERROR: 0x0500,
  CREATE_SCHEMA_ERROR: 0x0501,
  PUBLISH_SCHEMA_ERROR: 0x0502,
  QUERY_COMPLETE: 0x0608,
});

/** The table of the Node client (and the documentation site). It gives 0x0400 two names itself. */
export const NODE_RESPONSE_CODES: Readonly<Record<string, number>> = Object.freeze({
  CONNECTED: 0x0002,
  QUERY_DATA: 0x0007,
  PONG: 0x0010,
  CREATE_SCHEMA_SUCCESS: 0x0201,
  PUBLISH_SCHEMA_SUCCESS: 0x0202,
  DISCONNECT: 0x0400,
  NO_ACCESS: 0x0400,
  TOKEN_EXPIRED: 0x0401,
  QUERY_PARSE_ERROR: 0x0420,
  INVALID_SCHEMA: 0x0421,
  FIELD_ERROR: 0x0422,
  CONNECT_ERROR: 0x0500,
  DISCONNECT_ERROR: 0x0501,
  CLIENT_AUTH_ERROR: 0x0502,
  QUERY_ERROR: 0x0520,
  CREATE_SCHEMA_ERROR: 0x0521,
  PUBLISH_SCHEMA_ERROR: 0x0522,
  QUERY_COMPLETE: 0x0608,
});

/** The codes the protocol flow depends on; both tables agree on them. */
export const ResponseCode = {
  CONNECTED: 0x0002,
  QUERY_DATA: 0x0007,
  PONG: 0x0010,
  CONNECT_ERROR: 0x0500,
  QUERY_COMPLETE: 0x0608,
} as const;

/** What a response code means in each table. */
export interface ResponseCodeInfo {
  /** The raw number the server sent. */
  readonly code: number;
  /** One name when the tables know it and agree, `AMBIGUOUS` when they give different names, `UNKNOWN` when neither knows it. */
  readonly name: string;
  /** Names in the Python/PHP table (empty when absent). */
  readonly pythonNames: readonly string[];
  /** Names in the Node table (empty when absent; two for 0x0400). */
  readonly nodeNames: readonly string[];
}

/** Looks a response code up in both tables. */
export function describeResponseCode(code: number): ResponseCodeInfo {
  const pythonNames = namesOf(PYTHON_RESPONSE_CODES, code);
  const nodeNames = namesOf(NODE_RESPONSE_CODES, code);
  const distinct = [...new Set([...pythonNames, ...nodeNames])];
  const name =
    distinct.length === 0 ? 'UNKNOWN' : distinct.length === 1 ? (distinct[0] as string) : 'AMBIGUOUS';
  return { code, name, pythonNames, nodeNames };
}

function namesOf(table: Readonly<Record<string, number>>, code: number): string[] {
  return Object.keys(table).filter((name) => table[name] === code);
}
