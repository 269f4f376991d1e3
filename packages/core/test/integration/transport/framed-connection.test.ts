import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CallContext } from '../../../src/call/call-context.js';
import {
  AbortError,
  type ConnError,
  ConnectionError,
  ProtocolError,
  TimeoutError,
} from '../../../src/errors/index.js';
import { connectSocket } from '../../../src/transport/connect.js';
import type { FrameCodec } from '../../../src/transport/frame-codec.js';
import { FramedConnection, type UnmatchedInfo } from '../../../src/transport/framed-connection.js';
import { lengthPrefixedCodec } from '../../../src/transport/length-prefixed-codec.js';
import { closeConnections, closeLog, open } from '../../support/framed-connections.js';
import { encodeFrame, readFrames } from '../../support/frames.js';
import { closeServers, startServer, type TestServer } from '../../support/loopback-server.js';
import { closed, rejection, signal } from '../../support/settle.js';
import { type SiriPackage, siriFrame, siriTestCodec } from '../../support/siri-codec.js';

afterEach(async () => {
  await closeConnections();
  await closeServers();
});

// ---- codecs ---------------------------------------------------------------------------------------

const le = lengthPrefixedCodec({ endian: 'le', maxFrameBytes: 1 << 20 });
/** One length-prefixed frame as a single buffer. */
const wire = (payload: Buffer): Buffer => encodeFrame(le, payload);
const text = (value: string): Buffer => Buffer.from(value);
/** Length-prefixed frames answered in order: what most tests open with. */
const inOrder = { codec: le, correlation: { mode: 'in-order' } } as const;

const siri = siriTestCodec(1 << 20);

const byId = (maxId = 0xffff) => ({ mode: 'by-id' as const, idOf: (res: SiriPackage) => res.pid, maxId });

/** An echo server: answers each length-prefixed frame with `prefix + payload`. */
function echoServer(prefix = ''): Promise<TestServer> {
  return startServer((socket) => {
    readFrames(socket, le, (payload) => socket.write(wire(Buffer.concat([text(prefix), payload]))));
  });
}

// ---- tests ------------------------------------------------------------------------------------------

