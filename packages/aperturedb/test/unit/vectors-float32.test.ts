import { ConfigError } from '@conn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToFloat32, float32ToBytes } from '../../src/vectors.js';

const bitsOf = (floats: Float32Array): number[] => [...new Uint32Array(floats.slice().buffer)];

describe('float32ToBytes', () => {
  it('writes little-endian IEEE 754 whatever the platform', () => {
    expect([...float32ToBytes([1, -2, 0.5])]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 0, 0, 0, 0x3f]);
  });

  it('keeps -0, infinities, subnormals and the extremes', () => {
    const special = [
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1.4e-45,
      -1.17e-38,
      3.4028234663852886e38,
    ];
    const bytes = float32ToBytes(special);
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(0, true)).toBe(0x8000_0000);
    expect(view.getUint32(4, true)).toBe(0x7f80_0000);
    expect(view.getUint32(8, true)).toBe(0xff80_0000);
    expect(view.getUint32(12, true)).toBe(0x0000_0001);
    expect(Object.is(bytesToFloat32(bytes)[0], -0)).toBe(true);
    expect([...bytesToFloat32(bytes)]).toEqual([...Float32Array.from(special)]);
  });

  it('reads only the elements of a subarray, not the buffer behind it', () => {
    const whole = Float32Array.from([1, 2, 3, 4]);
    expect([...bytesToFloat32(float32ToBytes(whole.subarray(1, 3)))]).toEqual([2, 3]);
  });

  it('keeps NaN payloads bit for bit from a Float32Array', () => {
    const floats = new Float32Array(new Uint32Array([0x7fc0_0001, 0xffa0_0000, 0x7f80_0001]).buffer);
    const bytes = float32ToBytes(floats);
    expect(new DataView(bytes.buffer).getUint32(0, true)).toBe(0x7fc0_0001);
    expect(bitsOf(bytesToFloat32(bytes))).toEqual([0x7fc0_0001, 0xffa0_0000, 0x7f80_0001]);
  });
});

describe('bytesToFloat32', () => {
  it('reads an unaligned slice of a larger buffer as a copy', () => {
    const backing = new Uint8Array(9);
    backing.set([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0], 1);
    const floats = bytesToFloat32(backing.subarray(1));
    expect([...floats]).toEqual([1, -2]);
    backing[4] = 0;
    expect(floats[0]).toBe(1);
  });

  it('reads zero bytes as an empty vector', () => {
    expect(bytesToFloat32(new Uint8Array(0))).toHaveLength(0);
  });

  it.each([1, 2, 3, 5, 7])('refuses %i bytes', (length) => {
    let error: unknown;
    try {
      bytesToFloat32(new Uint8Array(length));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONN_APERTUREDB_VECTOR');
    expect((error as ConfigError).message).toContain(`multiple of 4 bytes, got ${length} bytes`);
  });

  it('round-trips any 32-bit pattern exactly (NaN payloads, -0, subnormals included)', () => {
    fc.assert(
      fc.property(fc.uint32Array({ maxLength: 64 }), (bits) => {
        const floats = new Float32Array(bits.buffer, bits.byteOffset, bits.length);
        expect(bitsOf(bytesToFloat32(float32ToBytes(floats)))).toEqual([...bits]);
      }),
    );
  });

  it('round-trips number arrays as float32 rounds them', () => {
    fc.assert(
      fc.property(fc.array(fc.double()), (numbers) => {
        expect(bitsOf(bytesToFloat32(float32ToBytes(numbers)))).toEqual(bitsOf(Float32Array.from(numbers)));
      }),
    );
  });
});
