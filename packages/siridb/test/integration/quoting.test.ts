// The quoting helpers against the test server: hostile names are selected, listed and dropped
// exactly, and unsafe text never reaches the server.
import { afterAll, beforeAll, describe } from 'vitest';
import { SiriDBClient } from '../../src/index.js';
import { type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';
import { type HostileTarget, hostileQuotingTests } from '../support/hostile-quoting.js';

describe('quoting hostile names (test server)', () => {
  let server: SiriDBTestServer;
  let target: HostileTarget;

  beforeAll(async () => {
    server = await startSiriDBTestServer();
    const client = SiriDBClient.fromUrl(server.url);
    target = {
      client,
      prefix: 'hostile.',
      now: 1_700_000_000_123,
      sentQueries: () => server.requestCounts['query'] ?? 0,
    };
  });

  afterAll(async () => {
    await target.client.close();
    await server.close();
  });

  hostileQuotingTests(() => target);
});
