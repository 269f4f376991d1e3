import { isConnError, ProtocolError, QueryError } from '@conn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeQueryMessage,
  decodeQueryMessageAt,
  encodedQueryMessageBytes,
  encodeQueryMessage,
} from '../../src/protocol/query-message.js';

// The two test vectors of docs/protocols/aperturedb.md (protobuf schema), shared by the official
// Python client and protobufjs.
const GET_STATUS = '[{"GetStatus": {}}]';
const FULL_VECTOR = Buffer.from(
  '0a135b7b22476574537461747573223a207b7d7d5d1203000102120378797a1a08616462735f616263',
  'hex',
);
const JSON_ONLY_VECTOR = Buffer.from('0a135b7b22476574537461747573223a207b7d7d5d', 'hex');
const VECTOR_BLOBS = [Uint8Array.from([0, 1, 2]), Buffer.from('xyz')];

describe('queryMessage codec', () => {
  it('encodes both golden vectors byte for byte', () => {
    expect(encodeQueryMessage({ json: GET_STATUS, blobs: VECTOR_BLOBS, token: 'adbs_abc' })).toEqual(
      FULL_VECTOR,
    );
    expect(encodeQueryMessage({ json: GET_STATUS })).toEqual(JSON_ONLY_VECTOR);
    expect(encodeQueryMessage({ json: GET_STATUS, blobs: [], token: '' })).toEqual(JSON_ONLY_VECTOR);
  });

  it('decodes both golden vectors', () => {
    const full = decodeQueryMessage(FULL_VECTOR);
    expect(full.json).toBe(GET_STATUS);
    expect(full.token).toBe('adbs_abc');
    expect(full.blobs.map((blob) => Buffer.from(blob).toString('hex'))).toEqual(['000102', '78797a']);
    expect(decodeQueryMessage(JSON_ONLY_VECTOR)).toEqual({ json: GET_STATUS, blobs: [], token: '' });
  });

  it('encodes an all-empty message as zero bytes and decodes zero bytes as one', () => {
    expect(encodeQueryMessage({ json: '' })).toHaveLength(0);
    expect(decodeQueryMessage(Buffer.alloc(0))).toEqual({ json: '', blobs: [], token: '' });
  });

  it('keeps empty blobs, which proto3 writes for repeated bytes', () => {
    const bytes = encodeQueryMessage({ json: '', blobs: [new Uint8Array(0)] });
    expect(bytes.toString('hex')).toBe('1200');
    expect(decodeQueryMessage(bytes).blobs.map((blob) => blob.length)).toEqual([0]);
  });

  it('decodes blobs as views of the input, for a Buffer and for a plain Uint8Array', () => {
    const buffer = Buffer.from(FULL_VECTOR);
    const fromBuffer = decodeQueryMessage(buffer).blobs[0]!;
    buffer[fromBuffer.byteOffset - buffer.byteOffset] = 0x7f;
    expect(fromBuffer[0]).toBe(0x7f);
    expect(fromBuffer.buffer).toBe(buffer.buffer);

    const plain = new Uint8Array(FULL_VECTOR);
    const fromPlain = decodeQueryMessage(plain).blobs[1]!;
    expect(fromPlain.buffer).toBe(plain.buffer);
    plain[fromPlain.byteOffset] = 0x41;
    expect(Buffer.from(fromPlain).toString()).toBe('Ayz');
  });

  it('decodes a range of a larger buffer without reading outside it', () => {
    const source = Buffer.concat([Buffer.from([0xff, 0xff]), FULL_VECTOR, Buffer.from([0xff])]);
    const message = decodeQueryMessageAt(source, 2, 2 + FULL_VECTOR.length);
    expect(message.token).toBe('adbs_abc');
    expect(message.blobs).toHaveLength(2);
  });

  it('skips unknown fields, as proto3 requires', () => {
    // Field 4 varint 150 and field 5 LEN "hi" around the JSON-only vector.
    const bytes = Buffer.concat([
      Buffer.from('209601', 'hex'),
      JSON_ONLY_VECTOR,
      Buffer.from('2a026869', 'hex'),
    ]);
    expect(decodeQueryMessage(bytes)).toEqual({ json: GET_STATUS, blobs: [], token: '' });
  });

  it.each([
    ['a truncated length', '0a05414243'],
    ['a field running past the end', '0a'],
    ['an invalid wire type', '0f'],
    ['JSON that is not UTF-8', '0a01ff'],
    ['a token that is not UTF-8', '1a02c328'],
    ['an unterminated varint', '08ffffffffffffffffffff'],
  ])('refuses %s with CONN_APERTUREDB_MALFORMED_MESSAGE', (_name, hex) => {
    const attempt = () => decodeQueryMessage(Buffer.from(hex, 'hex'));
    expect(attempt).toThrow(ProtocolError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'CONN_APERTUREDB_MALFORMED_MESSAGE' }));
  });

  it('refuses to encode a lone surrogate, which has no UTF-8 form', () => {
    for (const input of [{ json: 'a\uD800b' }, { json: '[]', token: `${'x'.repeat(300)}\uDC00` }]) {
      expect(() => encodeQueryMessage(input)).toThrow(QueryError);
      expect(() => encodeQueryMessage(input)).toThrow(
        expect.objectContaining({ code: 'CONN_APERTUREDB_INVALID_STRING' }),
      );
    }
    // A valid pair is one code point and encodes fine.
    expect(decodeQueryMessage(encodeQueryMessage({ json: '"\uD83D\uDE00"' })).json).toBe('"😀"');
  });

  it('sizes a message exactly without serializing it', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 120 }),
        // Sizes around the 1-, 2- and 3-byte varint boundaries.
        fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constantFrom(16_383, 16_384)), {
          maxLength: 4,
        }),
        fc.option(fc.string({ unit: 'binary', maxLength: 200 }), { nil: undefined }),
        (json, blobSizes, token) => {
          const input = { json, blobs: blobSizes.map((size) => new Uint8Array(size)), token };
          expect(encodedQueryMessageBytes(input)).toBe(encodeQueryMessage(input).length);
        },
      ),
    );
  });

  it('decodes random bytes to a message or a typed ProtocolError, nothing else', () => {
    const valid = encodeQueryMessage({ json: GET_STATUS, blobs: VECTOR_BLOBS, token: 'adbs_abc' });
    const randomBytes = fc.uint8Array({ maxLength: 256 });
    // Mutations of a valid message reach deeper than noise: bytes flipped, cut or appended.
    const mutated = fc
      .tuple(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(valid.length),
        fc.uint8Array({ maxLength: 8 }),
      )
      .map(([flips, cut, tail]) => {
        const bytes = Buffer.from(valid);
        for (const [at, value] of flips) bytes[at] = value;
        return Buffer.concat([bytes.subarray(0, cut), tail]);
      });
    fc.assert(
      fc.property(fc.oneof(randomBytes, mutated), (bytes) => {
        let message: ReturnType<typeof decodeQueryMessage>;
        try {
          message = decodeQueryMessage(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
          expect(isConnError(error) && error.code).toBe('CONN_APERTUREDB_MALFORMED_MESSAGE');
          return;
        }
        expect(typeof message.json).toBe('string');
        expect(typeof message.token).toBe('string');
        for (const blob of message.blobs) expect(blob).toBeInstanceOf(Uint8Array);
      }),
      { numRuns: 1_000 },
    );
  });
});
