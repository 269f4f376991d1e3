import { describe, expect, it } from 'vitest';
import { ConfigError, ProtocolError } from '../../../src/errors/index.js';
import { lengthPrefixedCodec } from '../../../src/transport/length-prefixed-codec.js';

function bytes(encoded: Buffer | Buffer[]): Buffer {
  return Array.isArray(encoded) ? Buffer.concat(encoded) : encoded;
}

describe('lengthPrefixedCodec', () => {
  it('encodes a 4-byte little-endian prefix (ApertureDB hello)', () => {
    const codec = lengthPrefixedCodec({ endian: 'le', maxFrameBytes: 1024 });
    const hello = Buffer.from('0100000002000000', 'hex');
    expect(bytes(codec.encode(hello, undefined)).toString('hex')).toBe('080000000100000002000000');
  });

  it('encodes a 4-byte big-endian prefix (ZTeraDB)', () => {
    const codec = lengthPrefixedCodec({ lengthBytes: 4, endian: 'be', maxFrameBytes: 1024 });
    const json = Buffer.from('{"error":false,"response_code":1544,"data":{}}');
    const frame = bytes(codec.encode(json, undefined));
    expect(frame.subarray(0, 4).toString('hex')).toBe('0000002e');
    expect(codec.frameLength(frame)).toBe(50);
    expect(codec.decode(frame).toString()).toBe(json.toString());
  });

  it('supports a 2-byte prefix in both byte orders', () => {
    const be = lengthPrefixedCodec({ lengthBytes: 2, endian: 'be', maxFrameBytes: 100 });
    const le = lengthPrefixedCodec({ lengthBytes: 2, endian: 'le', maxFrameBytes: 100 });
    expect(bytes(be.encode(Buffer.from('abc'), undefined)).toString('hex')).toBe('0003616263');
    expect(bytes(le.encode(Buffer.from('abc'), undefined)).toString('hex')).toBe('0300616263');
    expect(le.frameLength(Buffer.from('0300', 'hex'))).toBe(5);
  });

  it('needs the whole prefix before it knows the frame length', () => {
    const codec = lengthPrefixedCodec({ endian: 'le', maxFrameBytes: 100 });
    expect(codec.frameLength(Buffer.alloc(0))).toBeUndefined();
    expect(codec.frameLength(Buffer.from('050000', 'hex'))).toBeUndefined();
    expect(codec.frameLength(Buffer.from('05000000', 'hex'))).toBe(9);
  });

  it('handles empty payloads (a legal ApertureDB frame)', () => {
    const codec = lengthPrefixedCodec({ endian: 'le', maxFrameBytes: 100 });
    const frame = bytes(codec.encode(Buffer.alloc(0), undefined));
    expect(frame.toString('hex')).toBe('00000000');
    expect(codec.frameLength(frame)).toBe(4);
    expect(codec.decode(frame).length).toBe(0);
  });

  it('writes large payloads as header plus payload without copying', () => {
    const codec = lengthPrefixedCodec({ endian: 'be', maxFrameBytes: 1 << 20 });
    const payload = Buffer.alloc(10_000, 7);
    const encoded = codec.encode(payload, undefined);
    expect(Array.isArray(encoded)).toBe(true);
    expect((encoded as Buffer[])[1]).toBe(payload);
    expect(bytes(encoded).readUInt32BE(0)).toBe(10_000);
  });

  it('refuses payloads that do not fit the prefix', () => {
    const codec = lengthPrefixedCodec({ lengthBytes: 2, endian: 'be', maxFrameBytes: 100 });
    expect(() => codec.encode(Buffer.alloc(70_000), undefined)).toThrow(ProtocolError);
  });

  it('validates its options with ConfigError naming the field', () => {
    const invalid = [
      [{ endian: 'le', maxFrameBytes: 0 }, 'maxFrameBytes'],
      [{ endian: 'middle', maxFrameBytes: 10 }, 'endian'],
      [{ lengthBytes: 3, endian: 'le', maxFrameBytes: 10 }, 'lengthBytes'],
    ] as const;
    for (const [options, field] of invalid) {
      let thrown: unknown;
      try {
        lengthPrefixedCodec(options as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).field).toBe(field);
    }
  });
});