describe('FramedConnection (in-order)', () => {
  it('sends requests and resolves answers in order', async () => {
    const server = await echoServer('re:');
    const { connection } = await open(server, inOrder);
    const answers = await Promise.all(['a', 'b', 'c'].map((value) => connection.request(text(value))));
    expect(answers.map(String)).toEqual(['re:a', 're:b', 're:c']);
    expect(connection.pendingCount).toBe(0);
    expect(connection.isOpen).toBe(true);
  });

  it('requests sent in one tick leave in one writev after the first, which goes out at once', async () => {
    const server = await echoServer('re:');
    const { connection, socket } = await open(server, inOrder);
    const internals = socket as unknown as {
      _write(...args: unknown[]): void;
      _writev(chunks: unknown[], ...rest: unknown[]): void;
    };
    const writes: number[] = [];
    const plainWrite = internals._write.bind(socket);
    const vectorWrite = internals._writev.bind(socket);
    internals._write = (...args) => {
      writes.push(1);
      plainWrite(...args);
    };
    internals._writev = (chunks, ...rest) => {
      writes.push(chunks.length);
      vectorWrite(chunks, ...rest);
    };
    const values = Array.from({ length: 20 }, (_, n) => `v${n}`);
    const answers = await Promise.all(values.map((value) => connection.request(text(value))));
    expect(answers.map(String)).toEqual(values.map((value) => `re:${value}`));
    expect(writes).toEqual([1, 19]);
    // The next tick starts over: a lone request is written at once again.
    expect(String(await connection.request(text('alone')))).toBe('re:alone');
    expect(writes).toEqual([1, 19, 1]);
  });

  it('split frames: answers written one byte at a time are reassembled', async () => {
    const server = await startServer((socket) => {
      readFrames(socket, le, async (payload) => {
        const frame = wire(Buffer.concat([text('split:'), payload]));
        for (const byte of frame) {
          await new Promise<void>((resolve) => socket.write(Buffer.from([byte]), () => resolve()));
        }
      });
    });
    const { connection, socket } = await open(server, inOrder);
    let chunks = 0;
    socket.on('data', () => {
      chunks += 1;
    });
    const answer = await connection.request(text('x'.repeat(40)));
    expect(answer.toString()).toBe(`split:${'x'.repeat(40)}`);
    expect(chunks).toBeGreaterThan(1);
  });

  it('coalesced frames: several answers in one chunk resolve their own requests', async () => {
    const server = await startServer((socket) => {
      const pending: Buffer[] = [];
      readFrames(socket, le, (payload) => {
        pending.push(payload);
        if (pending.length === 3) {
          socket.write(Buffer.concat(pending.map((p) => wire(Buffer.concat([text('c:'), p])))));
        }
      });
    });
    const { connection, socket } = await open(server, inOrder);
    const chunkSizes: number[] = [];
    socket.on('data', (chunk: Buffer) => chunkSizes.push(chunk.length));
    const answers = await Promise.all(['1', '2', '3'].map((value) => connection.request(text(value))));
    expect(answers.map(String)).toEqual(['c:1', 'c:2', 'c:3']);
    expect(chunkSizes).toEqual([3 * 7]);
  });

  it('oversized frame: rejects with ProtocolError CONN_FRAME_TOO_LARGE and destroys the socket', async () => {
    const small = lengthPrefixedCodec({ endian: 'le', maxFrameBytes: 64 });
    const server = await startServer((socket) => {
      readFrames(socket, small, () => {
        const header = Buffer.alloc(4);
        header.writeUInt32LE(1_000_000, 0);
        socket.write(Buffer.concat([header, Buffer.alloc(100)]));
      });
    });
    const onClose = signal<ConnError | undefined>();
    const { connection, socket } = await open(server, {
      codec: small,
      correlation: { mode: 'in-order' },
      onClose: onClose.resolve,
    });
    const first = rejection(connection.request(text('big please')));
    const second = rejection(connection.request(text('another')));
    const error = await first;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.code).toBe('CONN_FRAME_TOO_LARGE');
    expect(error.details).toMatchObject({ frameBytes: 1_000_004, maxFrameBytes: 64 });
    const other = await second;
    expect(other).toBeInstanceOf(ConnectionError);
    expect(other.code).toBe('CONN_CONNECTION_CLOSED');
    expect(other.cause).toBe(error);
    expect(await onClose.promise).toBe(error);
    await connection.closed;
    expect(socket.destroyed).toBe(true);
    expect(connection.isOpen).toBe(false);
    await closed(await server.accepted());
  });

  it('server reset mid-request fails all pending requests with ConnectionError', async () => {
    const server = await startServer((socket) => {
      let seen = 0;
      readFrames(socket, le, () => {
        seen += 1;
        if (seen === 3) socket.resetAndDestroy();
      });
    });
    const closes = closeLog();
    const { connection } = await open(server, { ...inOrder, maxInFlight: 3, onClose: closes.onClose });
    const written = ['a', 'b', 'c'].map((value) => rejection(connection.request(text(value))));
    const notWritten = rejection(connection.request(text('d'))); // waits for a slot (maxInFlight 3)
    for (const error of await Promise.all(written)) {
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.code).toBe('CONN_CONNECTION_CLOSED');
      expect(error.retryable).toBe(false);
      expect(error.details).toMatchObject({ written: true, host: '127.0.0.1', port: server.port });
    }
    const unsent = await notWritten;
    expect(unsent.code).toBe('CONN_CONNECTION_CLOSED');
    expect(unsent.retryable).toBe(true);
    expect(unsent.details).toMatchObject({ written: false });
    expect(closes.error).toBeInstanceOf(ConnectionError);
    expect((closes.error?.cause as NodeJS.ErrnoException | undefined)?.code).toBe('ECONNRESET');
    expect(connection.isOpen).toBe(false);
    const later = await rejection(connection.request(text('e')));
    expect(later.code).toBe('CONN_CONNECTION_CLOSED');
    await connection.closed;
  });

  it('reports a peer that closes the connection through onClose', async () => {
    const server = await startServer((socket) => socket.end());
    const closes = closeLog();
    const { connection } = await open(server, { ...inOrder, onClose: closes.onClose });
    await connection.closed;
    expect(closes.error?.code).toBe('CONN_CONNECTION_CLOSED');
    expect(connection.isOpen).toBe(false);
  });

  it('an unsolicited frame is a ProtocolError that closes the connection', async () => {
    const server = await startServer((socket) => socket.write(wire(text('surprise'))));
    const closes = closeLog();
    const { connection } = await open(server, { ...inOrder, onClose: closes.onClose });
    await connection.closed;
    expect(closes.error).toBeInstanceOf(ProtocolError);
    expect(closes.error?.code).toBe('CONN_PROTOCOL');
  });

  it('a decode failure destroys the connection with a ProtocolError', async () => {
    const strict: FrameCodec<Buffer, string> = {
      maxFrameBytes: 1024,
      frameLength: le.frameLength,
      decode(frame) {
        throw new SyntaxError(`not JSON: ${frame.length}`);
      },
      encode: (payload) => le.encode(payload, undefined),
    };
    const server = await echoServer();
    const { connection } = await open(server, { codec: strict, correlation: { mode: 'in-order' } });
    const error = await rejection(connection.request(text('x')));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.cause).toBeInstanceOf(SyntaxError);
    await connection.closed;
  });

  it('rejects a request whose encoding fails without touching the connection', async () => {
    const server = await echoServer();
    const { connection } = await open(server, inOrder);
    const error = await rejection(connection.request('not a buffer' as unknown as Buffer));
    expect(error).toBeInstanceOf(TypeError);
    expect((await connection.request(text('ok'))).toString()).toBe('ok');
  });

  it('backpressure: many writes to a paused server all arrive in order', async () => {
    const count = 400;
    const payloadBytes = 64 * 1024;
    const received: number[] = [];
    let serverSocket!: Socket;
    const server = await startServer((socket) => {
      serverSocket = socket;
      socket.pause();
      readFrames(socket, le, (payload) => {
        received.push(payload.readUInt32BE(0));
        socket.write(wire(payload.subarray(0, 4)));
      });
      socket.pause(); // adding the 'data' listener resumed it
    });
    const { connection, socket } = await open(server, inOrder);
    await server.accepted();
    // Watch every write the connection makes: none may happen while the socket asks to drain.
    let writesWhileFull = 0;
    let sawFull = false;
    const write = socket.write.bind(socket) as (chunk: Buffer) => boolean;
    socket.write = ((chunk: Buffer) => {
      if (socket.writableNeedDrain) writesWhileFull += 1;
      const ok = write(chunk);
      if (!ok) sawFull = true;
      return ok;
    }) as typeof socket.write;

    const answers = Array.from({ length: count }, (_, seq) => {
      const payload = Buffer.alloc(payloadBytes, seq % 251);
      payload.writeUInt32BE(seq, 0);
      return connection.request(payload);
    });
    // The frames wait in the connection's queue, not in the socket's buffer.
    expect(sawFull).toBe(true);
    expect(socket.writableLength).toBeLessThanOrEqual(2 * (payloadBytes + 4) + socket.writableHighWaterMark);
    serverSocket.resume();
    const results = await Promise.all(answers);
    expect(results.map((answer) => answer.readUInt32BE(0))).toEqual(received);
    expect(received).toEqual(Array.from({ length: count }, (_, seq) => seq));
    expect(writesWhileFull).toBe(0);
  });

  it('per-request timeout: rejects with TimeoutError and destroys the out-of-sync connection', async () => {
    const server = await startServer(() => {}); // never answers
    const closes = closeLog();
    const { connection } = await open(server, { ...inOrder, onClose: closes.onClose });
    const other = rejection(connection.request(text('first')));
    // A 0 ms deadline fires after the request was written (writing is synchronous).
    const error = await rejection(connection.request(text('slow'), { timeoutMs: 0 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('CONN_REQUEST_TIMEOUT');
    expect(error.details).toMatchObject({ written: true, timeoutMs: 0 });
    expect(error.retryable).toBe(false);
    const otherError = await other;
    expect(otherError.code).toBe('CONN_CONNECTION_CLOSED');
    expect(closes.error?.code).toBe('CONN_CONNECTION_CLOSED');
    expect(closes.error?.cause).toBeInstanceOf(TimeoutError);
    expect(connection.isOpen).toBe(false);
    await connection.closed;
  });

  it("per-request timeout with onAbandoned 'discard' drops the late answer and keeps the connection", async () => {
    const server = await startServer((socket) => {
      let slow: Buffer | undefined;
      readFrames(socket, le, (payload) => {
        if (payload.toString() === 'slow') {
          slow = payload;
          return;
        }
        // The late answer to 'slow' goes out first, then this one.
        if (slow !== undefined) socket.write(wire(Buffer.concat([text('late:'), slow])));
        socket.write(wire(Buffer.concat([text('re:'), payload])));
      });
    });
    const unmatched: [string, UnmatchedInfo][] = [];
    const { connection } = await open(server, {
      ...inOrder,
      onAbandoned: 'discard',
      onUnmatched: (response, info) => unmatched.push([response.toString(), info]),
    });
    const error = await rejection(connection.request(text('slow'), { timeoutMs: 20 }));
    expect(error.code).toBe('CONN_REQUEST_TIMEOUT');
    expect(connection.isOpen).toBe(true);
    expect((await connection.request(text('fast'))).toString()).toBe('re:fast');
    expect(unmatched).toEqual([['late:slow', { reason: 'late', id: undefined }]]);
  });

  it('a request that times out before it is written is retryable and leaves the connection usable', async () => {
    let serverSocket!: Socket;
    const server = await startServer((socket) => {
      serverSocket = socket;
      // Holds 'first'; echoes everything else.
      readFrames(socket, le, (payload) => {
        if (payload.toString() !== 'first') socket.write(wire(payload));
      });
    });
    const { connection } = await open(server, { ...inOrder, maxInFlight: 1 });
    const first = connection.request(text('first'));
    const waiting = await rejection(connection.request(text('never sent'), { timeoutMs: 10 }));
    expect(waiting).toBeInstanceOf(TimeoutError);
    expect(waiting.retryable).toBe(true);
    expect(waiting.details).toMatchObject({ written: false });
    expect(connection.isOpen).toBe(true);
    serverSocket.write(wire(text('first')));
    expect((await first).toString()).toBe('first');
    expect((await connection.request(text('second'))).toString()).toBe('second');
  });

  it('uses requestTimeoutMs when a call gives none', async () => {
    const server = await startServer(() => {});
    const { connection } = await open(server, { ...inOrder, requestTimeoutMs: 5 });
    const error = await rejection(connection.request(text('x')));
    expect(error.code).toBe('CONN_REQUEST_TIMEOUT');
    await connection.closed;
  });

  it('abort via signal: rejects with AbortError carrying the reason', async () => {
    const received = signal();
    const server = await startServer((socket) => readFrames(socket, le, () => received.resolve()));
    const { connection } = await open(server, inOrder);
    const controller = new AbortController();
    const pending = rejection(connection.request(text('pending'), { signal: controller.signal }));
    await received.promise; // the request was written
    controller.abort(new Error('user gave up'));
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect((error.cause as Error).message).toBe('user gave up');
    // The answer would still come, so in-order mode closes by default.
    await connection.closed;
  });

  it('an already aborted signal rejects at once without writing anything', async () => {
    const received: string[] = [];
    const server = await startServer((socket) =>
      readFrames(socket, le, (p) => {
        received.push(p.toString());
        socket.write(wire(p));
      }),
    );
    const { connection } = await open(server, inOrder);
    const error = await rejection(connection.request(text('no'), { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortError);
    expect((await connection.request(text('yes'))).toString()).toBe('yes');
    expect(received).toEqual(['yes']);
  });

  it('close waits for in-flight requests, refuses new ones, then closes the socket', async () => {
    let serverSocket!: Socket;
    const held: Buffer[] = [];
    const twoHeld = signal();
    const server = await startServer((socket) => {
      serverSocket = socket;
      readFrames(socket, le, (payload) => {
        held.push(payload);
        if (held.length === 2) twoHeld.resolve();
      });
    });
    const closes = closeLog();
    const { connection, socket } = await open(server, { ...inOrder, onClose: closes.onClose });
    const a = connection.request(text('a'));
    const b = connection.request(text('b'));
    await twoHeld.promise;
    let closeDone = false;
    const closing = connection.close({ timeoutMs: 10_000 }).then(() => {
      closeDone = true;
    });
    expect(connection.isOpen).toBe(false);
    const refused = await rejection(connection.request(text('c')));
    expect(refused.code).toBe('CONN_CLIENT_CLOSED');
    expect(refused.retryable).toBe(false);
    const serverEnded = new Promise<void>((resolve) => serverSocket.once('end', () => resolve()));
    for (const payload of held) serverSocket.write(wire(payload));
    expect([(await a).toString(), (await b).toString()]).toEqual(['a', 'b']);
    await closing;
    expect(closeDone).toBe(true);
    expect(socket.closed).toBe(true);
    await serverEnded; // a clean FIN, not a reset
    expect(closes.calls).toBe(1);
    expect(closes.error).toBeUndefined();
    expect(connection.close()).toBe(connection.close());
  });

  it('close gives up on requests after its timeout and fails them with CONN_CLIENT_CLOSED', async () => {
    const server = await startServer(() => {});
    const { connection, socket } = await open(server, inOrder);
    const pending = rejection(connection.request(text('never answered')));
    await connection.close({ timeoutMs: 10 });
    const error = await pending;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('CONN_CLIENT_CLOSED');
    expect(error.retryable).toBe(false);
    expect(socket.closed).toBe(true);
  });

  it('await using closes the connection', async () => {
    const server = await echoServer();
    const socket = await connectSocket({ host: '127.0.0.1', port: server.port });
    {
      await using connection = new FramedConnection(socket, inOrder);
      expect((await connection.request(text('hi'))).toString()).toBe('hi');
    }
    expect(socket.closed).toBe(true);
  });

  it('destroy fails pending requests and reports the error to onClose', async () => {
    const server = await startServer(() => {});
    const closes = closeLog();
    const { connection } = await open(server, { ...inOrder, onClose: closes.onClose });
    const pending = rejection(connection.request(text('x')));
    const reason = new ProtocolError('driver found garbage');
    connection.destroy(reason);
    const error = await pending;
    expect(error.code).toBe('CONN_CONNECTION_CLOSED');
    expect(error.cause).toBe(reason);
    expect(closes.error).toBe(reason);
    expect(connection.closeReason).toBe(reason);
    await connection.closed;
  });

  it('tracks lastActivityAt on writes and reads', async () => {
    const server = await echoServer();
    const { connection } = await open(server, inOrder);
    const before = connection.lastActivityAt;
    await connection.request(text('ping'));
    expect(connection.lastActivityAt).toBeGreaterThan(before);
  });
});

describe('FramedConnection (by-id)', () => {
  it('id-correlated responses arriving out of order each resolve their own request', async () => {
    const server = await startServer((socket) => {
      const held: SiriPackage[] = [];
      readFrames(socket, siri, (request) => {
        held.push(request);
        if (held.length === 3) {
          for (const r of held.reverse())
            socket.write(siriFrame(r.pid, r.type, Buffer.concat([text('re:'), r.payload])));
        }
      });
    });
    const { connection } = await open(server, { codec: siri, correlation: byId() });
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((value) => connection.request({ type: 0, payload: text(value) })),
    );
    expect(answers.map((answer) => [answer.pid, answer.payload.toString()])).toEqual([
      [0, 're:a'],
      [1, 're:b'],
      [2, 're:c'],
    ]);
  });

  it('id wrap-around never reuses an in-flight id', async () => {
    const seenPids: number[] = [];
    let stuck: SiriPackage | undefined;
    const server = await startServer((socket) => {
      readFrames(socket, siri, (request) => {
        seenPids.push(request.pid);
        if (request.payload.toString() === 'stuck') {
          stuck = request;
          return;
        }
        if (request.payload.toString() === 'release' && stuck !== undefined) {
          socket.write(siriFrame(stuck.pid, 0, text('stuck answered')));
          stuck = undefined;
        }
        socket.write(siriFrame(request.pid, 0, request.payload));
      });
    });
    const { connection } = await open(server, { codec: siri, correlation: byId(3) });
    const stuckAnswer = connection.request({ type: 0, payload: text('stuck') }); // takes id 0
    for (let i = 0; i < 10; i++) {
      const answer = await connection.request({ type: 0, payload: text(`n${i}`) });
      expect(answer.payload.toString()).toBe(`n${i}`);
    }
    // Ids 1..3 were reused cyclically while 0 stayed in flight.
    expect(seenPids).toEqual([0, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1]);
    const release = await connection.request({ type: 0, payload: text('release') });
    expect(release.pid).toBe(2);
    const stuckResult = await stuckAnswer;
    expect([stuckResult.pid, stuckResult.payload.toString()]).toEqual([0, 'stuck answered']);
  });

  it('waits for a free id when all ids are in flight', async () => {
    const held: SiriPackage[] = [];
    const twoHeld = signal();
    let serverSocket!: Socket;
    const server = await startServer((socket) => {
      serverSocket = socket;
      readFrames(socket, siri, (request) => {
        held.push(request);
        if (held.length === 2) twoHeld.resolve();
        if (held.length === 3) socket.write(siriFrame(request.pid, 0, text('third')));
      });
    });
    const { connection } = await open(server, { codec: siri, correlation: byId(1) });
    const a = connection.request({ type: 0, payload: text('a') });
    const b = connection.request({ type: 0, payload: text('b') });
    const c = connection.request({ type: 0, payload: text('c') });
    await twoHeld.promise;
    expect(held.map((r) => r.pid)).toEqual([0, 1]);
    serverSocket.write(siriFrame(1, 0, text('b done')));
    expect((await b).payload.toString()).toBe('b done');
    const third = await c;
    expect(third.pid).toBe(1);
    serverSocket.write(siriFrame(0, 0, text('a done')));
    expect((await a).payload.toString()).toBe('a done');
  });

  it('a timed-out id is quarantined, its late answer goes to onUnmatched, the connection stays open', async () => {
    let lateRequest: SiriPackage | undefined;
    let serverSocket!: Socket;
    const pids: number[] = [];
    const server = await startServer((socket) => {
      serverSocket = socket;
      readFrames(socket, siri, (request) => {
        pids.push(request.pid);
        if (request.payload.toString() === 'slow') lateRequest = request;
        else socket.write(siriFrame(request.pid, 0, request.payload));
      });
    });
    const unmatched: [string, UnmatchedInfo][] = [];
    const twoUnmatched = signal();
    const { connection } = await open(server, {
      codec: siri,
      correlation: byId(2),
      onUnmatched: (response, info) => {
        unmatched.push([response.payload.toString(), info]);
        if (unmatched.length === 2) twoUnmatched.resolve();
      },
    });
    const error = await rejection(connection.request({ type: 0, payload: text('slow') }, { timeoutMs: 10 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.details).toMatchObject({ written: true, requestId: 0 });
    expect(connection.isOpen).toBe(true);
    // Id 0 is skipped while its answer may still come.
    for (const value of ['x', 'y', 'z']) await connection.request({ type: 0, payload: text(value) });
    expect(pids).toEqual([0, 1, 2, 1]);
    const late = lateRequest as SiriPackage;
    serverSocket.write(siriFrame(late.pid, 0, text('late')));
    // An answer for an id nobody uses goes to onUnmatched too.
    serverSocket.write(siriFrame(2, 0, text('stray')));
    await twoUnmatched.promise;
    const after = await connection.request({ type: 0, payload: text('after') });
    expect(after.payload.toString()).toBe('after');
    expect(unmatched).toEqual([
      ['late', { reason: 'late', id: 0 }],
      ['stray', { reason: 'unknown-id', id: 2 }],
    ]);
    // Id 0 is free again.
    expect(pids.at(-1)).toBe(2);
    await connection.request({ type: 0, payload: text('next') });
    expect(pids.at(-1)).toBe(0);
  });

  it('reuses a quarantined id only when every other id is in flight', async () => {
    const pids: [number, string][] = [];
    let serverSocket!: Socket;
    const holding = signal();
    const server = await startServer((socket) => {
      serverSocket = socket;
      readFrames(socket, siri, (request) => {
        const body = request.payload.toString();
        pids.push([request.pid, body]);
        if (body === 'hold') holding.resolve();
        else if (body !== 'slow') socket.write(siriFrame(request.pid, 0, request.payload));
      });
    });
    const { connection } = await open(server, { codec: siri, correlation: byId(1) });
    const slow = await rejection(connection.request({ type: 0, payload: text('slow') }, { timeoutMs: 5 }));
    expect(slow.code).toBe('CONN_REQUEST_TIMEOUT');
    const held = connection.request({ type: 0, payload: text('hold') }); // id 1
    await holding.promise;
    // Ids 0 (quarantined) and 1 (in flight) are taken: 0 is reused rather than waiting.
    const reused = await connection.request({ type: 0, payload: text('reuse') });
    expect(reused.pid).toBe(0);
    expect(pids).toEqual([
      [0, 'slow'],
      [1, 'hold'],
      [0, 'reuse'],
    ]);
    serverSocket.write(siriFrame(1, 0, text('held done')));
    expect((await held).payload.toString()).toBe('held done');
    // Both ids are free and handed out once each again.
    const [a, b] = await Promise.all([
      connection.request({ type: 0, payload: text('a') }),
      connection.request({ type: 0, payload: text('b') }),
    ]);
    expect([a.pid, b.pid].sort()).toEqual([0, 1]);
  });

  it('abort via signal in by-id mode keeps the connection open', async () => {
    const received: SiriPackage[] = [];
    const firstReceived = signal();
    const server = await startServer((socket) =>
      readFrames(socket, siri, (request) => {
        received.push(request);
        if (request.payload.toString() === 'hang') firstReceived.resolve();
        else socket.write(siriFrame(request.pid, 0, request.payload));
      }),
    );
    const { connection } = await open(server, { codec: siri, correlation: byId() });
    const controller = new AbortController();
    const pending = rejection(
      connection.request({ type: 0, payload: text('hang') }, { signal: controller.signal }),
    );
    await firstReceived.promise;
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(connection.isOpen).toBe(true);
    expect((await connection.request({ type: 0, payload: text('ok') })).payload.toString()).toBe('ok');
  });

  it("a request given its call as cancel source ends with the call's reason and its late answer is discarded", async () => {
    const received: string[] = [];
    let heldPid: number | undefined;
    const hangReceived = signal();
    const server = await startServer((socket) =>
      readFrames(socket, siri, (request) => {
        received.push(request.payload.toString());
        if (request.payload.toString() === 'hang') {
          heldPid = request.pid;
          hangReceived.resolve();
        } else if (request.payload.toString() === 'release') {
          socket.write(siriFrame(heldPid as number, 0, text('late')));
          socket.write(siriFrame(request.pid, 0, request.payload));
        } else socket.write(siriFrame(request.pid, 0, request.payload));
      }),
    );
    const late: UnmatchedInfo[] = [];
    const { connection } = await open(server, {
      codec: siri,
      correlation: byId(),
      onUnmatched: (_response, info) => late.push(info),
    });
    const call = new CallContext('query', undefined, undefined);
    const pending = rejection(connection.request({ type: 0, payload: text('hang') }, { cancel: call }));
    await hangReceived.promise;
    call.end(new TimeoutError('query timed out after 5 ms', { code: 'CONN_TIMEOUT' }));
    const error = await pending;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe('query timed out after 5 ms');
    expect(error.retryable).toBe(false);
    expect(connection.isOpen).toBe(true);
    expect(connection.pendingCount).toBe(0);

    const answer = await connection.request({ type: 0, payload: text('release') });
    expect(answer.payload.toString()).toBe('release');
    expect(late).toEqual([{ reason: 'late', id: heldPid }]);

    // A call that has already ended refuses the request without writing it.
    const before = received.length;
    const again = await rejection(connection.request({ type: 0, payload: text('never') }, { cancel: call }));
    expect(again).toBe(call.reason);
    await connection.request({ type: 0, payload: text('after') });
    expect(received.slice(before)).toEqual(['after']);
  });

  it('a bad check byte from the server is a ProtocolError', async () => {
    const server = await startServer((socket) =>
      readFrames(socket, siri, (request) => {
        const frame = siriFrame(request.pid, 0, text('x'));
        frame[7] = 0;
        socket.write(frame);
      }),
    );
    const closes = closeLog();
    const { connection } = await open(server, {
      codec: siri,
      correlation: byId(),
      onClose: closes.onClose,
    });
    const error = await rejection(connection.request({ type: 0, payload: text('x') }));
    expect(error.code).toBe('CONN_CONNECTION_CLOSED');
    expect(error.cause).toBeInstanceOf(ProtocolError);
    expect(closes.error?.message).toBe('bad check byte');
  });
});
