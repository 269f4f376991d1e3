import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/errors/index.js';
import { FrameReader } from '../../../src/transport/frame-reader.js';
import { lengthPrefixedCodec } from '../../../src/transport/length-prefixed-codec.js';
import { siriFrame as encodeSiriFrame, siriTestCodec } from '../../support/siri-codec.js';

const siriCodec = siriTestCodec(1024);

function siriFrame(pid: number, type: number, text: string): Buffer {
  return encodeSiriFrame(pid, type, Buffer.from(text));
}

function drain(reader: FrameReader): Buffer[] {
  const frames: Buffer[] = [];
  for (let frame = reader.next(); frame !== undefined; frame = reader.next()) frames.push(frame);
  return frames;
}

describe('FrameReader', () => {
  it('split frames: reassembles frames fed one byte at a time', () => {
    const codec = lengthPrefixedCodec({ endian: 'be', maxFrameBytes: 1024 });
    const reader = new FrameReader(codec);
    const stream = Buffer.concat([
      codec.encode(Buffer.from('hello'), undefined) as Buffer,
      codec.encode(Buffer.alloc(0), undefined) as Buffer,
      codec.encode(Buffer.from('world!'), undefined) as Buffer,
    ]);
    const frames: Buffer[] = [];
    for (const byte of stream) {
      reader.push(Buffer.from([byte]));
      frames.push(...drain(reader));
    }
    expect(frames.map((frame) => codec.decode(frame).toString())).toEqual(['hello', '', 'world!']);
    expect(reader.bufferedBytes).toBe(0);
  });

  it('coalesced frames: cuts several frames out of one chunk, as views without copies', () => {
    const reader = new FrameReader(siriCodec);
    const chunk = Buffer.concat([siriFrame(1, 0, 'a'), siriFrame(2, 3, ''), siriFrame(3, 0, 'ccc')]);
    reader.push(chunk);
    const frames = drain(reader);
    expect(frames.map((frame) => siriCodec.decode(frame))).toEqual([
      { pid: 1, type: 0, payload: Buffer.from('a') },
      { pid: 2, type: 3, payload: Buffer.alloc(0) },
      { pid: 3, type: 0, payload: Buffer.from('ccc') },
    ]);
    expect(frames[0]?.buffer).toBe(chunk.buffer);
  });

  it('handles a header split across chunks and a frame spread over many chunks', () => {
    const reader = new FrameReader(siriCodec);
    const big = siriFrame(7, 0, 'x'.repeat(1000));
    const next = siriFrame(8, 0, 'tail');
    const stream = Buffer.concat([big, next]);
    // Cut inside the first header, in the middle of the body, and inside the second header.
    const cuts = [3, 5, 300, 700, 1009, 1011, stream.length];
    let from = 0;
    const frames: Buffer[] = [];
    for (const to of cuts) {
      reader.push(stream.subarray(from, to));
      frames.push(...drain(reader));
      from = to;
    }
    expect(frames).toHaveLength(2);
    expect(frames[0]?.equals(big)).toBe(true);
    expect(frames[1]?.equals(next)).toBe(true);
  });

  it('waits for the rest of a frame without returning partial frames', () => {
    const reader = new FrameReader(siriCodec);
    const frame = siriFrame(1, 0, 'abcdef');
    reader.push(frame.subarray(0, 10));
    expect(reader.next()).toBeUndefined();
    expect(reader.bufferedBytes).toBe(10);
    reader.push(frame.subarray(10));
    expect(reader.next()?.equals(frame)).toBe(true);
  });

  it('oversized frame: throws CONN_FRAME_TOO_LARGE as soon as the header is read', () => {
    const codec = lengthPrefixedCodec({ endian: 'le', maxFrameBytes: 16 });
    const reader = new FrameReader(codec);
    reader.push(Buffer.from([0xff, 0xff, 0xff, 0x7f]));
    let thrown: unknown;
    try {
      reader.next();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProtocolError);
    expect((thrown as ProtocolError).code).toBe('CONN_FRAME_TOO_LARGE');
    expect((thrown as ProtocolError).details).toMatchObject({
      frameBytes: 0x7fffffff + 4,
      maxFrameBytes: 16,
    });
  });

  it('accepts a frame of exactly maxFrameBytes', () => {
    const codec = lengthPrefixedCodec({ endian: 'le', maxFrameBytes: 10 });
    const reader = new FrameReader(codec);
    reader.push(codec.encode(Buffer.alloc(6, 1), undefined) as Buffer);
    expect(reader.next()?.length).toBe(10);
  });

  it("propagates the codec's ProtocolError for a bad header (SiriDB check byte)", () => {
    const reader = new FrameReader(siriCodec);
    const frame = siriFrame(1, 0, 'x');
    frame[7] = 0x00;
    reader.push(frame);
    expect(() => reader.next()).toThrow(/bad check byte/);
  });

  it('rejects impossible lengths from a codec', () => {
    const reader = new FrameReader({ maxFrameBytes: 100, frameLength: () => 0 });
    reader.push(Buffer.from([1]));
    expect(() => reader.next()).toThrow(ProtocolError);
  });

  it('cuts the same frames whether the codec reads headers at an offset or from a view', () => {
    const codec = lengthPrefixedCodec({ endian: 'be', maxFrameBytes: 1024 });
    const { frameLengthAt: _offsetReader, ...viewOnly } = codec;
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 30 }),
        (payloads, cuts, takeAfter) => {
          const stream = Buffer.concat(
            payloads.map((payload) => codec.encode(Buffer.from(payload), undefined) as Buffer),
          );
          const readers = [new FrameReader(codec), new FrameReader(viewOnly)];
          const seen: Buffer[][] = [[], []];
          let at = 0;
          for (let cut = 0; at < stream.length; cut += 1) {
            const chunk = stream.subarray(at, at + (cuts[cut % cuts.length] as number));
            at += chunk.length;
            readers.forEach((reader, index) => {
              reader.push(chunk);
              const frames = seen[index] as Buffer[];
              while (frames.length < takeAfter) {
                const frame = reader.next();
                if (frame === undefined) break;
                frames.push(Buffer.from(frame));
              }
            });
          }
          const expected = payloads
            .slice(0, takeAfter)
            .map((payload) => Buffer.concat([Buffer.alloc(4), payload]).subarray(4));
          for (const index of [0, 1]) {
            expect((seen[index] as Buffer[]).map((frame) => frame.subarray(4))).toEqual(expected);
          }
          // What was not returned as frames is given back whole and in order.
          const rests = readers.map((reader) => reader.takeRemaining());
          expect(rests[0]).toEqual(rests[1]);
          const returned = (seen[0] as Buffer[]).reduce((sum, frame) => sum + frame.length, 0);
          expect(rests[0]).toEqual(stream.subarray(returned));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives back the bytes past the last frame', () => {
    const codec = lengthPrefixedCodec({ endian: 'le', maxFrameBytes: 100 });
    const reader = new FrameReader(codec);
    reader.push(Buffer.concat([codec.encode(Buffer.from('hi'), undefined) as Buffer, Buffer.from('rest')]));
    reader.push(Buffer.from('!'));
    expect(codec.decode(reader.next() as Buffer).toString()).toBe('hi');
    expect(reader.takeRemaining().toString()).toBe('rest!');
    expect(reader.bufferedBytes).toBe(0);
    expect(reader.takeRemaining().length).toBe(0);
  });

  it('stays linear when a large frame arrives in many small chunks', () => {
    const codec = lengthPrefixedCodec({ endian: 'le', maxFrameBytes: 16 * 1024 * 1024 });
    const reader = new FrameReader(codec);
    const payload = Buffer.alloc(8 * 1024 * 1024, 3);
    const frame = Buffer.concat([codec.encode(payload, undefined) as Buffer[]].flat());
    const started = performance.now();
    for (let offset = 0; offset < frame.length; offset += 512)
      reader.push(frame.subarray(offset, offset + 512));
    const out = reader.next();
    // 16 384 chunks: a quadratic reader would copy ~64 GB here; a linear one takes milliseconds.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(out?.length).toBe(frame.length);
    expect(out?.equals(frame)).toBe(true);
  });
});

