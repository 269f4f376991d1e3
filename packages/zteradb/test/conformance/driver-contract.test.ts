// The driver contract (docs/driver-contract.md) for @conn/zteradb, against its own test server.
import { fileURLToPath } from 'node:url';
import {
  type ConformanceAdapter,
  describeConformance,
  poolEventChannels,
  urlWithAddress,
  urlWithPassword,
} from '@conn/test-kit/conformance';
import {
  AbortError,
  AuthenticationError,
  ClientClosedError,
  isConnError,
  TimeoutError,
  ZTeraDBAuthenticationError,
  ZTeraDBClient,
  ZTeraDBQuery,
} from '../../src/index.js';
import { startZTeraDBTestServer, type ZTeraDBTestServer } from '../../src/testing/index.js';
import { sampleDatabases } from '../support/fixtures.js';
import { TEST_KEY } from '../support/raw-zteradb-client.js';

/** Enough rows that a select left unread holds its connection (the reader pauses at its high-water mark). */
const manyRows = Array.from({ length: 5_000 }, (_, id) => ({ id, note: 'row' }));

const adapter: ConformanceAdapter<ZTeraDBClient, ZTeraDBTestServer> = {
  packageName: 'zteradb',
  packageDir: fileURLToPath(new URL('../..', import.meta.url)),
  moduleName: '@conn/zteradb',
  clientExport: 'ZTeraDBClient',
  startServer: () =>
    startZTeraDBTestServer({
      databases: { DB1: { ...sampleDatabases().DB1, many: manyRows } },
      keys: [TEST_KEY],
    }),
  client: (url) => ZTeraDBClient.fromUrl(url),
  // The URL's password is the secret key.
  withPassword: urlWithPassword,
  withAddress: urlWithAddress,
  read: (client, options) => client.run(ZTeraDBQuery('user').select(), options).toArray(),
  readOperation: 'run',
  readSource: (options) => `client.run({ sh: 'user', qt: 2 }, ${options}).toArray()`,
  write: (client, options) =>
    client.insert(ZTeraDBQuery('user').insert().fields({ email: 'c@x.io' }), options),
  setPassword: (client, secret, options) =>
    client.update(ZTeraDBQuery('user').update().fields({ password: secret }).filter({ id: 1 }), options),
  stallRequests: (server) => server.fault({ kind: 'stall' }),
  requestHeld: (server) => server.waitForQueryCount(server.queryCount + 1),
  occupyPool: async (client) => {
    // A select whose rows are not read holds its connection: one per connection the pool may lend.
    const { max } = client.stats();
    const readers = Array.from({ length: max }, () =>
      client.run(ZTeraDBQuery('many').select())[Symbol.asyncIterator](),
    );
    await Promise.all(readers.map((reader) => reader.next()));
    return async () => {
      await Promise.all(readers.map((reader) => reader.return?.()));
    };
  },
  operations: ['connect', 'ping', 'run', 'count', 'insert', 'update', 'delete'],
  eventChannels: poolEventChannels('zteradb'),
  authenticationError: ZTeraDBAuthenticationError,
  errors: { AbortError, AuthenticationError, ClientClosedError, TimeoutError, isConnError },
};

describeConformance(adapter);
