import { describe, expect, it } from 'vitest';
import { negotiateHello, startApertureDBTestServer } from '../../src/testing/index.js';
import { RawApertureDBClient } from '../support/raw-aperturedb-client.js';
import { SERVER_TLS } from '../support/tls-fixtures.js';

/** A hello frame with any version and protocol. */
function hello(version: number, protocol: number): Buffer {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32LE(8, 0);
  bytes.writeUInt32LE(version, 4);
  bytes.writeUInt32LE(protocol, 8);
  return bytes;
}

async function exchange(port: number, request: Buffer): Promise<{ reply: string; closed: boolean }> {
  const client = await RawApertureDBClient.connect(port);
  client.sendBytes(request);
  const reply = (await client.readBytes(12)).toString('hex');
  return { reply, closed: await Promise.race([client.closed.then(() => true), keepsOpen(client)]) };
}

/** False once the connection proved usable (a request answered); only called for agreed hellos. */
async function keepsOpen(client: RawApertureDBClient): Promise<boolean> {
  client.send({ json: JSON.stringify([{ GetStatus: {} }]) });
  await client.next();
  client.destroy();
  return false;
}

describe('ApertureDB test server: the hello', () => {
  it('answers the cleartext hello with the exact bytes {1, 1} and then serves frames', async () => {
    await using server = await startApertureDBTestServer();
    const client = await RawApertureDBClient.connect(server.port);
    client.sendBytes(Buffer.from('080000000100000001000000', 'hex'));
    expect((await client.readBytes(12)).toString('hex')).toBe('080000000100000001000000');
    // A query without a token: the database answers Not Authenticated!, which proves a frame came back.
    client.send({ json: JSON.stringify([{ FindEntity: { results: { count: true } } }]) });
    expect(JSON.parse((await client.next()).json)).toEqual({ info: 'Not Authenticated!', status: -1 });
    client.destroy();
  });

  it('a TCP-only server replies protocol 0 to a TLS hello and closes', async () => {
    await using server = await startApertureDBTestServer();
    const client = await RawApertureDBClient.connect(server.port);
    client.sendBytes(hello(1, 2));
    expect((await client.readBytes(12)).toString('hex')).toBe('080000000100000000000000');
    await client.closed;
    expect(client.pendingBytes).toBe(0);
  });

  it('a TLS-only server replies protocol 0 to a cleartext hello and closes', async () => {
    await using server = await startApertureDBTestServer({ tls: SERVER_TLS, protocols: 'tls' });
    const client = await RawApertureDBClient.connect(server.port);
    client.sendBytes(hello(1, 1));
    expect((await client.readBytes(12)).toString('hex')).toBe('080000000100000000000000');
    await client.closed;
  });

  it('replies {0, 0} to hello version 2 and closes', async () => {
    await using server = await startApertureDBTestServer();
    const client = await RawApertureDBClient.connect(server.port);
    client.sendBytes(hello(2, 1));
    expect((await client.readBytes(12)).toString('hex')).toBe('080000000000000000000000');
    await client.closed;
  });

  it('replies requested & allowed: an "any" hello gets TCP from a TCP-only server', async () => {
    await using server = await startApertureDBTestServer();
    const { reply, closed } = await exchange(server.port, hello(1, 3));
    expect(reply).toBe('080000000100000001000000');
    expect(closed).toBe(false);
  });

  it('closes without a reply when the first frame is not an 8-byte hello', async () => {
    await using server = await startApertureDBTestServer();
    const client = await RawApertureDBClient.connect(server.port);
    client.sendBytes(Buffer.from('0900000001000000010000', 'hex'));
    client.sendBytes(Buffer.from('00', 'hex'));
    await client.closed;
    expect(client.pendingBytes).toBe(0);
  });

  it('negotiateHello: TLS wins when both are agreed; 0 closes', () => {
    expect(negotiateHello(hello(1, 3), 'any')).toEqual({ reply: hello(1, 3), next: 'tls' });
    expect(negotiateHello(hello(1, 2), 'any')).toEqual({ reply: hello(1, 2), next: 'tls' });
    expect(negotiateHello(hello(1, 1), 'any')).toEqual({ reply: hello(1, 1), next: 'tcp' });
    expect(negotiateHello(hello(1, 3), 'tls')).toEqual({ reply: hello(1, 2), next: 'tls' });
    expect(negotiateHello(hello(1, 0), 'any')).toEqual({ reply: hello(1, 0), next: 'close' });
    expect(negotiateHello(hello(0, 1), 'any')).toEqual({ reply: hello(0, 0), next: 'close' });
  });

  it('refuses options it cannot serve', async () => {
    await expect(startApertureDBTestServer({ protocols: 'tls' })).rejects.toMatchObject({
      name: 'ConfigError',
    });
  });
});
