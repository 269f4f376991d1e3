// The test server's faults, counters and waits, seen on a raw socket: which frames arrive, when the
// socket closes, what stays held until clearFaults().
import net, { type Socket } from 'node:net';
import { AbortError, ConnectionError, FrameReader, Secret } from '@conn/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  buildConnectRequest,
  type JsonObject,
  NODE_RESPONSE_CODES,
  PYTHON_RESPONSE_CODES,
  RequestType,
  zteradbJsonCodec,
} from '../../src/protocol/index.js';
import {
  startZTeraDBTestServer,
  type ZTeraDBFault,
  type ZTeraDBTestServer,
} from '../../src/testing/index.js';
import { ZTeraDBQuery } from '../../src/zql/index.js';
import { type ConnectedServer, connectedServer } from '../support/connected-server.js';
import { sampleDatabases } from '../support/fixtures.js';
import { RawZTeraDBClient, rowsOf, TEST_KEY } from '../support/raw-zteradb-client.js';

const SELECT_USERS = ZTeraDBQuery('user').select();
const COUNT_USERS = ZTeraDBQuery('user').count();

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Parameters<typeof connectedServer>[0] = {}): Promise<ConnectedServer> {
  const connected = await connectedServer(options);
  cleanups.push(() => connected.close());
  return connected;
}

async function bareServer(): Promise<ZTeraDBTestServer> {
  const server = await startZTeraDBTestServer({ databases: sampleDatabases(), keys: [TEST_KEY] });
  cleanups.push(() => server.close());
  return server;
}

async function rawClient(server: ZTeraDBTestServer): Promise<RawZTeraDBClient> {
  const client = await RawZTeraDBClient.connect(server.port);
  cleanups.push(() => client.close());
  return client;
}

function sendQuery(client: RawZTeraDBClient, query: unknown): void {
  client.send({ query: query as never, request_type: RequestType.QUERY, database_id: 'DB1', env: 'dev' });
}

