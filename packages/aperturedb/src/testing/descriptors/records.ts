/**
 * What the descriptor store keeps, and what its commands hand back to the engine.
 *
 * Every command returns a `CommandOutcome`: `response` is the JSON object the engine puts under the
 * command's name in the response array (`[{"FindDescriptor": response}]`), and `blobs` are the
 * binaries it appends, in order, to the transaction's response blob list. `blobs_start` and
 * `_blob_index` inside `response` are already absolute when the engine passes `blobOffset`
 * (the number of response blobs emitted by earlier commands of the same transaction).
 */
import type { Metric } from './metric.js';

/** Property values as they arrived in the query JSON. */
export type Properties = Readonly<Record<string, unknown>>;

export interface DescriptorSetRecord {
  /** Store-wide, increasing; the engine maps it to a `_uniqueid` if it needs one. */
  readonly id: number;
  readonly name: string;
  readonly dimensions: number;
  /** The first metric is the one `FindDescriptor` uses when it names none. */
  readonly metrics: readonly Metric[];
  /** Accepted and reported by `_engines`, never used: every search is exact brute force. */
  readonly engines: readonly string[];
  /** User properties; `_name` is added when the set is listed. */
  readonly properties: Properties;
}

export interface DescriptorRecord {
  readonly id: number;
  readonly set: string;
  readonly label: string;
  readonly properties: Properties;
  readonly vector: Float32Array;
  /** A private copy of the bytes as added, returned by `blobs: true`. */
  readonly blob: Uint8Array;
}

export interface CommandOutcome {
  response: Record<string, unknown>;
  blobs: Uint8Array[];
}

/** The engine's evaluation of `constraints` (and of `ref` targets) on one stored object. */
export type Matcher<T> = (item: T) => boolean;

export function failed(info: string): CommandOutcome {
  return { response: { status: -1, info }, blobs: [] };
}
