import {
  startZTeraDBTestServer,
  type ZTeraDBTestServer,
  type ZTeraDBTestServerOptions,
} from '../../src/testing/index.js';
import { sampleDatabases } from './fixtures.js';
import { RawZTeraDBClient, TEST_KEY } from './raw-zteradb-client.js';

/** A test server over the sample data and one client that has completed the handshake. */
export interface ConnectedServer {
  readonly server: ZTeraDBTestServer;
  readonly client: RawZTeraDBClient;
  close(): Promise<void>;
}

export async function connectedServer(
  options: Partial<ZTeraDBTestServerOptions> = {},
): Promise<ConnectedServer> {
  const server = await startZTeraDBTestServer({ databases: sampleDatabases(), keys: [TEST_KEY], ...options });
  const client = await RawZTeraDBClient.connect(server.port);
  const handshake = await client.handshake();
  if (handshake[0]?.response_code !== 2) throw new Error(`handshake failed: ${JSON.stringify(handshake)}`);
  return {
    server,
    client,
    close: async () => {
      client.close();
      await server.close();
    },
  };
}
