// Test servers and clients a test file starts, closed after each of its tests.
import { afterEach } from 'vitest';
import { ZTeraDBClient } from '../../src/client.js';
import type { ZTeraDBClientOptions } from '../../src/options.js';
import { RequestType } from '../../src/protocol/index.js';
import {
  startZTeraDBTestServer,
  type ZTeraDBTestServer,
  type ZTeraDBTestServerOptions,
} from '../../src/testing/index.js';
import { sampleDatabases } from './fixtures.js';
import { TEST_KEY } from './raw-zteradb-client.js';

/** Call once at the top of a test file; everything it starts is closed after each test. */
export function useZTeraDB() {
  const servers: ZTeraDBTestServer[] = [];
  const clients: ZTeraDBClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close({ timeoutMs: 1_000 });
    for (const server of servers.splice(0)) await server.close();
  });
  return {
    /** A test server with the sample data and the test key unless `options` say otherwise. */
    async startServer(options: Partial<ZTeraDBTestServerOptions> = {}): Promise<ZTeraDBTestServer> {
      const server = await startZTeraDBTestServer({
        databases: sampleDatabases(),
        keys: [TEST_KEY],
        ...options,
      });
      servers.push(server);
      return server;
    },
    /** `ZTeraDBClient.fromUrl(server.url, overrides)`. */
    clientOf(server: ZTeraDBTestServer, overrides: Partial<ZTeraDBClientOptions> = {}): ZTeraDBClient {
      const client = ZTeraDBClient.fromUrl(server.url, overrides);
      clients.push(client);
      return client;
    },
  };
}

/** How many frames of a request type the server received. */
export const framesOf = (server: ZTeraDBTestServer, requestType: number): number =>
  server.receivedFrames.filter(({ frame }) => frame.request_type === requestType).length;

/** How many CONNECT frames the server received (one per connection opened). */
export const connectFrames = (server: ZTeraDBTestServer): number => framesOf(server, RequestType.CONNECT);