/** Resolves once `promise` settled or `rounds` event-loop turns passed: whether it settled. */
async function settledWithin(promise: Promise<unknown>, rounds: number): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let round = 0; round < rounds && !settled; round += 1)
    await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('ZTeraDB test server: faults', () => {
  it('stall: the query is never answered, later ones are held until clearFaults() answers them in order', async () => {
    const { server, client } = await setup();
    server.fault({ kind: 'stall', times: 1 });
    sendQuery(client, SELECT_USERS); // stalled: never answered
    sendQuery(client, COUNT_USERS); // held
    sendQuery(client, ZTeraDBQuery('product').count()); // held
    await server.waitForQueryCount(3);
    // A full round trip on another connection: an answer written by the stalled one would be here by now.
    const other = await rawClient(server);
    await other.handshake();
    expect(rowsOf(await other.query(COUNT_USERS))).toEqual([{ count: 3 }]);

    const firstFrame = client.next();
    expect(await settledWithin(firstFrame, 20)).toBe(false);
    server.clearFaults();
    expect(await firstFrame).toEqual({ error: false, response_code: 7, data: { count: 3 } });
    expect(await client.next()).toMatchObject({ response_code: 1544 });
    expect(rowsOf(await client.readResponse())).toEqual([{ count: 4 }]);
    // The stalled select was dropped for good: the next answer is the next query's.
    expect(rowsOf(await client.query(COUNT_USERS))).toEqual([{ count: 3 }]);
  });

  it('stall: CANCEL still closes the connection at once', async () => {
    const { server, client } = await setup();
    server.fault({ kind: 'stall' });
    sendQuery(client, SELECT_USERS);
    await server.waitForQueryCount(1);
    client.send({ request_type: RequestType.CANCEL });
    expect(await client.closedByServer()).toEqual([]);
    await server.waitForConnectionCount(0);
  });

  it('drop-after-frames: writes the first N frames of the real answer, then closes', async () => {
    const { server, client } = await setup();
    server.fault({ kind: 'drop-after-frames', frames: 2 });
    sendQuery(client, SELECT_USERS);
    const frames = await client.closedByServer();
    expect(frames.map((frame) => frame.response_code)).toEqual([7, 7]);
    expect(rowsOf(frames).map((row) => row.id)).toEqual([1, 2]);
  });

  it('drop-after-frames: 0 frames closes without a byte; more than the answer sends it all', async () => {
    const { server, client } = await setup();
    server.fault({ kind: 'drop-after-frames', frames: 0, times: 1 });
    server.fault({ kind: 'drop-after-frames', frames: 10, times: 1 });
    sendQuery(client, SELECT_USERS);
    expect(await client.closedByServer()).toEqual([]);

    const second = await rawClient(server);
    await second.handshake();
    sendQuery(second, SELECT_USERS);
    const frames = await second.closedByServer();
    expect(frames.map((frame) => frame.response_code)).toEqual([7, 7, 7, 1544]);
  });

  it('malformed: a frame with a right length and a non-JSON body, and the socket stays open', async () => {
    const server = await bareServer();
    const socket = await byteSocket(server.port);
    await socket.handshake();
    server.fault({ kind: 'malformed', times: 1 });
    socket.sendQuery(SELECT_USERS);
    const bytes = await socket.nextRawFrame();
    expect(bytes.readUInt32BE(0)).toBe(bytes.length - 4);
    expect(bytes.subarray(4).toString('utf8')).toBe('{"error":fa');
    expect(() => JSON.parse(bytes.subarray(4).toString('utf8'))).toThrow(SyntaxError);
    // Same socket, next query: a real answer.
    socket.sendQuery(COUNT_USERS);
    expect(codec.decode(await socket.nextRawFrame())).toEqual({
      error: false,
      response_code: 7,
      data: { count: 3 },
    });
  });

  it('slow-rows: the whole answer arrives, in order', async () => {
    const { server, client } = await setup();
    server.fault({ kind: 'slow-rows', delayMs: 5 });
    const frames = await client.query(SELECT_USERS);
    expect(frames.map((frame) => frame.response_code)).toEqual([7, 7, 7, 1544]);
    expect(rowsOf(frames).map((row) => row.id)).toEqual([1, 2, 3]);
  });

  it('slow-rows: close() mid-answer ends it and leaves no timer behind', async () => {
    const { server, client } = await setup();
    // The pause between rows is the only 600 s timer: follow that one handle (counting every
    // timer of the process would also count whatever else runs in this worker).
    const pauses = watchTimers(600_000);
    try {
      server.fault({ kind: 'slow-rows', delayMs: 600_000 });
      sendQuery(client, SELECT_USERS);
      expect(rowsOf([await client.next()])).toEqual([{ id: 1, email: 'john.doe@example.com', status: true }]);
      expect(pauses.pending()).toBe(1);
      await server.close();
      expect(await client.closedByServer()).toEqual([]);
      expect(pauses.started()).toBe(1);
      expect(pauses.pending()).toBe(0);
    } finally {
      pauses.restore();
    }
  });

  it('server-error: one error frame (default QUERY_ERROR), no QUERY_COMPLETE, connection kept', async () => {
    const { server, client } = await setup();
    server.fault({ kind: 'server-error', times: 1 });
    expect(await client.query(SELECT_USERS)).toEqual([
      {
        error: true,
        response_code: PYTHON_RESPONSE_CODES.QUERY_ERROR,
        data: { zteradb_error: 'injected server error' },
      },
    ]);
    expect(rowsOf(await client.query(COUNT_USERS))).toEqual([{ count: 3 }]);
  });

  it('server-error: a named code from the chosen table and a message', async () => {
    const { server, client } = await setup({ codeTable: 'node' });
    server.fault({ kind: 'server-error', code: 'NO_ACCESS', message: 'go away' });
    expect(await client.query(SELECT_USERS)).toEqual([
      { error: true, response_code: NODE_RESPONSE_CODES.NO_ACCESS, data: { zteradb_error: 'go away' } },
    ]);
  });

  it('an insert under server-error is not applied', async () => {
    const { server, client } = await setup();
    server.fault({ kind: 'server-error', times: 1 });
    await client.query(ZTeraDBQuery('user').insert().fields({ email: 'x@example.com' }));
    expect(server.rows('DB1', 'user')).toHaveLength(3);
  });

  it('honours times, and faults apply in the order added', async () => {
    const { server, client } = await setup();
    server.fault({ kind: 'server-error', message: 'first', times: 2 });
    server.fault({ kind: 'server-error', message: 'second', times: 1 });
    const messages: unknown[] = [];
    for (let index = 0; index < 4; index += 1) {
      const [frame] = await client.query(COUNT_USERS);
      messages.push(frame?.error === true ? (frame.data as JsonObject).zteradb_error : 'ok');
    }
    expect(messages).toEqual(['first', 'first', 'second', 'ok']);
  });

  it('never hits CONNECT, CANCEL or other request types', async () => {
    const server = await bareServer();
    server.fault({ kind: 'server-error' });
    const client = await rawClient(server);
    const handshake = await client.handshake();
    expect(handshake.map((frame) => frame.response_code)).toEqual([2, 1544]);
    client.send({ request_type: 9 });
    expect(await client.readResponse()).toMatchObject([{ error: true, response_code: 0x0423 }]);
    client.send({ request_type: RequestType.CANCEL });
    expect(await client.closedByServer()).toEqual([]);
  });

  it('clearFaults() removes every fault', async () => {
    const { server, client } = await setup();
    server.fault({ kind: 'server-error' });
    server.clearFaults();
    expect(rowsOf(await client.query(COUNT_USERS))).toEqual([{ count: 3 }]);
  });

  it.each<[string, unknown]>([
    ['an unknown kind', { kind: 'explode' }],
    ['times 0', { kind: 'stall', times: 0 }],
    ['fractional times', { kind: 'stall', times: 1.5 }],
    ['negative frames', { kind: 'drop-after-frames', frames: -1 }],
    ['missing frames', { kind: 'drop-after-frames' }],
    ['NaN delayMs', { kind: 'slow-rows', delayMs: Number.NaN }],
    ['an unknown code name', { kind: 'server-error', code: 'NOPE' }],
  ])('refuses a fault with %s (TypeError)', async (_label, fault) => {
    const server = await bareServer();
    expect(() => server.fault(fault as ZTeraDBFault)).toThrow(TypeError);
  });
});

