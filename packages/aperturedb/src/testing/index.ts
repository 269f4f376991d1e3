/**
 * `@conn/aperturedb/testing`: a local ApertureDB server that speaks the real wire protocol, for tests.
 *
 * It follows `docs/protocols/aperturedb.md` (test server): the cleartext hello with reply
 * `requested & allowed` (`{0, 0}` on a version mismatch, protocol 0 closing), the in-place TLS
 * upgrade on the same socket, 4-byte little-endian protobuf frames written in one write, a message
 * size limit that drops the connection, and an in-memory database (global sessions, the query
 * engine, descriptors). On top of that, for tests of failure handling:
 *
 * - faults on requests (`server.fault(…)`, `server.clearFaults()`): `drop-after-frames`, `stall`,
 *   `delay`, `drop-request` (never executed) and `drop-after-execute` (executed, never answered);
 * - `server.restart()`: every session forgotten (and, with `closeConnections`, every socket closed);
 * - a record of decoded requests (`receivedMessages`), counters and waits resolved from the
 *   server's events: `acceptedCount`, `connectionCount`, `requestCount`,
 *   `waitForConnectionCount(n)`, `waitForRequestCount(n)`.
 *
 * @example
 * await using server = await startApertureDBTestServer();
 * server.url; // aperturedb://admin:admin@127.0.0.1:<port>?useSsl=false
 * server.fault({ kind: 'drop-after-execute', times: 1 }); // the next request runs, its answer is lost
 * server.restart(); // tokens now get {"info":"Not Authenticated!","status":-1}
 * @packageDocumentation
 */
export {
  type DatabaseReply as ApertureDBTestDatabaseReply,
  type DatabaseRequest as ApertureDBTestDatabaseRequest,
  DEFAULT_USERS as APERTUREDB_TEST_DEFAULT_USERS,
  TestDatabase as ApertureDBTestDatabase,
  type TestDatabaseOptions as ApertureDBTestDatabaseOptions,
} from './database/index.js';
export type { ApertureDBFault } from './server/faults.js';
export {
  type ApertureDBAllowedProtocols,
  type HelloOutcome,
  negotiateHello,
} from './server/hello-negotiation.js';
export type { ApertureDBTestServerTls } from './server/listener.js';
export {
  type ApertureDBReceivedMessage,
  type ApertureDBRestartOptions,
  type ApertureDBTestServer,
  type ApertureDBTestServerOptions,
  startApertureDBTestServer,
} from './server/server.js';
export type { ApertureDBWaitOptions } from './server/waiters.js';
