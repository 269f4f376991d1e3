/**
 * `@conn/siridb/testing`: a local SiriDB server that speaks the real wire protocol, for tests.
 *
 * It behaves like SiriDB 2.0.55 as `docs/protocols/siridb.md` records it: the framing and its
 * failure modes, silent drops of unknown or malformed requests, the open-map answer shapes,
 * auth/71/72/73, the query language (our own parser; syntax errors use the server's message
 * format), inserts and their validation messages, the time-precision conversion bug, access
 * rights and the service API, plus fault injection.
 *
 * @example
 * await using server = await startSiriDBTestServer({ databases: [{ name: 'dbtest', timePrecision: 's' }] });
 * await using client = SiriDBClient.fromUrl(server.url); // siridb://iris:siri@127.0.0.1:<port>/dbtest
 * server.fault({ kind: 'server-error', requests: 'insert', times: 1 });
 * @packageDocumentation
 */
export type { SiriDBFault } from './faults.js';
export {
  type SiriDBTestDatabase,
  type SiriDBTestServer,
  type SiriDBTestServerOptions,
  startSiriDBTestServer,
} from './server.js';
export { createSiriDBStore, type SiriDBTestStore } from './store.js';
