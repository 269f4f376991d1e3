/**
 * `@conn/cockroachdb/testing`: a CockroachDB behaviour server for tests, in front of a real PostgreSQL.
 * @packageDocumentation
 */
export {
  type CockroachTestServer,
  type CockroachTestServerOptions,
  type CockroachTestSession,
  startCockroachTestServer,
} from './server.js';
export type { InjectErrorRule, KillConnectionRule, StatementMatch } from './statement-rules.js';
