import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { optionsFromUrl } from '../../src/options.js';
import { encodeHello } from '../../src/protocol/index.js';
import { startApertureDBTestServer } from '../../src/testing/index.js';
import { AUTHENTICATE_ADMIN, RawApertureDBClient, sessionTokenOf } from '../support/raw-aperturedb-client.js';
import { SELF_SIGNED_TLS, SERVER_TLS, TEST_CA } from '../support/tls-fixtures.js';

describe('ApertureDB test server: the in-place TLS upgrade', () => {
  it('upgrades the same socket after the hello, then serves Authenticate and GetStatus inside TLS', async () => {
    await using server = await startApertureDBTestServer({ tls: SERVER_TLS });
    expect(server.url).toBe(`aperturedb://admin:admin@127.0.0.1:${server.port}?useSsl=true`);
    expect(optionsFromUrl(server.url)).toMatchObject({ host: '127.0.0.1', port: server.port, useSsl: true });
    const client = await RawApertureDBClient.open(server.port, 'tls', {
      ca: TEST_CA,
      servername: 'localhost',
    });
    const token = sessionTokenOf(await client.query(AUTHENTICATE_ADMIN));
    const status = (await client.query([{ GetStatus: {} }], token)) as [{ GetStatus: { status: number } }];
    expect(status[0].GetStatus.status).toBe(0);
    expect(server.receivedMessages.map((message) => message.token)).toEqual([undefined, token]);
    client.destroy();
  });

  it('an "any" hello to a TLS-capable server gets the TLS bit (TLS wins)', async () => {
    await using server = await startApertureDBTestServer({ tls: SERVER_TLS });
    const client = await RawApertureDBClient.connect(server.port);
    client.sendBytes(encodeHello('any'));
    expect((await client.readBytes(12)).toString('hex')).toBe('080000000100000003000000');
    await client.upgrade({ ca: TEST_CA, servername: 'localhost' });
    expect(await client.query([{ FindEntity: { results: { count: true } } }])).toEqual({
      info: 'Not Authenticated!',
      status: -1,
    });
    client.destroy();
  });

  it('a TLS-capable server still serves cleartext to a TCP hello by default', async () => {
    await using server = await startApertureDBTestServer({ tls: SERVER_TLS });
    const client = await RawApertureDBClient.open(server.port, 'tcp');
    expect(sessionTokenOf(await client.query(AUTHENTICATE_ADMIN))).toMatch(/^adbs_/);
    client.destroy();
  });

  it('a self-signed certificate is refused by a client that verifies (the default)', async () => {
    await using server = await startApertureDBTestServer({ tls: SELF_SIGNED_TLS, protocols: 'tls' });
    await expect(
      RawApertureDBClient.open(server.port, 'tls', { servername: 'localhost' }),
    ).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    // The failed handshake ends that connection on the server too.
    await server.waitForConnectionCount(0);
    expect(server.requestCount).toBe(0);
  });

  it('feeds bytes sent right behind the hello (the ClientHello) into TLS: nothing is lost', async () => {
    await using server = await startApertureDBTestServer({ tls: SERVER_TLS, protocols: 'tls' });
    const raw = await RawApertureDBClient.connect(server.port);
    // A TLS client over a stream that hides the 12-byte hello reply; the hello and the ClientHello
    // leave in one corked write, so the server reads them together.
    const socket = raw.socket;
    socket.removeAllListeners('data');
    let skipped = 0;
    const tunnel = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        socket.write(chunk, callback);
        socket.uncork();
      },
    });
    socket.on('data', (chunk: Buffer) => {
      const skip = Math.min(12 - skipped, chunk.length);
      skipped += skip;
      if (chunk.length > skip) tunnel.push(chunk.subarray(skip));
    });
    socket.cork();
    socket.write(encodeHello('tls'));
    const secure = tls.connect({ socket: tunnel, ca: TEST_CA, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    expect(skipped).toBe(12);
    secure.destroy();
    socket.destroy();
  });
});
