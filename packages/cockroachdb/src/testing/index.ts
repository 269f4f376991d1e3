/**
 * `@conn/cockroachdb/testing`: a CockroachDB test server for tests, in front of a real PostgreSQL.
 *
 * @example
 * await using server = await startCockroachDBTestServer({ upstream: 'postgresql://app:pw@127.0.0.1:5432/app' });
 * await using db = CockroachDBClient.fromUrl(server.url); // postgresql://app:pw@127.0.0.1:<port>/app?sslmode=disable
 * server.fault({ kind: 'error', match: 'COMMIT', sqlstate: '40003', relayFirst: true });
 * @packageDocumentation
 */
export type {
  CockroachDBErrorFault,
  CockroachDBFault,
  CockroachDBKillConnectionFault,
  CockroachDBStallFault,
} from './faults.js';
export {
  type CockroachDBTestServer,
  type CockroachDBTestServerOptions,
  type CockroachDBTestSession,
  startCockroachDBTestServer,
} from './server.js';
export type { StatementMatch } from './statement-match.js';
export type { CockroachDBTestUpstream } from './upstream.js';
