import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, ConnectionError, ProtocolError, TimeoutError } from '../../../src/errors/index.js';
import type { FrameCodec } from '../../../src/transport/frame-codec.js';
import { lengthPrefixedCodec } from '../../../src/transport/length-prefixed-codec.js';
import { closeConnections, closeLog, open } from '../../support/framed-connections.js';
import { encodeFrame, readFrames } from '../../support/frames.js';
import { closeServers, startServer, type TestServer } from '../../support/loopback-server.js';
import { signal, yieldToIo } from '../../support/settle.js';

afterEach(async () => {
  await closeConnections();
  await closeServers();
});

// ---- a ZTeraDB-like protocol: 4-byte BE length, JSON payload, answers end with code 1544 -------------

interface Frame {
  response_code: number;
  tag?: string;
  seq?: number;
  filler?: string;
}
const QUERY_COMPLETE = 1544;
const be = lengthPrefixedCodec({ endian: 'be', maxFrameBytes: 1 << 22 });

function jsonCodec(onDecode?: () => void): FrameCodec<object, Frame> {
  return {
    maxFrameBytes: be.maxFrameBytes,
    frameLength: be.frameLength,
    decode(frame) {
      onDecode?.();
      return JSON.parse(be.decode(frame).toString()) as Frame;
    },
    encode: (message) => be.encode(Buffer.from(JSON.stringify(message)), undefined),
  };
}
const json = jsonCodec();
const isLast = (frame: Frame): boolean => frame.response_code === QUERY_COMPLETE;

interface Query {
  tag: string;
  rows: number;
  fillerBytes?: number;
  /** 'stall': send the rows, then nothing. 'end': send the rows, then close the socket. */
  after?: 'stall' | 'end';
}

function rowFrames(query: Query): Buffer[] {
  const filler = 'f'.repeat(query.fillerBytes ?? 0);
  const frames: Buffer[] = [];
  for (let seq = 0; seq < query.rows; seq++) {
    frames.push(encodeFrame(json, { response_code: 7, tag: query.tag, seq, filler }));
  }
  if (query.after === undefined) {
    frames.push(encodeFrame(json, { response_code: QUERY_COMPLETE, tag: query.tag }));
  }
  return frames;
}

/** Answers each query with its rows and a QUERY_COMPLETE frame. */
function queryServer(received: Query[] = []): Promise<TestServer> {
  return startServer((socket) => {
    readFrames(socket, jsonCodec() as FrameCodec<never, unknown>, (message) => {
      const query = message as Query;
      received.push(query);
      socket.write(Buffer.concat(rowFrames(query)));
      if (query.after === 'end') socket.end();
    });
  });
}

async function collect(stream: AsyncIterable<Frame>): Promise<Frame[]> {
  const frames: Frame[] = [];
  for await (const frame of stream) frames.push(frame);
  return frames;
}

// ---- tests ------------------------------------------------------------------------------------------

