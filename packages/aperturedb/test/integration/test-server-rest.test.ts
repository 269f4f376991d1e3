import { describe, expect, it } from 'vitest';
import { startApertureDBTestServer } from '../../src/testing/index.js';
import { RawApertureDBClient, sessionTokenOf } from '../support/raw-aperturedb-client.js';

interface RestAnswer {
  readonly status: number;
  readonly body: { json: unknown; blobs?: string[]; info?: string };
}

/** The request shape the official REST connector sends: a `query` part, then `blobs` parts. */
async function post(
  port: number,
  query: unknown,
  token?: string,
  blobs: Uint8Array[] = [],
): Promise<RestAnswer> {
  const form = new FormData();
  form.append('query', JSON.stringify(query));
  for (const blob of blobs) form.append('blobs', new Blob([blob]), 'blobs');
  const response = await fetch(`http://127.0.0.1:${port}/api/`, {
    method: 'POST',
    body: form,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as RestAnswer['body'] };
}

describe('ApertureDB test server: the REST variant', () => {
  it('serves POST /api/ with multipart in and {json, blobs} out, sharing sessions with the socket', async () => {
    await using server = await startApertureDBTestServer({ rest: true });
    const restPort = server.restPort as number;
    expect(restPort).not.toBe(server.port);
    const login = await post(restPort, [{ Authenticate: { username: 'admin', password: 'admin' } }]);
    expect(login.status).toBe(200);
    const token = sessionTokenOf(login.body.json);
    const stored = await post(restPort, [{ AddBlob: { properties: { name: 'b' } } }], token, [
      Uint8Array.from([0, 1, 2, 255]),
    ]);
    expect(stored.body.json).toEqual([{ AddBlob: { status: 0 } }]);
    const found = await post(restPort, [{ FindBlob: { blobs: true } }], token);
    expect(found.body.blobs).toEqual([Buffer.from([0, 1, 2, 255]).toString('base64')]);
    expect(server.receivedMessages.at(1)).toMatchObject({ connection: 0, blobSizes: [4], token });
    // Sessions are global: the REST token works on a socket.
    const client = await RawApertureDBClient.open(server.port, 'tcp');
    expect(await client.query([{ FindBlob: { results: { count: true } } }], token)).toMatchObject([
      { FindBlob: { count: 1 } },
    ]);
    client.destroy();
  });

  it('answers a query without a session with the Not Authenticated! object', async () => {
    await using server = await startApertureDBTestServer({ rest: true });
    const answer = await post(server.restPort as number, [{ FindEntity: { results: { count: true } } }]);
    expect(answer).toEqual({
      status: 200,
      body: { json: { info: 'Not Authenticated!', status: -1 }, blobs: [] },
    });
  });

  it('refuses other paths, other methods and bodies without a query part', async () => {
    await using server = await startApertureDBTestServer({ rest: true });
    const base = `http://127.0.0.1:${server.restPort as number}`;
    expect((await fetch(`${base}/api`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}/api/`)).status).toBe(405);
    const form = new FormData();
    form.append('other', 'x');
    expect((await fetch(`${base}/api/`, { method: 'POST', body: form })).status).toBe(400);
    expect(server.requestCount).toBe(0);
  });

  it('has no REST port unless asked', async () => {
    await using server = await startApertureDBTestServer();
    expect(server.restPort).toBeUndefined();
  });
});
