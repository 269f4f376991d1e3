import { ConfigError } from '@conn/core';

// Descriptors travel as raw float32, little-endian, `dimensions × 4` bytes (docs/protocols/aperturedb.md
// §5.3). DataView fixes the byte order whatever the platform, and copying through it never over-reads
// the buffer behind a subarray.

const FLOAT32_BYTES = 4;

/**
 * The little-endian float32 bytes of a vector. Numbers are rounded to float32 as `Float32Array` does;
 * NaN payloads, -0, infinities and subnormals of a `Float32Array` are kept bit for bit.
 */
export function float32ToBytes(vector: Float32Array | readonly number[]): Uint8Array {
  const source = vector instanceof Float32Array ? vector : Float32Array.from(vector);
  const bytes = new Uint8Array(source.length * FLOAT32_BYTES);
  const view = new DataView(bytes.buffer);
  // Read the bits as uint32 so that a NaN's payload is not canonicalised on the way.
  const bits = new Uint32Array(source.buffer, source.byteOffset, source.length);
  for (let i = 0; i < bits.length; i++) view.setUint32(i * FLOAT32_BYTES, bits[i] as number, true);
  return bytes;
}

/**
 * The vector held by little-endian float32 bytes (a copy: the result never shares `bytes`' memory).
 * @throws ConfigError `CONN_APERTUREDB_VECTOR` when the length is not a multiple of 4.
 */
export function bytesToFloat32(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % FLOAT32_BYTES !== 0) {
    throw new ConfigError(`a float32 vector needs a multiple of 4 bytes, got ${bytes.byteLength} bytes`, {
      code: 'CONN_APERTUREDB_VECTOR',
      field: 'bytes',
      details: { byteLength: bytes.byteLength },
    });
  }
  const length = bytes.byteLength / FLOAT32_BYTES;
  const result = new Float32Array(length);
  const bits = new Uint32Array(result.buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < length; i++) bits[i] = view.getUint32(i * FLOAT32_BYTES, true);
  return result;
}