describe('ZTeraDB test server: counters and waits', () => {
  it('waitForConnectionCount resolves on open and close; acceptedCount keeps counting', async () => {
    const server = await bareServer();
    await server.waitForConnectionCount(0);
    const two = server.waitForConnectionCount(2);
    const first = await rawClient(server);
    const second = await rawClient(server);
    await two;
    expect(server.connectionCount).toBe(2);
    first.close();
    await server.waitForConnectionCount(1);
    second.close();
    await server.waitForConnectionCount(0);
    expect(server.acceptedCount).toBe(2);
  });

  it('waitForConnectionCount waits for the exact number', async () => {
    const server = await bareServer();
    await rawClient(server);
    await rawClient(server);
    await server.waitForConnectionCount(2);
    expect(await settledWithin(server.waitForConnectionCount(1), 20)).toBe(false);
  });

  it('waitForQueryCount resolves once that many QUERY frames arrived', async () => {
    const { server, client } = await setup();
    expect(server.queryCount).toBe(0);
    const two = server.waitForQueryCount(2);
    await client.query(COUNT_USERS);
    expect(await settledWithin(two, 20)).toBe(false);
    sendQuery(client, COUNT_USERS);
    await two;
    expect(server.queryCount).toBe(2);
    await server.waitForQueryCount(1); // already reached
  });

  it('a wait rejects with AbortError when its signal aborts', async () => {
    const server = await bareServer();
    const controller = new AbortController();
    const waiting = server.waitForQueryCount(1, { signal: controller.signal });
    controller.abort(new Error('enough'));
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    await expect(server.waitForConnectionCount(5, { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortError,
    );
  });

  it('a wait rejects with a ConnectionError when the server closes', async () => {
    const server = await bareServer();
    const waiting = server.waitForConnectionCount(3);
    const queries = server.waitForQueryCount(1);
    await server.close();
    await expect(waiting).rejects.toMatchObject({ code: 'CONN_CONNECTION_CLOSED' });
    await expect(queries).rejects.toBeInstanceOf(ConnectionError);
    await expect(server.waitForQueryCount(1)).rejects.toBeInstanceOf(ConnectionError);
  });
});

const codec = zteradbJsonCodec();

/** Follows the timers of exactly `delayMs` started from now on: how many, and how many still pending. */
function watchTimers(delayMs: number): { started(): number; pending(): number; restore(): void } {
  const timers: NodeJS.Timeout[] = [];
  const realSetTimeout = globalThis.setTimeout;
  const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((
    callback: (...args: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ) => {
    const timer = realSetTimeout(callback, ms, ...args);
    if (ms === delayMs) timers.push(timer);
    return timer;
  }) as typeof setTimeout);
  return {
    started: () => timers.length,
    // A cleared or fired timer no longer holds the event loop open.
    pending: () => timers.filter((timer) => !timerDone(timer)).length,
    restore: () => spy.mockRestore(),
  };
}

/** Node marks a timer that fired or was cleared as destroyed. */
function timerDone(timer: NodeJS.Timeout): boolean {
  return (timer as unknown as { _destroyed: boolean })._destroyed;
}

/** A socket that hands back whole frames as raw bytes, so a malformed one can be inspected. */
interface ByteSocket {
  handshake(): Promise<void>;
  sendQuery(query: unknown): void;
  nextRawFrame(): Promise<Buffer>;
}

async function byteSocket(port: number): Promise<ByteSocket> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const opened = net.connect(port, '127.0.0.1', () => resolve(opened));
    opened.once('error', reject);
  });
  cleanups.push(() => {
    socket.destroy();
  });
  const reader = new FrameReader(codec);
  const frames: Buffer[] = [];
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    reader.push(chunk);
    for (let bytes = reader.next(); bytes !== undefined; bytes = reader.next())
      frames.push(Buffer.from(bytes));
    wake?.();
  });
  const nextRawFrame = async (): Promise<Buffer> => {
    for (;;) {
      const frame = frames.shift();
      if (frame !== undefined) return frame;
      if (socket.destroyed) throw new Error('the server closed the connection');
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  };
  return {
    async handshake() {
      const { frame } = buildConnectRequest({
        clientKey: new Secret(TEST_KEY.clientKey),
        accessKey: new Secret(TEST_KEY.accessKey),
        secretKey: new Secret(TEST_KEY.secretKey),
        databaseId: 'DB1',
        env: 'dev',
      });
      socket.write(codec.encode(frame, undefined) as Buffer);
      expect(codec.decode(await nextRawFrame()).response_code).toBe(2);
      expect(codec.decode(await nextRawFrame()).response_code).toBe(1544);
    },
    sendQuery(query) {
      const frame = {
        query: query as never,
        request_type: RequestType.QUERY,
        database_id: 'DB1',
        env: 'dev',
      };
      socket.write(codec.encode(frame, undefined) as Buffer);
    },
    nextRawFrame,
  };
}
