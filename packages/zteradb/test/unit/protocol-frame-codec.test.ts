import { ConfigError, FrameReader, ProtocolError } from '@conn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJsonPayload, zteradbClientCodec, zteradbJsonCodec } from '../../src/protocol/frame-codec.js';
import type { JsonObject } from '../../src/protocol/json.js';
import { parseResponseEnvelope } from '../../src/protocol/response-envelope.js';

// The two example frames of docs/protocols/zteradb.md (framing), header included.
const COMPLETE_FRAME = Buffer.concat([
  Buffer.from('0000002e', 'hex'),
  Buffer.from('{"error":false,"response_code":1544,"data":{}}'),
]);
const ROW_FRAME = Buffer.concat([
  Buffer.from('00000042', 'hex'),
  Buffer.from('{"error":false,"response_code":7,"data":{"id":1,"email":"a@x.io"}}'),
]);
// The Python client's query frame (its own separators): a real JSON parser must accept it.
const PYTHON_QUERY_FRAME = Buffer.concat([
  Buffer.from('00000068', 'hex'),
  Buffer.from(
    '{"query": {"sh": "user", "qt": 2, "lt": [0, 10]}, "request_type": 5, "database_id": "DB1", "env": "dev"}',
  ),
]);

function encodeWith(codec: ReturnType<typeof zteradbJsonCodec>, message: JsonObject): Buffer {
  const encoded = codec.encode(message, undefined);
  return Array.isArray(encoded) ? Buffer.concat(encoded) : encoded;
}

/** Runs bytes, cut into the given chunks, through core's reader and the codec. */
function decodeChunks<T>(
  codec: { decode(frame: Buffer): T; maxFrameBytes: number; frameLength(b: Buffer): number | undefined },
  chunks: Buffer[],
): T[] {
  const reader = new FrameReader(codec);
  const out: T[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    for (let frame = reader.next(); frame !== undefined; frame = reader.next()) out.push(codec.decode(frame));
  }
  expect(reader.bufferedBytes).toBe(0);
  return out;
}

