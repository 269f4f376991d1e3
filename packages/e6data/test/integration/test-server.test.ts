import { Client, credentials, status as GrpcCode, type ServiceError } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeResultMetadata } from '../../src/protocol/metadata.js';
import { type E6DataTestServer, startE6DataTestServer } from '../../src/testing/index.js';
import { BareClient } from '../support/bare-client.js';
import {
  BLOCKING_SQL,
  FAILING_MESSAGE,
  FAILING_SQL,
  FakeEngine,
  NUMBERS_BATCHES,
  NUMBERS_METADATA,
  NUMBERS_SQL,
} from '../support/fake-engine.js';

const USER = 'test@example.com';
const TOKEN = 'test-token';
const bytes = (value: Uint8Array | null | undefined): Uint8Array => new Uint8Array(value ?? []);

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

async function login(headers = {}): Promise<string> {
  const { sessionId } = await client.call('authenticate', { user: USER, password: TOKEN }, headers);
  return sessionId ?? '';
}

async function prepared(sessionId: string, sql = NUMBERS_SQL, headers = {}) {
  const response = await client.call(
    'prepareStatementV2',
    { sessionId, schema: 'main', catalog: 'test', queryString: sql },
    headers,
  );
  const queryId = response.queryId ?? '';
  const engineIP = response.engineIP ?? '';
  return {
    queryId,
    engineIP,
    query: { sessionId, queryId, engineIP },
    headers: { ...headers, plannerip: engineIP },
  };
}

async function executed(sessionId: string, sql = NUMBERS_SQL, headers = {}) {
  const p = await prepared(sessionId, sql, headers);
  await client.call('executeStatementV2', p.query, p.headers);
  return p;
}

