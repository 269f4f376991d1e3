// The driver contract (docs/driver-contract.md) for @conn/cockroachdb, against its own test server
// in front of the run's real PostgreSQL.
import { fileURLToPath } from 'node:url';
import {
  type ConformanceAdapter,
  describeConformance,
  poolEventChannels,
  urlWithAddress,
  urlWithPassword,
} from '@conn/test-kit/conformance';
import { afterAll, describe } from 'vitest';
import {
  AbortError,
  AuthenticationError,
  ClientClosedError,
  CockroachDBAuthenticationError,
  CockroachDBClient,
  isConnError,
  TimeoutError,
} from '../../src/index.js';
import { type CockroachDBTestServer, startCockroachDBTestServer } from '../../src/testing/index.js';
import { databaseUrl, openDatabase, testDatabase, uniqueTable } from '../support/database.js';

/** Where writes go: every test server relays to the same database, so one table serves them all. */
const writeTable = uniqueTable('conformance_writes');
let writeSeq = 0;

/** Creates the write table through a direct connection (not through the server under test). */
async function ensureWriteTable(): Promise<void> {
  await using db = openDatabase();
  await db.execute(`CREATE TABLE IF NOT EXISTS "${writeTable}" (id INT8 PRIMARY KEY)`);
}

afterAll(async () => {
  if (testDatabase.skipReason !== undefined) return;
  await using db = openDatabase();
  await db.dropTable(writeTable);
});

const adapter: ConformanceAdapter<CockroachDBClient, CockroachDBTestServer> = {
  packageName: 'cockroachdb',
  packageDir: fileURLToPath(new URL('../..', import.meta.url)),
  moduleName: '@conn/cockroachdb',
  clientExport: 'CockroachDBClient',
  startServer: async () => {
    await ensureWriteTable();
    return startCockroachDBTestServer({ upstream: databaseUrl() });
  },
  client: (url) => CockroachDBClient.fromUrl(url),
  withPassword: urlWithPassword,
  withAddress: urlWithAddress,
  read: (client, options) => client.query('SELECT 1', [], options),
  readOperation: 'query',
  readSource: (options) => `client.query('SELECT 1', [], ${options})`,
  write: (client, options) => client.insert(writeTable, { id: ++writeSeq }, options),
  // A role that does not exist: the statement fails on the server, the test role keeps its password.
  setPassword: (client, secret, options) =>
    client.execute(`ALTER ROLE conn_no_such_role PASSWORD '${secret}'`, [], options),
  stallRequests: (server) => server.fault({ kind: 'stall' }),
  requestHeld: (server) => server.waitForHeldMessage(),
  occupyPool: async (client) => {
    // One open transaction per connection the pool may lend: each holds its connection exclusively.
    const { max } = client.stats();
    const transactions = await Promise.all(Array.from({ length: max }, () => client.transaction()));
    return async () => {
      await Promise.all(transactions.map((transaction) => transaction.rollback()));
    };
  },
  operations: ['connect', 'query', 'insert', 'ping', 'transaction'],
  eventChannels: poolEventChannels('cockroachdb'),
  authenticationError: CockroachDBAuthenticationError,
  errors: { AbortError, AuthenticationError, ClientClosedError, TimeoutError, isConnError },
};

if (testDatabase.skipReason === undefined) {
  describeConformance(adapter);
} else {
  describe.skip(`driver contract: ${adapter.moduleName} (${testDatabase.skipReason})`, () => {});
}