describe('ZTeraDB frame codec', () => {
  it('decodes the notes’ example frames and encodes them back byte for byte', () => {
    const codec = zteradbJsonCodec();
    const [complete, row] = decodeChunks(codec, [Buffer.concat([COMPLETE_FRAME, ROW_FRAME])]);
    expect(complete).toEqual({ error: false, response_code: 1544, data: {} });
    expect(row).toEqual({ error: false, response_code: 7, data: { id: 1, email: 'a@x.io' } });
    expect(encodeWith(codec, complete as JsonObject)).toEqual(COMPLETE_FRAME);
    expect(encodeWith(codec, row as JsonObject)).toEqual(ROW_FRAME);
  });

  it('reads the Python client’s 104-byte query frame', () => {
    const [request] = decodeChunks(zteradbJsonCodec(), [PYTHON_QUERY_FRAME]);
    expect(request).toEqual({
      query: { sh: 'user', qt: 2, lt: [0, 10] },
      request_type: 5,
      database_id: 'DB1',
      env: 'dev',
    });
  });

  it('reassembles frames split at every byte position, header included', () => {
    const stream = Buffer.concat([ROW_FRAME, COMPLETE_FRAME]);
    for (let cut = 1; cut < stream.length; cut++) {
      const frames = decodeChunks(zteradbClientCodec(), [stream.subarray(0, cut), stream.subarray(cut)]);
      expect(frames.map((frame) => frame.responseCode)).toEqual([7, 1544]);
    }
    const oneByteAtATime = [...stream].map((byte) => Buffer.from([byte]));
    expect(decodeChunks(zteradbClientCodec(), oneByteAtATime).map((frame) => frame.responseCode)).toEqual([
      7, 1544,
    ]);
  });

  it('fails with CONN_FRAME_TOO_LARGE when a header announces more than maxFrameBytes', () => {
    const codec = zteradbJsonCodec(ROW_FRAME.length - 1);
    const reader = new FrameReader(codec);
    reader.push(ROW_FRAME.subarray(0, 4)); // the header alone is enough: the body is never buffered
    let error: unknown;
    try {
      reader.next();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({
      code: 'CONN_FRAME_TOO_LARGE',
      details: { frameBytes: ROW_FRAME.length, maxFrameBytes: ROW_FRAME.length - 1 },
    });
    // Exactly at the limit is accepted.
    expect(decodeChunks(zteradbJsonCodec(ROW_FRAME.length), [ROW_FRAME])).toHaveLength(1);
  });

  it('refuses a maxFrameBytes below the header size', () => {
    expect(() => zteradbJsonCodec(3)).toThrow(ConfigError);
  });

  it.each([
    ['invalid JSON', Buffer.from('{"error":')],
    ['JSON that is not an object', Buffer.from('[1,2]')],
    ['JSON null', Buffer.from('null')],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
  ])('fails a frame with %s with CONN_ZTERADB_MALFORMED_FRAME', (_name, payload) => {
    const frame = Buffer.concat([Buffer.alloc(4), payload]);
    frame.writeUInt32BE(payload.length, 0);
    expect(() => zteradbJsonCodec().decode(frame)).toThrow(
      expect.objectContaining({ name: 'ProtocolError', code: 'CONN_ZTERADB_MALFORMED_FRAME' }),
    );
  });

  it('round-trips any JSON object through encode and split/coalesced decode (property)', () => {
    const codec = zteradbJsonCodec();
    const object = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })) as fc.Arbitrary<JsonObject>;
    fc.assert(
      fc.property(
        fc.array(object, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (messages, cuts) => {
          const stream = Buffer.concat(messages.map((message) => encodeWith(codec, message)));
          const points = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...points].map((start, i) =>
            stream.subarray(start, [...points, stream.length][i]),
          );
          // JSON has no -0: compare against what JSON itself round-trips to.
          expect(decodeChunks(codec, chunks)).toEqual(
            messages.map((message) => JSON.parse(JSON.stringify(message))),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('decodes row frames on the fast path exactly as the full path does, at any offset (property)', () => {
    const client = zteradbClientCodec();
    const header = (payload: Buffer) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(payload.length);
      return Buffer.concat([length, payload]);
    };
    // Row frames as the test server writes them, and near misses the fast path must leave alone.
    const payloadOf = fc.oneof(
      fc
        .jsonValue({ maxDepth: 2 })
        .map((data) => `{"error":false,"response_code":7,"data":${JSON.stringify(data)}}`),
      fc
        .tuple(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })), fc.jsonValue({ maxDepth: 1 }))
        .map(
          ([data, extra]) =>
            `{"error":false,"response_code":7,"data":${JSON.stringify(data)},"x":${JSON.stringify(extra)}}`,
        ),
      fc
        .dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 }))
        .map((data) => `{"error": false, "response_code": 7, "data": ${JSON.stringify(data)}}`),
      fc.string().map((junk) => `{"error":false,"response_code":7,"data":${junk}}`),
    );
    fc.assert(
      fc.property(payloadOf, fc.nat({ max: 16 }), fc.nat({ max: 16 }), (payload, before, after) => {
        const frame = header(Buffer.from(payload));
        const full = (() => {
          try {
            return parseResponseEnvelope(decodeJsonPayload(frame.subarray(4)));
          } catch (error) {
            return { failed: (error as ProtocolError).code };
          }
        })();
        const source = Buffer.concat([Buffer.alloc(before, 0x41), frame, Buffer.alloc(after, 0x42)]);
        for (const decode of [
          () => client.decode(frame),
          () => client.decodeAt?.(source, before, before + frame.length),
        ]) {
          let got: unknown;
          try {
            got = decode();
          } catch (error) {
            got = { failed: (error as ProtocolError).code };
          }
          expect(got).toEqual(full);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('refuses invalid UTF-8 in a row frame as the full path does, and keeps a U+FFFD that was sent', () => {
    const client = zteradbClientCodec();
    const withBytes = (bytes: Buffer) => {
      const payload = Buffer.concat([
        Buffer.from('{"error":false,"response_code":7,"data":{"t":"'),
        bytes,
        Buffer.from('"}}'),
      ]);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(payload.length);
      return Buffer.concat([length, payload]);
    };
    expect(() => client.decode(withBytes(Buffer.from([0xc3, 0x28])))).toThrow(
      expect.objectContaining({ code: 'CONN_ZTERADB_MALFORMED_FRAME' }),
    );
    expect(client.decode(withBytes(Buffer.from('\uFFFD', 'utf8'))).data).toEqual({ t: '\uFFFD' });
  });
});
