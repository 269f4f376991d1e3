// The driver contract (docs/driver-contract.md) for @conn/siridb, against its own test server.
import { fileURLToPath } from 'node:url';
import {
  type ConformanceAdapter,
  describeConformance,
  urlWithAddress,
  urlWithPassword,
} from '@conn/test-kit/conformance';
import {
  AbortError,
  AuthenticationError,
  ClientClosedError,
  isConnError,
  SiriDBAuthenticationError,
  SiriDBClient,
  TimeoutError,
} from '../../src/index.js';
import { type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';

const requestTotal = (server: SiriDBTestServer): number =>
  (server.requestCounts['query'] ?? 0) + (server.requestCounts['insert'] ?? 0);

/** Resolves once the server received more queries and inserts than it had when this was called. */
async function requestAfter(server: SiriDBTestServer): Promise<void> {
  const before = requestTotal(server);
  const counts = server.requestCounts;
  await Promise.race([
    server.waitForRequestCount('query', (counts['query'] ?? 0) + 1),
    server.waitForRequestCount('insert', (counts['insert'] ?? 0) + 1),
  ]);
  if (requestTotal(server) <= before) throw new Error('no request arrived');
}

let seriesSeq = 0;

const adapter: ConformanceAdapter<SiriDBClient, SiriDBTestServer> = {
  packageName: 'siridb',
  packageDir: fileURLToPath(new URL('../..', import.meta.url)),
  moduleName: '@conn/siridb',
  clientExport: 'SiriDBClient',
  startServer: () => startSiriDBTestServer(),
  client: (url) => SiriDBClient.fromUrl(url),
  withPassword: urlWithPassword,
  withAddress: urlWithAddress,
  read: (client, options) => client.query('list series', options),
  readOperation: 'query',
  readSource: (options) => `client.query('list series', ${options})`,
  write: (client, options) =>
    client.insert({ [`conformance.${++seriesSeq}`]: [[1_700_000_000_000, 1]] }, options),
  setPassword: (client, secret, options) =>
    client.query(`alter user "iris" set password "${secret}"`, options),
  stallRequests: (server) => server.fault({ kind: 'stall' }),
  requestHeld: requestAfter,
  operations: ['connect', 'query', 'insert', 'ping'],
  eventChannels: [
    'conn:siridb:host:connect',
    'conn:siridb:host:disconnect',
    'conn:siridb:host:reconnect-scheduled',
  ],
  authenticationError: SiriDBAuthenticationError,
  errors: { AbortError, AuthenticationError, ClientClosedError, TimeoutError, isConnError },
};

describeConformance(adapter);
