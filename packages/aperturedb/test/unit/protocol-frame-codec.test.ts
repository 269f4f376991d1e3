import { ConfigError, FrameReader, isConnError, ProtocolError } from '@conn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aperturedbFrameCodec,
  DEFAULT_MAX_MESSAGE_BYTES,
  FRAME_HEADER_BYTES,
} from '../../src/protocol/frame-codec.js';
import type { QueryMessage, QueryMessageInput } from '../../src/protocol/query-message.js';

type Codec = ReturnType<typeof aperturedbFrameCodec>;

function encodeWith(codec: Codec, message: QueryMessageInput): Buffer {
  const encoded = codec.encode(message, undefined);
  return Array.isArray(encoded) ? Buffer.concat(encoded) : encoded;
}

/** Cuts `bytes` at the given offsets (any order, duplicates allowed). */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((offset) => offset % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  return chunks;
}

/** Reads chunks through core's reader, as FramedConnection does: `decodeAt` when `fast`, else `decode`. */
function readAll(codec: Codec, chunks: Buffer[], fast: boolean): QueryMessage[] {
  const reader = new FrameReader(codec);
  const messages: QueryMessage[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    if (fast) {
      // `nextDecoded` returns core's NO_FRAME symbol (not exported) once no whole frame is left.
      for (
        let m = reader.nextDecoded(codec.decodeAt!);
        typeof m !== 'symbol';
        m = reader.nextDecoded(codec.decodeAt!)
      ) {
        messages.push(m);
      }
    } else {
      for (let frame = reader.next(); frame !== undefined; frame = reader.next())
        messages.push(codec.decode(frame));
    }
  }
  expect(reader.bufferedBytes).toBe(0);
  return messages;
}

const messageInput = fc.record({
  json: fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 100 }),
  ),
  blobs: fc.array(fc.uint8Array({ maxLength: 4096 }), { maxLength: 5 }),
  token: fc.option(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), { nil: undefined }),
});

describe('ApertureDB frame codec', () => {
  it('frames a message with a 4-byte little-endian length (the golden vector)', () => {
    const frame = encodeWith(aperturedbFrameCodec(), { json: '[{"GetStatus": {}}]' });
    expect(frame.toString('hex')).toBe('150000000a135b7b22476574537461747573223a207b7d7d5d');
  });

  it('writes and reads a length-0 frame as the empty message', () => {
    const codec = aperturedbFrameCodec();
    const frame = encodeWith(codec, { json: '' });
    expect(frame.toString('hex')).toBe('00000000');
    expect(readAll(codec, [frame], false)).toEqual([{ json: '', blobs: [], token: '' }]);
    expect(readAll(codec, [frame, frame], true)).toHaveLength(2);
  });

  it('round-trips any messages through frames cut anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(messageInput, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (inputs, cuts, fast) => {
          const codec = aperturedbFrameCodec();
          const stream = Buffer.concat(inputs.map((input) => encodeWith(codec, input)));
          const messages = readAll(codec, cut(stream, cuts), fast);
          expect(messages).toHaveLength(inputs.length);
          messages.forEach((message, index) => {
            const input = inputs[index]!;
            expect(message.json).toBe(input.json);
            expect(message.token).toBe(input.token ?? '');
            expect(message.blobs.map((blob) => Buffer.from(blob).toString('hex'))).toEqual(
              input.blobs.map((blob) => Buffer.from(blob).toString('hex')),
            );
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sends a message of exactly maxMessageBytes and refuses one byte more before serializing', () => {
    const codec = aperturedbFrameCodec({ maxMessageBytes: 100 });
    // 1 tag byte + 1 length byte + 98 bytes = 100.
    expect(encodeWith(codec, { json: 'x'.repeat(98) })).toHaveLength(FRAME_HEADER_BYTES + 100);
    // A blob of 96 bytes (1 + 1 + 96) and a token of 1 byte (1 + 1 + 1): 101 bytes.
    const attempt = () => codec.encode({ json: '', blobs: [new Uint8Array(96)], token: 't' }, undefined);
    expect(attempt).toThrow(ProtocolError);
    try {
      attempt();
    } catch (error) {
      expect(isConnError(error) && error.code).toBe('CONN_APERTUREDB_MESSAGE_TOO_LARGE');
      expect(isConnError(error) && error.details).toEqual({ messageBytes: 101, maxMessageBytes: 100 });
      expect((error as Error).message).toMatch(/101 bytes.*limit of 100 bytes/);
    }
  });

  it('defaults to 256 MiB in both directions', () => {
    const codec = aperturedbFrameCodec();
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(256 * 1024 * 1024);
    expect(codec.maxFrameBytes).toBe(FRAME_HEADER_BYTES + DEFAULT_MAX_MESSAGE_BYTES);
    const reader = new FrameReader(codec);
    const header = Buffer.alloc(4);
    header.writeUInt32LE(DEFAULT_MAX_MESSAGE_BYTES + 1);
    reader.push(header);
    expect(() => reader.next()).toThrow(expect.objectContaining({ code: 'CONN_FRAME_TOO_LARGE' }));
  });

  it('fails an oversized received frame from its header alone, before the body arrives', () => {
    const codec = aperturedbFrameCodec({ maxMessageBytes: 10 });
    const reader = new FrameReader(codec);
    reader.push(Buffer.from('0b000000', 'hex'));
    expect(() => reader.next()).toThrow(ProtocolError);
    const exact = new FrameReader(codec);
    exact.push(Buffer.from('0a000000', 'hex'));
    expect(exact.next()).toBeUndefined();
  });

  it('reports a malformed payload as CONN_APERTUREDB_MALFORMED_MESSAGE on both decode paths', () => {
    const codec = aperturedbFrameCodec();
    const frame = Buffer.from('020000000a05', 'hex');
    expect(() => codec.decode(frame)).toThrow(
      expect.objectContaining({ code: 'CONN_APERTUREDB_MALFORMED_MESSAGE' }),
    );
    const padded = Buffer.concat([Buffer.from([1, 2, 3]), frame, Buffer.from('0a01', 'hex')]);
    expect(() => codec.decodeAt!(padded, 3, 3 + frame.length)).toThrow(
      expect.objectContaining({ code: 'CONN_APERTUREDB_MALFORMED_MESSAGE' }),
    );
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 32])('refuses maxMessageBytes %s', (maxMessageBytes) => {
    expect(() => aperturedbFrameCodec({ maxMessageBytes })).toThrow(ConfigError);
  });

  it('turns random frames into messages or typed errors, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(), { maxLength: 4 }), (payload, cuts) => {
        const codec = aperturedbFrameCodec({ maxMessageBytes: 64 });
        const header = Buffer.alloc(4);
        header.writeUInt32LE(payload.length);
        const chunks = cut(Buffer.concat([header, payload]), cuts);
        try {
          expect(readAll(codec, chunks, true)).toHaveLength(1);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
          expect(isConnError(error) && error.code).toBe('CONN_APERTUREDB_MALFORMED_MESSAGE');
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
