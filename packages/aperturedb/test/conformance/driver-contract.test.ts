// The driver contract (docs/driver-contract.md) for @conn/aperturedb, against its own test server.
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
  ApertureDBAuthenticationError,
  ApertureDBClient,
  AuthenticationError,
  ClientClosedError,
  isConnError,
  TimeoutError,
} from '../../src/index.js';
import { type ApertureDBTestServer, startApertureDBTestServer } from '../../src/testing/index.js';

/** The server the current check started: occupyPool stalls its requests to hold connections. */
let current: ApertureDBTestServer | undefined;

const adapter: ConformanceAdapter<ApertureDBClient, ApertureDBTestServer> = {
  packageName: 'aperturedb',
  packageDir: fileURLToPath(new URL('../..', import.meta.url)),
  moduleName: '@conn/aperturedb',
  clientExport: 'ApertureDBClient',
  startServer: async () => {
    current = await startApertureDBTestServer();
    return current;
  },
  client: (url) => ApertureDBClient.fromUrl(url),
  withPassword: urlWithPassword,
  withAddress: urlWithAddress,
  read: (client, options) => client.query([{ GetStatus: {} }], [], options),
  readOperation: 'query',
  readSource: (options) => `client.query([{ GetStatus: {} }], [], ${options})`,
  write: (client, options) =>
    client.query([{ AddEntity: { class: 'Item', properties: { name: 'x' } } }], [], options),
  setPassword: (client, secret, options) =>
    // UpdateUser is not among the typed commands: the query goes as JSON text.
    client.query(JSON.stringify([{ UpdateUser: { username: 'admin', password: secret } }]), [], options),
  stallRequests: (server) => server.fault({ kind: 'stall' }),
  requestHeld: (server) => server.waitForRequestCount(server.requestCount + 1),
  occupyPool: async (client) => {
    const server = current as ApertureDBTestServer;
    // The session first, so that each held request is a query (one per connection), not an Authenticate.
    await client.connect();
    const { max } = client.stats();
    const before = server.requestCount;
    server.fault({ kind: 'stall', times: max });
    const held = Array.from({ length: max }, () => client.query([{ GetStatus: {} }]));
    await server.waitForRequestCount(before + max);
    return async () => {
      server.clearFaults();
      await Promise.all(held);
    };
  },
  operations: ['connect', 'ping', 'query'],
  eventChannels: poolEventChannels('aperturedb'),
  authenticationError: ApertureDBAuthenticationError,
  errors: { AbortError, AuthenticationError, ClientClosedError, TimeoutError, isConnError },
};

describeConformance(adapter);
