// The driver contract (docs/driver-contract.md) for @conn/e6data, against its own test server.
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
  E6DataAuthenticationError,
  E6DataClient,
  isConnError,
  TimeoutError,
} from '../../src/index.js';
import { type E6DataTestServer, startE6DataTestServer } from '../../src/testing/index.js';

/** The test server's URL names catalog `test`, so queries execute with executeStatementV2. */
const EXECUTE = 'executeStatementV2';

const adapter: ConformanceAdapter<E6DataClient, E6DataTestServer> = {
  packageName: 'e6data',
  packageDir: fileURLToPath(new URL('../..', import.meta.url)),
  moduleName: '@conn/e6data',
  clientExport: 'E6DataClient',
  startServer: () => startE6DataTestServer(),
  client: (url) => E6DataClient.fromUrl(url),
  withPassword: urlWithPassword,
  withAddress: urlWithAddress,
  read: (client, options) => client.query('SELECT 1 AS one', undefined, options),
  readOperation: 'query',
  readSource: (options) => `client.query('SELECT 1 AS one', undefined, ${options})`,
  write: (client, options) =>
    client.query('CREATE TABLE IF NOT EXISTS conformance_writes (a INTEGER)', undefined, options),
  setPassword: (client, secret, options) => client.query('ALTER USER app PASSWORD ?', [secret], options),
  // A statement is sent once its execute is: the server holds executes unanswered.
  stallRequests: (server) => server.fault({ kind: 'stall', method: EXECUTE }),
  requestHeld: (server) => server.waitForCall(EXECUTE, server.callCount(EXECUTE) + 1),
  // Every call shares one HTTP/2 channel: no call waits for a pool.
  operations: ['connect', 'ping', 'query'],
  eventChannels: [],
  authenticationError: E6DataAuthenticationError,
  errors: { AbortError, AuthenticationError, ClientClosedError, TimeoutError, isConnError },
};

describeConformance(adapter);