describe('FramedConnection.requestStream', () => {
  it('yields every frame of the answer, the last one included', async () => {
    const server = await queryServer();
    const { connection } = await open(server, { codec: json, correlation: { mode: 'in-order' } });
    const frames = await collect(connection.requestStream({ tag: 'q', rows: 3 }, { isLast }));
    expect(frames.map((frame) => [frame.response_code, frame.seq])).toEqual([
      [7, 0],
      [7, 1],
      [7, 2],
      [QUERY_COMPLETE, undefined],
    ]);
    expect(connection.pendingCount).toBe(0);
  });

  it('requestStream with highWaterMark pauses the socket and resumes as the consumer reads', async () => {
    let decoded = 0;
    const codec = jsonCodec(() => {
      decoded += 1;
    });
    const server = await queryServer();
    const { connection, socket } = await open(server, { codec, correlation: { mode: 'in-order' } });
    const paused = signal();
    let pauses = 0;
    let resumes = 0;
    const pause = socket.pause.bind(socket);
    const resume = socket.resume.bind(socket);
    socket.pause = () => {
      pauses += 1;
      paused.resolve();
      return pause();
    };
    socket.resume = () => {
      resumes += 1;
      return resume();
    };

    const highWaterMark = 2;
    const rows = 60;
    const stream = connection.requestStream(
      { tag: 'big', rows, fillerBytes: 64 * 1024 },
      { isLast, highWaterMark },
    );
    const seqs: number[] = [];
    let consumed = 0;
    let maxAhead = 0;
    const first = await stream.next();
    consumed += 1;
    seqs.push((first.value as Frame).seq as number);
    await paused.promise;
    expect(socket.isPaused()).toBe(true);
    for await (const frame of stream) {
      consumed += 1;
      maxAhead = Math.max(maxAhead, decoded - consumed);
      if (frame.seq !== undefined) seqs.push(frame.seq);
      await yieldToIo(3); // a slow consumer: the server would race ahead without the pause
    }
    expect(seqs).toEqual(Array.from({ length: rows }, (_, i) => i));
    expect(consumed).toBe(rows + 1);
    // Never more than highWaterMark + 1 frames decoded ahead of the consumer.
    expect(maxAhead).toBeLessThanOrEqual(highWaterMark + 1);
    expect(pauses).toBeGreaterThan(1);
    expect(resumes).toBeGreaterThan(1);
    expect(socket.isPaused()).toBe(false);
    // Still usable afterwards.
    expect(await collect(connection.requestStream({ tag: 'after', rows: 1 }, { isLast }))).toHaveLength(2);
  });

  it('takeBuffered hands over every frame received so far in order, the end still coming from next()', async () => {
    const server = await queryServer();
    const { connection } = await open(server, { codec: json, correlation: { mode: 'in-order' } });
    const rows = 2_000;
    const stream = connection.requestStream({ tag: 'batch', rows }, { isLast, highWaterMark: 64 });
    expect(stream.takeBuffered()).toEqual([]);
    const seen: Frame[] = [];
    let batches = 0;
    for (let next = await stream.next(); next.done !== true; next = await stream.next()) {
      batches += 1;
      seen.push(next.value, ...stream.takeBuffered());
    }
    expect(seen.map((frame) => frame.seq ?? 'end')).toEqual([
      ...Array.from({ length: rows }, (_, seq) => seq),
      'end',
    ]);
    // Frames came in batches, not one promise each.
    expect(batches).toBeLessThan(rows / 2);
    expect(stream.takeBuffered()).toEqual([]);
    expect(connection.pendingCount).toBe(0);
    expect(await collect(connection.requestStream({ tag: 'after', rows: 1 }, { isLast }))).toHaveLength(2);
  });

  it("reads frames in place through the codec's decodeAt, and a decodeAt failure fails the stream with ProtocolError", async () => {
    const server = await queryServer();
    let inPlace = 0;
    let failOn: number | undefined;
    const codec: FrameCodec<object, Frame> = {
      ...json,
      decode: () => {
        throw new Error('decode must not be used when decodeAt exists');
      },
      decodeAt(source, start, end) {
        inPlace += 1;
        const frame = JSON.parse(source.toString('utf8', start + 4, end)) as Frame;
        if (frame.seq !== undefined && frame.seq === failOn) throw new Error(`cannot read row ${frame.seq}`);
        return frame;
      },
    };
    const { connection } = await open(server, { codec, correlation: { mode: 'in-order' } });
    const frames = await collect(connection.requestStream({ tag: 'in-place', rows: 300 }, { isLast }));
    expect(frames.map((frame) => frame.seq ?? 'end')).toEqual([
      ...Array.from({ length: 300 }, (_, seq) => seq),
      'end',
    ]);
    expect(inPlace).toBe(301);

    failOn = 5;
    const error = await collect(connection.requestStream({ tag: 'broken', rows: 10 }, { isLast })).catch(
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).message).toContain('malformed frame: cannot read row 5');
    expect(connection.isOpen).toBe(false);
  });

  it('early break drains the rest of the answer and keeps the connection usable', async () => {
    const late: Frame[] = [];
    const lastLate = signal();
    const server = await queryServer();
    const { connection } = await open(server, {
      codec: json,
      correlation: { mode: 'in-order' },
      onUnmatched: (frame, info) => {
        expect(info.reason).toBe('late');
        late.push(frame);
        if (isLast(frame)) lastLate.resolve();
      },
    });
    const seen: number[] = [];
    for await (const frame of connection.requestStream(
      { tag: 'first', rows: 50, fillerBytes: 1024 },
      { isLast, highWaterMark: 2 },
    )) {
      seen.push(frame.seq as number);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(connection.isOpen).toBe(true);
    // The next answer is the next query's, not leftovers of the first.
    const next = await collect(connection.requestStream({ tag: 'second', rows: 2 }, { isLast }));
    expect(next.map((frame) => [frame.tag, frame.seq])).toEqual([
      ['second', 0],
      ['second', 1],
      ['second', undefined],
    ]);
    await lastLate.promise;
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((frame) => frame.tag === 'first')).toBe(true);
    expect(connection.pendingCount).toBe(0);
  });

  it("onEarlyExit 'destroy' closes the connection on break", async () => {
    const server = await queryServer();
    const closes = closeLog();
    const { connection } = await open(server, {
      codec: json,
      correlation: { mode: 'in-order' },
      onClose: closes.onClose,
    });
    for await (const frame of connection.requestStream(
      { tag: 'q', rows: 20 },
      { isLast, onEarlyExit: 'destroy' },
    )) {
      expect(frame.seq).toBe(0);
      break;
    }
    expect(connection.isOpen).toBe(false);
    await connection.closed;
    expect(closes.calls).toBe(1);
    expect(closes.error).toBeUndefined();
  });

  it('nothing is sent before the first next()', async () => {
    const received: Query[] = [];
    const server = await queryServer(received);
    const { connection } = await open(server, { codec: json, correlation: { mode: 'in-order' } });
    const unused = connection.requestStream({ tag: 'never', rows: 1 }, { isLast });
    await collect(connection.requestStream({ tag: 'used', rows: 1 }, { isLast }));
    expect(received.map((query) => query.tag)).toEqual(['used']);
    await unused.return?.();
    expect(await unused.next()).toEqual({ value: undefined, done: true });
  });

  it('a stream timeout throws TimeoutError and destroys the in-order connection', async () => {
    const server = await queryServer();
    const { connection } = await open(server, { codec: json, correlation: { mode: 'in-order' } });
    const stream = connection.requestStream({ tag: 'q', rows: 2, after: 'stall' }, { isLast, timeoutMs: 50 });
    expect((await stream.next()).value?.seq).toBe(0);
    expect((await stream.next()).value?.seq).toBe(1);
    let thrown: unknown;
    try {
      await stream.next();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TimeoutError);
    expect((thrown as TimeoutError).code).toBe('CONN_REQUEST_TIMEOUT');
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    await connection.closed;
    expect(connection.isOpen).toBe(false);
  });

  it('abort via signal ends the stream with AbortError', async () => {
    const server = await queryServer();
    const { connection } = await open(server, {
      codec: json,
      correlation: { mode: 'in-order' },
      onAbandoned: 'discard',
    });
    const controller = new AbortController();
    const stream = connection.requestStream(
      { tag: 'q', rows: 2, after: 'stall' },
      { isLast, signal: controller.signal },
    );
    expect((await stream.next()).value?.seq).toBe(0);
    controller.abort();
    await expect(stream.next()).rejects.toBeInstanceOf(AbortError);
    // 'discard' kept the connection, waiting for the rest of that answer.
    expect(connection.isOpen).toBe(true);
  });

  it('a connection closed mid-stream yields the frames received, then ConnectionError', async () => {
    const server = await queryServer();
    const { connection } = await open(server, { codec: json, correlation: { mode: 'in-order' } });
    const frames: Frame[] = [];
    let thrown: unknown;
    try {
      for await (const frame of connection.requestStream({ tag: 'q', rows: 3, after: 'end' }, { isLast })) {
        frames.push(frame);
      }
    } catch (error) {
      thrown = error;
    }
    expect(frames.map((frame) => frame.seq)).toEqual([0, 1, 2]);
    expect(thrown).toBeInstanceOf(ConnectionError);
    expect((thrown as ConnectionError).code).toBe('CONN_CONNECTION_CLOSED');
    expect((thrown as ConnectionError).retryable).toBe(false);
  });

  it('streams of different ids interleave in by-id mode', async () => {
    // Frames: 4-byte BE length, then 2-byte id, then 1-byte "last" flag, then text.
    interface Tagged {
      id: number;
      last: boolean;
      text: string;
    }
    const tagged: FrameCodec<string, Tagged> = {
      maxFrameBytes: 1024,
      frameLength: be.frameLength,
      decode(frame) {
        const body = be.decode(frame);
        return { id: body.readUInt16BE(0), last: body[2] === 1, text: body.subarray(3).toString() };
      },
      encode(text, id) {
        const body = Buffer.alloc(3 + Buffer.byteLength(text));
        body.writeUInt16BE(id ?? 0, 0);
        body.write(text, 3);
        return be.encode(body, undefined);
      },
    };
    const frameFor = (id: number, last: boolean, text: string): Buffer => {
      const body = Buffer.alloc(3 + Buffer.byteLength(text));
      body.writeUInt16BE(id, 0);
      body[2] = last ? 1 : 0;
      body.write(text, 3);
      return encodeFrame(be, body);
    };
    const server = await startServer((socket) => {
      const queries: Tagged[] = [];
      readFrames(socket, tagged, (query) => {
        queries.push(query);
        if (queries.length < 2) return;
        const [a, b] = queries as [Tagged, Tagged];
        socket.write(
          Buffer.concat([
            frameFor(b.id, false, `${b.text}-1`),
            frameFor(a.id, false, `${a.text}-1`),
            frameFor(a.id, true, `${a.text}-end`),
            frameFor(b.id, false, `${b.text}-2`),
            frameFor(b.id, true, `${b.text}-end`),
          ]),
        );
      });
    });
    const { connection } = await open(server, {
      codec: tagged,
      correlation: { mode: 'by-id', idOf: (frame: Tagged) => frame.id, maxId: 0xffff },
    });
    const options = { isLast: (frame: Tagged) => frame.last };
    const a = connection.requestStream('a', options);
    const b = connection.requestStream('b', options);
    const [firstA, firstB] = await Promise.all([a.next(), b.next()]);
    const restA: string[] = [];
    for await (const frame of a) restA.push(frame.text);
    const restB: string[] = [];
    for await (const frame of b) restB.push(frame.text);
    expect([firstA.value?.text, ...restA]).toEqual(['a-1', 'a-end']);
    expect([firstB.value?.text, ...restB]).toEqual(['b-1', 'b-2', 'b-end']);
  });
});