describe('e6data test server', () => {
  it('listens on 127.0.0.1 and gives a URL with the default credentials', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(
      `e6data://test%40example.com:test-token@127.0.0.1:${server.port}/?schema=main&catalog=test&cluster-name=test-cluster&secure=false`,
    );
  });

  it('runs the whole lifecycle', async () => {
    const sessionId = await login();
    expect(sessionId).not.toBe('');
    const p = await prepared(sessionId);
    expect(p.engineIP).toBe('127.0.0.1');
    const execution = await client.call('executeStatementV2', p.query, p.headers);
    expect(execution.sessionId).toBe(sessionId);
    expect(engine.executed).toEqual([{ sql: NUMBERS_SQL, schema: 'main' }]);
    const metadata = await client.call('getResultMetadata', p.query, p.headers);
    expect(decodeResultMetadata(bytes(metadata.resultMetaData))).toEqual(NUMBERS_METADATA);
    const batches: Uint8Array[] = [];
    for (;;) {
      const batch = await client.call('getNextResultBatch', p.query, p.headers);
      expect(batch.sessionId).toBe(sessionId);
      if (bytes(batch.resultBatch).byteLength === 0) break;
      batches.push(bytes(batch.resultBatch));
    }
    expect(batches).toEqual(NUMBERS_BATCHES.map((b) => new Uint8Array(b)));
    const again = await client.call('getNextResultBatch', p.query, p.headers);
    expect(bytes(again.resultBatch).byteLength).toBe(0);
    const status = await client.call('status', p.query, p.headers);
    expect(status.status).toBe(true);
    expect(Number(status.rowCount)).toBe(5);
    const analyzed = await client.call('explainAnalyze', p.query, p.headers);
    expect(JSON.parse(analyzed.explainAnalyze ?? '')).toEqual({
      total_query_time: 15,
      executionQueueingTime: 5,
      parsingTime: 3,
    });
    expect(Number(analyzed.parsingTime)).toBe(3);
    expect(Number(analyzed.queueingTime)).toBe(5);
    expect(server.openQueries).toBe(1);
    await client.call('clearOrCancelQuery', p.query, p.headers);
    expect(server.openQueries).toBe(0);
    const gone = await client.fail('status', p.query, p.headers);
    expect(gone.code).toBe(GrpcCode.NOT_FOUND);
    expect(gone.details).toBe(`Query not found: ${p.queryId}`);
  });

  it('answers the catalog calls from the engine', async () => {
    const sessionId = await login();
    expect((await client.call('getSchemaNamesV2', { sessionId, catalog: 'test' })).schemas).toEqual([
      'main',
      'sales',
    ]);
    expect((await client.call('getTablesV2', { sessionId, schema: 'main', catalog: 'test' })).tables).toEqual(
      ['numbers'],
    );
    const columns = await client.call('getColumnsV2', {
      sessionId,
      schema: 'main',
      table: 'numbers',
      catalog: 't',
    });
    expect(columns.fieldInfo?.map((f) => ({ ...f }))).toEqual([{ fieldName: 'id', fieldType: 'long' }]);
  });

  it('refuses a bad password with INTERNAL Access denied', async () => {
    const error = await client.fail('authenticate', { user: USER, password: 'wrong' });
    expect(error.code).toBe(GrpcCode.INTERNAL);
    expect(error.details).toBe('Access denied: invalid credentials');
  });

  it('refuses an unknown or forgotten session with Access denied', async () => {
    const unknown = await client.fail('prepareStatementV2', { sessionId: 'nope', queryString: NUMBERS_SQL });
    expect(unknown.code).toBe(GrpcCode.INTERNAL);
    expect(unknown.details).toBe('Access denied: session expired or unknown');
    const sessionId = await login();
    server.expireSessions();
    const expired = await client.fail('getSchemaNamesV2', { sessionId, catalog: 'test' });
    expect(expired.details).toBe('Access denied: session expired or unknown');
  });

  it('reports a failing statement with the engine message', async () => {
    const sessionId = await login();
    const p = await prepared(sessionId, FAILING_SQL);
    const error = await client.fail('executeStatementV2', p.query, p.headers);
    expect(error.code).toBe(GrpcCode.INTERNAL);
    expect(error.details).toBe(FAILING_MESSAGE);
  });

  it('checks the plannerip header of query calls', async () => {
    const sessionId = await login();
    const p = await prepared(sessionId);
    const error = await client.fail('executeStatementV2', p.query, { plannerip: '10.0.0.9' });
    expect(error.code).toBe(GrpcCode.FAILED_PRECONDITION);
  });

  it('answers an unknown method with UNIMPLEMENTED', async () => {
    const grpc = new Client(`127.0.0.1:${server.port}`, credentials.createInsecure());
    const failure = await new Promise<ServiceError | null>((resolve) => {
      grpc.makeUnaryRequest(
        '/QueryEngineService/noSuchMethod',
        (value: Buffer) => value,
        (value: Buffer) => value,
        Buffer.alloc(0),
        (error) => resolve(error),
      );
    });
    grpc.close();
    expect(failure?.code).toBe(GrpcCode.UNIMPLEMENTED);
    expect(server.calls.at(-1)?.method).toBe('/QueryEngineService/noSuchMethod');
  });

  it('records calls with their headers and the password redacted', async () => {
    await login({ strategy: 'blue', 'cluster-name': 'test-cluster' });
    expect(server.calls[0]).toEqual({
      method: 'authenticate',
      path: '/QueryEngineService/authenticate',
      metadata: { strategy: 'blue', clusterName: 'test-cluster', plannerip: undefined },
      request: { user: USER, password: '[redacted]' },
    });
    expect(server.callCount('authenticate')).toBe(1);
  });

  it('checks the cluster name when one is configured', async () => {
    await using named = await startE6DataTestServer({ engine, clusterName: 'MyCluster' });
    const c = new BareClient(named.port);
    await c.call('authenticate', { user: USER, password: TOKEN }, { 'cluster-name': 'mycluster' });
    const error = await c.fail('authenticate', { user: USER, password: TOKEN }, { 'cluster-name': 'other' });
    expect(error.code).toBe(GrpcCode.NOT_FOUND);
    c.close();
  });

  describe('blue-green', () => {
    it('answers the other strategy with HTTP 456, seen by grpc-js as UNKNOWN', async () => {
      await login({ strategy: 'blue' });
      await login();
      const error = await client.fail('authenticate', { user: USER, password: TOKEN }, { strategy: 'green' });
      expect(error.code).toBe(GrpcCode.UNKNOWN);
      expect(error.details).toBe('Received HTTP status code 456');
    });

    it('announces, switches, and lets a query prepared before the switch finish on its strategy', async () => {
      const sessionId = await login({ strategy: 'blue' });
      const p = await executed(sessionId, NUMBERS_SQL, { strategy: 'blue' });
      server.announceStrategy('green');
      const announced = await client.call('getResultMetadata', p.query, p.headers);
      expect(announced.newStrategy).toBe('green');
      server.switchStrategy('green');
      const batch = await client.call('getNextResultBatch', p.query, p.headers);
      expect(bytes(batch.resultBatch)).toEqual(new Uint8Array(NUMBERS_BATCHES[0] as Uint8Array));
      const refused = await client.fail(
        'prepareStatementV2',
        { sessionId, queryString: NUMBERS_SQL },
        {
          strategy: 'blue',
        },
      );
      expect(refused.details).toBe('Received HTTP status code 456');
      await client.call('prepareStatementV2', { sessionId, queryString: NUMBERS_SQL }, { strategy: 'green' });
    });
  });

  describe('cluster suspend and resume', () => {
    it('answers 503 while suspended and works again after resume', async () => {
      server.suspend();
      const error = await client.fail('authenticate', { user: USER, password: TOKEN });
      expect(error.code).toBe(GrpcCode.UNAVAILABLE);
      expect(error.details).toBe('Received HTTP status code 503');
      const creds = { user: USER, password: TOKEN };
      expect((await client.call('clusterStatus', creds)).status).toBe('suspended');
      expect((await client.call('clusterResume', creds)).status).toBe('resuming');
      expect((await client.call('clusterStatus', creds)).status).toBe('resuming');
      await client.fail('authenticate', creds);
      expect((await client.call('clusterStatus', creds)).status).toBe('active');
      expect(await login()).not.toBe('');
    });

    it('checks the credentials of cluster calls', async () => {
      const error = await client.fail('clusterStatus', { user: USER, password: 'bad' });
      expect(error.code).toBe(GrpcCode.INTERNAL);
      expect(error.details).toBe('Access denied: invalid credentials');
    });
  });

  it('cancelQuery aborts the running statement', async () => {
    const sessionId = await login();
    const p = await prepared(sessionId, BLOCKING_SQL);
    const running = client.fail('executeStatementV2', p.query, p.headers);
    await server.waitForCall('executeStatementV2', 1);
    await client.call('cancelQuery', p.query, p.headers);
    const error = await running;
    expect(error.code).toBe(GrpcCode.INTERNAL);
    expect(error.details).toBe(`Query cancelled: ${p.queryId}`);
    expect(engine.signals[0]?.aborted).toBe(true);
    expect(server.cancelledQueryIds).toEqual([p.queryId]);
    expect(server.openQueries).toBe(0);
  });

  describe('faults', () => {
    it('stall holds a method until clearFaults', async () => {
      server.fault({ kind: 'stall', method: 'authenticate' });
      const held = login();
      await server.waitForCall('authenticate', 1);
      server.clearFaults();
      expect(await held).not.toBe('');
    });

    it('http-status answers with that status', async () => {
      server.fault({ kind: 'http-status', method: 'authenticate', status: 503, times: 1 });
      const error = await client.fail('authenticate', { user: USER, password: TOKEN });
      expect(error.details).toBe('Received HTTP status code 503');
      expect(await login()).not.toBe('');
    });

    it('grpc-error answers with that status, times times', async () => {
      server.fault({ kind: 'grpc-error', method: 'authenticate', code: 14, message: 'down 100%', times: 1 });
      const error = await client.fail('authenticate', { user: USER, password: TOKEN });
      expect(error.code).toBe(14);
      expect(error.details).toBe('down 100%');
      expect(await login()).not.toBe('');
    });

    it('drop-mid-batch resets the stream after N batches', async () => {
      const p = await executed(await login());
      server.fault({ kind: 'drop-mid-batch', afterBatches: 1 });
      await client.call('getNextResultBatch', p.query, p.headers);
      const error = await client.fail('getNextResultBatch', p.query, p.headers);
      expect(error.code).toBe(GrpcCode.INTERNAL);
      expect(error.details).toMatch(/RST_STREAM/);
    });

    it('malformed-chunk sends garbage as the batch', async () => {
      const p = await executed(await login());
      server.fault({ kind: 'malformed-chunk', afterBatches: 0 });
      const batch = await client.call('getNextResultBatch', p.query, p.headers);
      expect(bytes(batch.resultBatch)).not.toEqual(new Uint8Array(NUMBERS_BATCHES[0] as Uint8Array));
      expect(bytes(batch.resultBatch).byteLength).toBeGreaterThan(0);
      const next = await client.call('getNextResultBatch', p.query, p.headers);
      expect(bytes(next.resultBatch)).toEqual(new Uint8Array(NUMBERS_BATCHES[0] as Uint8Array));
    });

    it('expire-session expires the session of the next call', async () => {
      const sessionId = await login();
      server.fault({ kind: 'expire-session' });
      const error = await client.fail('getSchemaNamesV2', { sessionId, catalog: 'test' });
      expect(error.details).toBe('Access denied: session expired or unknown');
      const again = await client.fail('getSchemaNamesV2', { sessionId, catalog: 'test' });
      expect(again.details).toBe('Access denied: session expired or unknown');
    });

    it('delay answers later', async () => {
      server.fault({ kind: 'delay', method: 'authenticate', ms: 20 });
      expect(await login()).not.toBe('');
    });

    it('rejects a bad fault spec', () => {
      expect(() => server.fault({ kind: 'delay', method: 'authenticate', ms: -1 })).toThrow(TypeError);
    });
  });

  it('close ends stalled calls and open waits', async () => {
    server.fault({ kind: 'stall', method: 'authenticate' });
    const held = client.fail('authenticate', { user: USER, password: TOKEN });
    await server.waitForCall('authenticate', 1);
    const wait = expect(server.waitForCall('authenticate', 5)).rejects.toMatchObject({
      code: 'CONN_CONNECTION_CLOSED',
    });
    await server.close();
    await wait;
    expect((await held).code).toBeDefined();
    expect(engine.closed).toBe(false); // not the server's engine
  });
});

describe('e6data test server with DuckDB', () => {
  it('runs SQL through the default engine', async () => {
    await using duck = await startE6DataTestServer();
    const c = new BareClient(duck.port);
    const sessionId = (await c.call('authenticate', { user: USER, password: TOKEN })).sessionId ?? '';
    const p = await c.call('prepareStatementV2', {
      sessionId,
      schema: 'main',
      queryString: 'SELECT 42 AS answer',
    });
    const query = { sessionId, queryId: p.queryId ?? '', engineIP: p.engineIP ?? '' };
    const headers = { plannerip: p.engineIP ?? '' };
    await c.call('executeStatementV2', query, headers);
    const metadata = await c.call('getResultMetadata', query, headers);
    const decoded = decodeResultMetadata(bytes(metadata.resultMetaData));
    expect(decoded.rowCount).toBe(1n);
    expect(decoded.columns.map((column) => column.name)).toEqual(['answer']);
    c.close();
  });
});
