// The hand-written frame encoder (blobs as their own chunks, never copied) against protobufjs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aperturedbFrameCodec } from '../../src/protocol/frame-codec.js';
import { encodeFrameChunks } from '../../src/protocol/frame-encoder.js';
import { encodedQueryMessageBytes, encodeQueryMessage } from '../../src/protocol/query-message.js';

const framed = (payload: Buffer): Buffer => {
  const header = Buffer.alloc(4);
  header.writeUInt32LE(payload.length);
  return Buffer.concat([header, payload]);
};

describe('ApertureDB frame encoder', () => {
  it('writes the same bytes as protobufjs for any message (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.array(fc.uint8Array({ maxLength: 70_000 }), { maxLength: 4 }),
        fc.option(fc.string({ unit: 'grapheme', maxLength: 60 }), { nil: undefined }),
        (json, blobs, token) => {
          const message = { json, blobs, token };
          const chunks = encodeFrameChunks(message, encodedQueryMessageBytes(message));
          expect(Buffer.concat(chunks)).toEqual(framed(encodeQueryMessage(message)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('sends a large blob as its own chunk, sharing memory with the caller bytes', () => {
    const blob = new Uint8Array(1024 * 1024).fill(7);
    const chunks = aperturedbFrameCodec().encode(
      { json: '[{"AddBlob": {}}]', blobs: [blob], token: 'adbs_x' },
      undefined,
    );
    expect(Array.isArray(chunks)).toBe(true);
    const shared = (chunks as Buffer[]).find((chunk) => chunk.length === blob.length);
    expect(shared?.buffer).toBe(blob.buffer);
  });

  it('sends a small message as one buffer', () => {
    const chunks = aperturedbFrameCodec().encode(
      { json: '[{"GetStatus": {}}]', blobs: [new Uint8Array(3)], token: 'adbs_x' },
      undefined,
    );
    expect(Array.isArray(chunks) ? chunks.length : 1).toBe(1);
  });

  it('refuses a lone surrogate in json or token', () => {
    const codec = aperturedbFrameCodec();
    expect(() => codec.encode({ json: '["\ud800"]' }, undefined)).toThrow(
      expect.objectContaining({ code: 'CONN_APERTUREDB_INVALID_STRING' }),
    );
    expect(() => codec.encode({ json: '[]', token: 'a\udc00' }, undefined)).toThrow(
      expect.objectContaining({ code: 'CONN_APERTUREDB_INVALID_STRING' }),
    );
  });
});
