import { connect } from 'node:http2';
import { status as GrpcCode } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeGrpcFrame } from '../../src/protocol/grpc-frame.js';
import { RPC } from '../../src/protocol/messages.js';
import { type E6DataTestServer, startE6DataTestServer } from '../../src/testing/index.js';
import { aborted } from '../support/aborted.js';
import { BareClient } from '../support/bare-client.js';
import { BLOCKING_SQL, FakeEngine } from '../support/fake-engine.js';
import { login, prepare } from '../support/session.js';

let engine: FakeEngine;
let server: E6DataTestServer;
let client: BareClient;

beforeEach(async () => {
  engine = new FakeEngine();
  server = await startE6DataTestServer({ engine });
  client = new BareClient(server.port);
});

afterEach(async () => {
  client.close();
  await server.close();
});

/** Sends executeStatementV2 over a plain HTTP/2 stream with `grpc-timeout`; resolves with the response headers. */
function rawExecute(
  query: { sessionId: string; queryId: string; engineIP: string },
  grpcTimeout: string,
): Promise<Record<string, unknown>> {
  const session = connect(`http://127.0.0.1:${String(server.port)}`);
  const rpc = RPC.executeStatementV2;
  const stream = session.request({
    ':method': 'POST',
    ':path': rpc.path,
    'content-type': 'application/grpc',
    te: 'trailers',
    plannerip: query.engineIP,
    'grpc-timeout': grpcTimeout,
  });
  stream.end(encodeGrpcFrame(rpc.request.encode(query).finish()));
  return new Promise((resolve, reject) => {
    stream.once('response', (headers) => {
      session.close();
      resolve({ ...headers });
    });
    stream.once('error', reject);
  });
}

describe('e6data test server: abandoned execute calls', () => {
  it('aborts the running statement when the client cancels the call', async () => {
    const sessionId = await login(client);
    const p = await prepare(client, sessionId, BLOCKING_SQL);
    const running = engine.nextBlocking();
    const execute = client.start('executeStatementV2', p.query, p.headers);
    const outcome = execute.response.catch((error: { code?: number }) => error.code);
    const signal = await running;
    expect(signal.aborted).toBe(false);
    execute.call.cancel();
    await aborted(signal);
    expect(await outcome).toBe(GrpcCode.CANCELLED);
    expect(server.cancelledQueryIds).toEqual([p.queryId]);
    const status = await client.call('status', p.query, p.headers);
    expect(status.status).toBe(false);
  });

  it('aborts the running statement when the grpc-js deadline passes', async () => {
    const sessionId = await login(client);
    const p = await prepare(client, sessionId, BLOCKING_SQL);
    const running = engine.nextBlocking();
    const deadline = new Date(Date.now() + 50);
    const failed = client.fail('executeStatementV2', p.query, p.headers, { deadline });
    await aborted(await running);
    expect((await failed).code).toBe(GrpcCode.DEADLINE_EXCEEDED);
    expect(server.cancelledQueryIds).toEqual([p.queryId]);
  });

  it('answers DEADLINE_EXCEEDED itself when the grpc-timeout header passes', async () => {
    const sessionId = await login(client);
    const p = await prepare(client, sessionId, BLOCKING_SQL);
    const running = engine.nextBlocking();
    const response = rawExecute(p.query, '20m');
    await aborted(await running);
    const headers = await response;
    expect(headers['grpc-status']).toBe(String(GrpcCode.DEADLINE_EXCEEDED));
    expect(headers['grpc-message']).toBe('Deadline exceeded');
    expect(server.cancelledQueryIds).toEqual([p.queryId]);
  });

  it('ignores a malformed grpc-timeout header', async () => {
    const sessionId = await login(client);
    const p = await prepare(client, sessionId, BLOCKING_SQL);
    const running = engine.nextBlocking();
    const response = rawExecute(p.query, '20 minutes');
    const signal = await running;
    await client.call('cancelQuery', p.query, p.headers);
    expect(await aborted(signal)).toBeInstanceOf(Error);
    const headers = await response;
    expect(headers['grpc-message']).toBe(`Query cancelled: ${p.queryId}`);
  });
});
