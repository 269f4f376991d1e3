import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeGrpcFrame,
  GRPC_FRAME_HEADER_BYTES,
  GrpcMessageReader,
} from '../../src/protocol/grpc-frame.js';

/** Cuts `bytes` at the given offsets (sorted, deduplicated, clamped): the pieces, in order. */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.min(c, bytes.byteLength)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.byteLength]) {
    pieces.push(bytes.subarray(start, point));
    start = point;
  }
  return pieces;
}

function read(pieces: readonly Uint8Array[], maxBytes?: number): Uint8Array {
  const reader = new GrpcMessageReader(maxBytes);
  for (const piece of pieces) reader.push(piece);
  return reader.finish();
}

const header = (flag: number, length: number): Uint8Array => {
  const bytes = new Uint8Array(GRPC_FRAME_HEADER_BYTES);
  bytes[0] = flag;
  new DataView(bytes.buffer).setUint32(1, length);
  return bytes;
};

describe('gRPC message frame', () => {
  it('prefixes a message with flag 0 and its big-endian length', () => {
    expect([...encodeGrpcFrame(Uint8Array.of(7, 8, 9))]).toEqual([0, 0, 0, 0, 3, 7, 8, 9]);
    const big = encodeGrpcFrame(new Uint8Array(0x010203));
    expect([...big.subarray(0, 5)]).toEqual([0, 0x00, 0x01, 0x02, 0x03]);
    expect([...encodeGrpcFrame(new Uint8Array(0))]).toEqual([0, 0, 0, 0, 0]);
  });

  it('reads an empty message', () => {
    expect(read([encodeGrpcFrame(new Uint8Array(0))])).toEqual(new Uint8Array(0));
  });

  it('reads the same message however the body is split', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat({ max: 310 }), { maxLength: 40 }),
        (message, cuts) => {
          const pieces = split(encodeGrpcFrame(message), cuts);
          expect(read(pieces)).toEqual(message);
        },
      ),
    );
  });

  it('refuses a compressed message with a typed error', () => {
    const reader = new GrpcMessageReader();
    expect(() => reader.push(header(1, 3))).toThrow(
      expect.objectContaining({ name: 'ProtocolError', code: 'CONN_E6DATA_GRPC_COMPRESSED' }),
    );
  });

  it('refuses a declared length over the limit as soon as the prefix is complete', () => {
    const reader = new GrpcMessageReader(16);
    reader.push(header(0, 17).subarray(0, 4));
    expect(() => reader.push(header(0, 17).subarray(4))).toThrow(
      expect.objectContaining({
        code: 'CONN_E6DATA_GRPC_TOO_LARGE',
        details: { length: 17, maxBytes: 16 },
      }),
    );
    expect(read([encodeGrpcFrame(new Uint8Array(16))], 16).byteLength).toBe(16);
  });

  it('refuses a huge declared length without allocating it', () => {
    const reader = new GrpcMessageReader();
    expect(() => reader.push(header(0, 0xffff_ffff))).toThrow(
      expect.objectContaining({ code: 'CONN_E6DATA_GRPC_TOO_LARGE' }),
    );
  });

  it('refuses bytes after the message', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 50 }),
        fc.uint8Array({ minLength: 1, maxLength: 20 }),
        (m, extra) => {
          const body = new Uint8Array([...encodeGrpcFrame(m), ...extra]);
          expect(() => read([body])).toThrow(expect.objectContaining({ code: 'CONN_E6DATA_GRPC_MALFORMED' }));
        },
      ),
    );
  });

  it('refuses a body that ends early', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 50 }), fc.nat(), (message, at) => {
        const frame = encodeGrpcFrame(message);
        const cut = frame.subarray(0, at % frame.byteLength);
        expect(() => read([cut])).toThrow(expect.objectContaining({ code: 'CONN_E6DATA_GRPC_MALFORMED' }));
      }),
    );
  });
});
