/** The REST client against raw HTTP(S) servers that misbehave on purpose. */
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { type ConnError, ConnectionError, isConnError, TimeoutError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { ApertureDBRestClient } from '../../src/rest/index.js';
import { SELF_SIGNED_TLS, SERVER_TLS, TEST_CA } from '../support/tls-fixtures.js';

type Handler = (request: IncomingMessage, response: ServerResponse, index: number) => void;

interface RawServer extends AsyncDisposable {
  readonly port: number;
  /** Requests whose body arrived. */
  readonly requests: number;
  /** Resolves when every socket the server accepted has closed. */
  allSocketsClosed(): Promise<void>;
}

const STATUS_ANSWER = JSON.stringify({ json: [{ GetStatus: { status: 0 } }], blobs: [] });

async function rawServer(
  handler: Handler,
  tls?: { readonly key: string; readonly cert: string },
): Promise<RawServer> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const closedSockets: Promise<void>[] = [];
  const serve = (request: IncomingMessage, response: ServerResponse): void => {
    request.resume();
    request.on('end', () => handler(request, response, requests++));
  };
  const server: Server = tls === undefined ? http.createServer(serve) : https.createServer(tls, serve);
  server.on(tls === undefined ? 'connection' : 'secureConnection', (socket: Socket) => {
    sockets.add(socket);
    closedSockets.push(new Promise((resolve) => socket.once('close', () => resolve())));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get requests() {
      return requests;
    },
    allSocketsClosed: async () => {
      await Promise.all(closedSockets);
    },
    [Symbol.asyncDispose]: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function answer(response: ServerResponse, body: string = STATUS_ANSWER): void {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

async function rejectionOf(promise: Promise<unknown>): Promise<ConnError> {
  try {
    await promise;
  } catch (error) {
    if (isConnError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('ApertureDBRestClient failures', () => {
  it('times out against a server that never answers, says a write may have run, and leaves no socket', async () => {
    await using server = await rawServer(() => undefined);
    const db = new ApertureDBRestClient({ url: `http://127.0.0.1:${server.port}/api/` });
    const error = await rejectionOf(db.query([{ AddEntity: { class: 'Person' } }], [], { timeoutMs: 150 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.details).toMatchObject({ timeoutMs: 150, mayHaveExecuted: true });
    expect(error.retryable).toBe(false);
    const read = await rejectionOf(db.ping({ timeoutMs: 100 }));
    expect(read).toBeInstanceOf(TimeoutError);
    expect(read.details['mayHaveExecuted']).toBeUndefined();
    await db.close();
    // The deadline ended each request: the server sees every socket close.
    await server.allSocketsClosed();
    expect(server.requests).toBe(2);
  });

  it('aborts on the caller’s signal', async () => {
    await using server = await rawServer(() => undefined);
    await using db = new ApertureDBRestClient({ url: `http://127.0.0.1:${server.port}/api/` });
    const controller = new AbortController();
    const pending = rejectionOf(db.ping({ signal: controller.signal }));
    controller.abort(new Error('stop'));
    const error = await pending;
    expect(error.code).toBe('CONN_ABORTED');
  });

  it('sends a read once more when its connection broke before any answer, a write never', async () => {
    // Every first request of a pair is cut off after its body arrived; the next is answered.
    await using server = await rawServer((_request, response, index) => {
      if (index % 2 === 0) response.socket?.destroy();
      else answer(response);
    });
    await using db = new ApertureDBRestClient({ url: `http://127.0.0.1:${server.port}/api/` });
    expect(await db.ping()).toMatchObject({ port: server.port });
    expect(server.requests).toBe(2);
    const write = await rejectionOf(db.query([{ AddEntity: { class: 'Person' } }]));
    expect(write).toBeInstanceOf(ConnectionError);
    expect(write.details).toMatchObject({ mayHaveExecuted: true });
    expect(server.requests).toBe(3);
  });

  it('fails fast with a retryable ConnectionError when nothing listens', async () => {
    const closed = await rawServer(() => undefined);
    const port = closed.port;
    await closed[Symbol.asyncDispose]();
    await using db = new ApertureDBRestClient({ url: `http://127.0.0.1:${port}/api/` });
    const error = await rejectionOf(db.query([{ AddEntity: { class: 'Person' } }]));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('CONN_CONNECTION_FAILED');
    expect(error.details['mayHaveExecuted']).toBeUndefined();
  });

  it('reads a bad answer as CONN_APERTUREDB_BAD_RESPONSE', async () => {
    await using server = await rawServer((_request, response) => answer(response, '{"no":"json field"}'));
    await using db = new ApertureDBRestClient({ url: `http://127.0.0.1:${server.port}/api/` });
    expect((await rejectionOf(db.ping())).code).toBe('CONN_APERTUREDB_BAD_RESPONSE');
  });

  it('verifies certificates by default and trusts a given CA', async () => {
    await using server = await rawServer((_request, response) => answer(response), SERVER_TLS);
    const url = `https://127.0.0.1:${server.port}/api/`;
    await using untrusting = new ApertureDBRestClient({ url });
    const refused = await rejectionOf(untrusting.ping());
    expect(refused.code).toBe('CONN_TLS_FAILED');
    expect(refused.retryable).toBe(false);
    await using trusting = new ApertureDBRestClient({ url, tls: { ca: TEST_CA } });
    expect(await trusting.ping()).toMatchObject({ host: '127.0.0.1', port: server.port });
  });

  it('refuses a self-signed certificate unless told insecure', async () => {
    await using server = await rawServer((_request, response) => answer(response), SELF_SIGNED_TLS);
    const url = `https://127.0.0.1:${server.port}/api/`;
    await using verifying = new ApertureDBRestClient({ url, tls: { ca: TEST_CA } });
    expect((await rejectionOf(verifying.ping())).code).toBe('CONN_TLS_FAILED');
    await using insecure = new ApertureDBRestClient({ url, tls: { insecure: true } });
    expect(await insecure.ping()).toMatchObject({ port: server.port });
  });
});
