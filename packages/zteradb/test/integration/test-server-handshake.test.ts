import { Secret } from '@conn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { signV2 } from '../../src/protocol/index.js';
import { startZTeraDBTestServer, type ZTeraDBTestServer } from '../../src/testing/index.js';
import { sampleDatabases } from '../support/fixtures.js';
import { RawZTeraDBClient, TEST_KEY } from '../support/raw-zteradb-client.js';

const NOW = 1_716_751_200;
let server: ZTeraDBTestServer | undefined;
let client: RawZTeraDBClient | undefined;

async function start(options: { refuseNonceReuse?: boolean; clockSkewSeconds?: number } = {}) {
  server = await startZTeraDBTestServer({
    databases: sampleDatabases(),
    keys: [TEST_KEY],
    nowSeconds: () => NOW,
    ...options,
  });
  client = await RawZTeraDBClient.connect(server.port);
  return { server, client };
}

afterEach(async () => {
  client?.close();
  await server?.close();
});

describe('ZTeraDB test server: CONNECT', () => {
  it('answers a good v2 CONNECT with CONNECTED then QUERY_COMPLETE and a valid server proof', async () => {
    const { client } = await start();
    const frames = await client.handshake({ timestamp: NOW, nonce: 'n-1' });
    expect(frames.map((frame) => [frame.error, frame.response_code])).toEqual([
      [false, 2],
      [false, 1544],
    ]);
    const connected = frames[0] as { data: Record<string, unknown>; client_auth: Record<string, unknown> };
    expect(connected.data).toMatchObject({ client_key: TEST_KEY.clientKey, access_key: TEST_KEY.accessKey });
    expect(connected.data.access_token).toMatch(/^[0-9a-f]{96}$/);
    expect(connected.data.access_token_expire).toBe('2024-05-26 20:20:00');
    const proof = connected.client_auth;
    const expected = signV2({
      accessKey: new Secret(TEST_KEY.accessKey),
      secretKey: new Secret(TEST_KEY.secretKey),
      timestamp: proof.timestamp as number,
      nonce: proof.nonce as string,
    });
    expect(proof.signature).toBe(expected);
  });

  it('refuses a wrong secret with one 1280 error frame and closes', async () => {
    const { client } = await start();
    const frames = await client.handshake({ timestamp: NOW, secretKey: 'wrong' });
    expect(frames).toEqual([
      {
        error: true,
        response_code: 1280,
        data: { zteradb_error: 'Authentication failed: invalid signature' },
      },
    ]);
    expect(await client.closedByServer()).toEqual([]);
  });

  it('refuses an unknown client key', async () => {
    const { client } = await start();
    const [frame] = await client.handshake({ timestamp: NOW, clientKey: 'NOBODY' });
    expect(frame).toMatchObject({
      error: true,
      data: { zteradb_error: 'Authentication failed: unknown client_key' },
    });
    await client.closedByServer();
  });

  it('accepts a timestamp at the edge of the skew window and refuses one past it', async () => {
    const { client, server } = await start({ clockSkewSeconds: 300 });
    expect((await client.handshake({ timestamp: NOW - 300 }))[0]).toMatchObject({ response_code: 2 });
    const late = await RawZTeraDBClient.connect(server.port);
    try {
      const [frame] = await late.handshake({ timestamp: NOW + 301 });
      expect(frame).toMatchObject({
        error: true,
        data: { zteradb_error: 'Authentication failed: the timestamp is outside the allowed clock skew' },
      });
    } finally {
      late.close();
    }
  });

  it('refuses a reused nonce only when asked to', async () => {
    const { client, server } = await start({ refuseNonceReuse: true });
    expect((await client.handshake({ timestamp: NOW, nonce: 'same' }))[0]).toMatchObject({
      response_code: 2,
    });
    const replay = await RawZTeraDBClient.connect(server.port);
    try {
      const [frame] = await replay.handshake({ timestamp: NOW, nonce: 'same' });
      expect(frame).toMatchObject({
        error: true,
        data: { zteradb_error: 'Authentication failed: nonce already used' },
      });
    } finally {
      replay.close();
    }
  });

  it('accepts a reused nonce by default', async () => {
    const { client, server } = await start();
    await client.handshake({ timestamp: NOW, nonce: 'same' });
    const again = await RawZTeraDBClient.connect(server.port);
    try {
      expect((await again.handshake({ timestamp: NOW, nonce: 'same' }))[0]).toMatchObject({
        response_code: 2,
      });
    } finally {
      again.close();
    }
  });

  it('refuses a QUERY before CONNECT', async () => {
    const { client } = await start();
    const frames = await client.query({ sh: 'user', qt: 2 });
    expect(frames).toEqual([
      {
        error: true,
        response_code: 1280,
        data: { zteradb_error: 'Authentication failed: the first request must be CONNECT' },
      },
    ]);
    await client.closedByServer();
  });

  it('records every received frame with its header', async () => {
    const { client, server } = await start();
    await client.handshake({ timestamp: NOW, nonce: 'recorded' });
    expect(server.receivedFrames).toHaveLength(1);
    const [received] = server.receivedFrames;
    expect(received?.connection).toBe(1);
    expect(received?.frame).toMatchObject({
      request_type: 1,
      nonce: 'recorded',
      client_key: TEST_KEY.clientKey,
    });
    const length = Buffer.byteLength(JSON.stringify(received?.frame), 'utf8');
    expect(received?.headerHex).toBe(length.toString(16).padStart(8, '0'));
  });

  it('answers a non-object JSON frame with a parse error and closes', async () => {
    const { client } = await start();
    const payload = Buffer.from('[1,2]', 'utf8');
    const header = Buffer.alloc(4);
    header.writeUInt32BE(payload.length);
    client.sendBytes(Buffer.concat([header, payload]));
    const [frame] = await client.readResponse();
    expect(frame).toMatchObject({ error: true, response_code: 0x0100 });
    await client.closedByServer();
  });

  it('close() is idempotent and await using closes the server', async () => {
    let port = 0;
    {
      await using scoped = await startZTeraDBTestServer({ databases: sampleDatabases(), keys: [TEST_KEY] });
      port = scoped.port;
      expect(scoped.url).toBe(
        `zteradb://${TEST_KEY.accessKey}:${TEST_KEY.secretKey}@127.0.0.1:${String(port)}/DB1?clientKey=${TEST_KEY.clientKey}&env=dev`,
      );
      await scoped.close();
    }
    await expect(RawZTeraDBClient.connect(port)).rejects.toThrow();
  });
});
