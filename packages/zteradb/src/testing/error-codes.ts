import { NODE_RESPONSE_CODES, PYTHON_RESPONSE_CODES } from '../protocol/index.js';

/** Which of the two official response-code tables the test server answers with. */
export type ZTeraDBCodeTable = 'python' | 'node';

/** The error kinds the test server reports (names shared by both tables, Python spelling). */
export type TestServerErrorName =
  | 'CONNECT_ERROR'
  | 'QUERY_ERROR'
  | 'PARSE_QUERY_ERROR'
  | 'INVALID_SCHEMA'
  | 'FIELD_ERROR'
  | 'NO_ACCESS'
  | 'TOKEN_EXPIRED'
  | 'INVALID_REQUEST_TYPE_ERROR';

/**
 * The number of an error kind in the chosen table (docs/protocols/zteradb.md, response-code
 * registry). The Node table has no INVALID_REQUEST_TYPE_ERROR; 0x0423 is used for both, as the
 * notes' test-server recommendation says.
 */
export function errorCodeOf(name: TestServerErrorName, table: ZTeraDBCodeTable): number {
  if (name === 'INVALID_REQUEST_TYPE_ERROR') return 0x0423;
  if (table === 'python') return PYTHON_RESPONSE_CODES[name] as number;
  const nodeName = name === 'PARSE_QUERY_ERROR' ? 'QUERY_PARSE_ERROR' : name;
  return NODE_RESPONSE_CODES[nodeName] as number;
}

/** A request the server refuses: answered with one error frame. */
export class TestServerFailure extends Error {
  readonly kind: TestServerErrorName;

  constructor(kind: TestServerErrorName, message: string) {
    super(message);
    this.kind = kind;
  }
}
