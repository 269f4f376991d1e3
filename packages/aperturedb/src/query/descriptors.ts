import { ConfigError } from '@conn/core';
import { float32ToBytes } from '../vectors.js';
import type { AddDescriptorParams, ApertureDBCommand, FindDescriptorParams } from './commands.js';

/** A command together with the request blob it consumes. */
export interface CommandWithBlob {
  readonly command: ApertureDBCommand;
  /** float32 little-endian bytes. */
  readonly blob: Uint8Array;
}

/** Options of {@link findSimilar}: FindDescriptor's other parameters. Defaults: `distances: true`. */
export type FindSimilarOptions = Omit<FindDescriptorParams, 'set' | 'k_neighbors'>;

/**
 * A k-NN FindDescriptor: the `k` descriptors of `set` nearest to `vector`, with their distances unless
 * `distances: false`. Send `blob` as the command's request blob.
 * @throws ConfigError `CONN_APERTUREDB_QUERY_ARGUMENT` for an empty set name, an empty or non-finite
 * vector, or `k` not a positive integer.
 */
export function findSimilar(
  set: string,
  vector: Float32Array | readonly number[],
  k: number,
  options: FindSimilarOptions = {},
): CommandWithBlob {
  checkSet(set, 'findSimilar');
  if (!Number.isSafeInteger(k) || k < 1)
    throw argumentError(`findSimilar() k must be a positive integer, got ${k}`);
  const blob = checkedVector(vector, 'findSimilar');
  return { command: { FindDescriptor: { distances: true, ...options, set, k_neighbors: k } }, blob };
}

/** Options of {@link addDescriptor}: AddDescriptor's other parameters. */
export type AddDescriptorOptions = Omit<AddDescriptorParams, 'set'>;

/**
 * An AddDescriptor of `vector` into `set`, and the blob to send with it.
 * @throws ConfigError `CONN_APERTUREDB_QUERY_ARGUMENT` for an empty set name or an empty or non-finite vector.
 */
export function addDescriptor(
  set: string,
  vector: Float32Array | readonly number[],
  options: AddDescriptorOptions = {},
): CommandWithBlob {
  checkSet(set, 'addDescriptor');
  const blob = checkedVector(vector, 'addDescriptor');
  return { command: { AddDescriptor: { ...options, set } }, blob };
}

function checkSet(set: string, name: string): void {
  if (typeof set !== 'string' || set === '') throw argumentError(`${name}() needs a descriptor set name`);
}

function checkedVector(vector: Float32Array | readonly number[], name: string): Uint8Array {
  if (!(vector instanceof Float32Array) && !Array.isArray(vector))
    throw argumentError(`${name}() needs a Float32Array or an array of numbers`);
  if (vector.length === 0) throw argumentError(`${name}() needs a non-empty vector`);
  const floats = vector instanceof Float32Array ? vector : Float32Array.from(vector);
  // A NaN or infinite component (also a number too large for float32) makes every distance meaningless.
  const bad = floats.findIndex((value) => !Number.isFinite(value));
  if (bad !== -1) throw argumentError(`${name}() vector component ${bad} is not a finite float32 number`);
  return float32ToBytes(floats);
}

function argumentError(message: string): ConfigError {
  return new ConfigError(message, { code: 'CONN_APERTUREDB_QUERY_ARGUMENT', field: 'vector' });
}
