import { status as GrpcCode } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type E6DataTestServer, startE6DataTestServer } from '../../src/testing/index.js';
import { BareClient } from '../support/bare-client.js';
import { FakeEngine } from '../support/fake-engine.js';
import { login } from '../support/session.js';

const TTL_MS = 1000;
let clock: number;
let server: E6DataTestServer;
let client: BareClient;

beforeEach(async () => {
  clock = 1_000_000;
  server = await startE6DataTestServer({ engine: new FakeEngine(), sessionTtlMs: TTL_MS, now: () => clock });
  client = new BareClient(server.port);
});

afterEach(async () => {
  client.close();
  await server.close();
});

const schemas = (sessionId: string) => client.call('getSchemaNamesV2', { sessionId, catalog: 'test' });

describe('e6data test server sessions with sessionTtlMs', () => {
  it('refuses a session unused for longer than the TTL with Access denied', async () => {
    const sessionId = await login(client);
    clock += TTL_MS + 1;
    const error = await client.fail('getSchemaNamesV2', { sessionId, catalog: 'test' });
    expect(error.code).toBe(GrpcCode.INTERNAL);
    expect(error.details).toBe('Access denied: session expired or unknown');
    expect(server.sessionCount).toBe(0);
  });

  it('renews the TTL on every use (sliding)', async () => {
    const sessionId = await login(client);
    clock += TTL_MS;
    await schemas(sessionId);
    clock += TTL_MS;
    expect((await schemas(sessionId)).sessionId).toBe(sessionId);
    expect(server.sessionCount).toBe(1);
  });
});
