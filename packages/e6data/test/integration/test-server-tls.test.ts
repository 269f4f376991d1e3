import { readFileSync } from 'node:fs';
import { credentials, status as GrpcCode } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type E6DataTestServer, startE6DataTestServer } from '../../src/testing/index.js';
import { BareClient } from '../support/bare-client.js';
import { FakeEngine } from '../support/fake-engine.js';
import { login } from '../support/session.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url));
const CA = fixture('ca.pem');

let server: E6DataTestServer;
const clients: BareClient[] = [];
const clientWith = (channel = credentials.createSsl(CA), serverName?: string): BareClient => {
  const client = new BareClient(server.port, channel, serverName);
  clients.push(client);
  return client;
};

beforeEach(async () => {
  server = await startE6DataTestServer({
    engine: new FakeEngine(),
    tls: { key: fixture('server-key.pem'), cert: fixture('server.pem') },
  });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server.close();
});

describe('e6data test server over TLS', () => {
  it('says secure=true in its URL', () => {
    expect(new URL(server.url).searchParams.get('secure')).toBe('true');
  });

  it('answers a client that trusts the test CA, by IP address and by name', async () => {
    expect(await login(clientWith())).not.toBe('');
    expect(await login(clientWith(credentials.createSsl(CA), 'localhost'))).not.toBe('');
    expect(server.callCount('authenticate')).toBe(2);
  });

  it('is refused by a client expecting another name', async () => {
    const error = await clientWith(credentials.createSsl(CA), 'example.com').fail('authenticate', {});
    expect(error.code).toBe(GrpcCode.UNAVAILABLE);
  });

  it('is refused by a client that trusts only the system roots', async () => {
    const error = await clientWith(credentials.createSsl()).fail('authenticate', {});
    expect(error.code).toBe(GrpcCode.UNAVAILABLE);
    expect(server.callCount('authenticate')).toBe(0);
  });

  it('does not answer a plaintext client', async () => {
    const error = await clientWith(credentials.createInsecure()).fail('authenticate', {});
    expect(error.code).toBe(GrpcCode.UNAVAILABLE);
    expect(server.callCount('authenticate')).toBe(0);
  });
});
