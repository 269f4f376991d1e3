/**
 * `@conn/zteradb/testing`: a local ZTeraDB server that speaks the real wire protocol, for tests.
 *
 * It follows `docs/protocols/zteradb.md` (local test server): 4-byte big-endian JSON frames, the v2
 * HMAC CONNECT check with a clock-skew window and optional nonce-reuse refusal, CONNECTED then
 * QUERY_COMPLETE, ZQL (select with fields, `fi`, every `fc` operator, sort, limit, count, related
 * fields; insert, update, delete) over an in-memory table store, one code-7 frame per row, error
 * frames from either official code table, CANCEL closing the connection, and a record of every
 * received frame. On top of that, for tests of failure handling:
 *
 * - optional TLS (`tls: { key, cert }`; the `url` then ends in `&tls=true` and the client needs the
 *   CA: `ZTeraDBClient.fromUrl(server.url, { tls: { ca } })`);
 * - faults on QUERY requests (`server.fault(…)`, `server.clearFaults()`): `stall`,
 *   `drop-after-frames`, `malformed`, `slow-rows` and `server-error`, each for `times` queries;
 * - counters and waits resolved from the server's events: `acceptedCount`, `connectionCount`,
 *   `queryCount`, `waitForConnectionCount(n)`, `waitForQueryCount(n)`.
 *
 * @example
 * await using server = await startZTeraDBTestServer({
 *   databases: { DB1: { user: [{ id: 1, email: 'a@x.io' }] } },
 *   keys: [{ clientKey: 'CK', accessKey: 'AK', secretKey: 'SK' }],
 * });
 * server.url; // zteradb://AK:SK@127.0.0.1:<port>/DB1?clientKey=CK&env=dev
 * server.fault({ kind: 'drop-after-frames', frames: 1, times: 1 }); // the next query loses its connection
 * await server.waitForQueryCount(1);
 * @packageDocumentation
 */
export type { ZTeraDBTestKey } from './connect-check.js';
export type { ZTeraDBCodeTable } from './error-codes.js';
export type { ZTeraDBFault, ZTeraDBFaultErrorName } from './faults.js';
export type { ZTeraDBTestServerTls } from './listener.js';
export {
  startZTeraDBTestServer,
  type ZTeraDBReceivedFrame,
  type ZTeraDBTestServer,
  type ZTeraDBTestServerOptions,
} from './server.js';
export type { TestRow as ZTeraDBTestRow, ZTeraDBTestDatabases } from './table-store.js';
export type { ZTeraDBWaitOptions } from './waiters.js';
export type { LimitSemantics as ZTeraDBLimitSemantics } from './zql-evaluator.js';