describe('FrameReader with a backlog of many frames', () => {
  it('reads headers cut between chunks from a bounded prefix, never from the whole backlog', () => {
    const seen: number[] = [];
    const watched = { ...lengthPrefixedCodec({ endian: 'le', maxFrameBytes: 1 << 20 }) };
    const frameLength = watched.frameLength;
    watched.frameLength = (buffered: Buffer) => {
      seen.push(buffered.length);
      return frameLength(buffered);
    };
    const reader = new FrameReader(watched);
    // 200 frames of 10,003 bytes, delivered in 4,096-byte chunks: most headers straddle chunks.
    const frames = Array.from({ length: 200 }, (_, i) => {
      const payload = Buffer.alloc(9_999, i % 251);
      const frame = Buffer.alloc(4 + payload.length);
      frame.writeUInt32LE(payload.length, 0);
      payload.copy(frame, 4);
      return frame;
    });
    const stream = Buffer.concat(frames);
    for (let offset = 1; offset < stream.length; offset += 4_096)
      reader.push(stream.subarray(offset - 1, offset + 4_095));
    const received: Buffer[] = [];
    for (let frame = reader.next(); frame !== undefined; frame = reader.next()) received.push(frame);
    expect(received).toHaveLength(200);
    received.forEach((frame, i) => {
      expect(frame.equals(frames[i] as Buffer)).toBe(true);
    });
    // The codec never saw more than one chunk plus a small overshoot, although ~2 MB were buffered.
    expect(Math.max(...seen)).toBeLessThanOrEqual(4_096 + 64);
  });
});
