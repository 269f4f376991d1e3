/**
 * `@conn/zteradb/testing`: a local ZTeraDB server that speaks the real wire protocol, for tests.
 *
 * It follows `docs/protocols/zteradb.md` (local test server): 4-byte big-endian JSON frames, the v2
 * HMAC CONNECT check with a clock-skew window and optional nonce-reuse refusal, CONNECTED then
 * QUERY_COMPLETE, ZQL (select with fields, `fi`, every `fc` operator, sort, limit, count, related
 * fields; insert, update, delete) over an in-memory table store, one code-7 frame per row, error
 * frames from either official code table, CANCEL closing the connection, and a record of every
 * received frame.
 *
 * @example
 * await using server = await startZTeraDBTestServer({
 *   databases: { DB1: { user: [{ id: 1, email: 'a@x.io' }] } },
 *   keys: [{ clientKey: 'CK', accessKey: 'AK', secretKey: 'SK' }],
 * });
 * server.url; // zteradb://AK:SK@127.0.0.1:<port>/DB1?clientKey=CK&env=dev
 * @packageDocumentation
 */
export type { ZTeraDBTestKey } from './connect-check.js';
export type { ZTeraDBCodeTable } from './error-codes.js';
export {
  startZTeraDBTestServer,
  type ZTeraDBReceivedFrame,
  type ZTeraDBTestServer,
  type ZTeraDBTestServerOptions,
} from './server.js';
export type { TestRow as ZTeraDBTestRow, ZTeraDBTestDatabases } from './table-store.js';
export type { LimitSemantics as ZTeraDBLimitSemantics } from './zql-evaluator.js';
