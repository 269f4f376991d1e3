/**
 * The descriptor blob format: raw float32, little-endian, `dimensions × 4` bytes
 * (docs/protocols/aperturedb.md, section 5.3). A DataView reads it whatever the blob's byteOffset.
 */

export const BYTES_PER_DIMENSION = 4;

export function decodeFloat32LE(blob: Uint8Array): Float32Array {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const values = new Float32Array(blob.byteLength / BYTES_PER_DIMENSION);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * BYTES_PER_DIMENSION, true);
  return values;
}

export function encodeFloat32LE(values: ArrayLike<number>): Uint8Array {
  const blob = new Uint8Array(values.length * BYTES_PER_DIMENSION);
  const view = new DataView(blob.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * BYTES_PER_DIMENSION, values[i]!, true);
  return blob;
}
