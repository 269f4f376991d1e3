/**
 * `FindDescriptor` over the store's contents (docs/protocols/aperturedb.md, sections 3 and 5.3).
 *
 * Parameters honoured: `set`, `k_neighbors`, `knn_first` (default true), `metric` (one of the set's
 * metrics; default its first), `vector` (inline query, as newer servers accept), `with_label`,
 * `constraints` (evaluated by the engine's `matches`), `distances`, `labels`, `blobs`, `results`
 * (see `results-spec.ts`) and a top-level `limit`. `engine` is accepted and ignored.
 *
 * - A k-NN search happens when `k_neighbors` is set; its query vector is the next request blob
 *   (`needsQueryBlob`) or, instead, an inline `vector`. It needs `set`.
 * - `knn_first: true` takes the k nearest of the whole set and then drops those failing the
 *   filters (so fewer than k may come back); `false` filters first and takes the k nearest of the
 *   rest.
 * - Without k-NN, every matching descriptor comes back in insertion order, `_distance` never.
 *
 * Reply: `{status: 0, returned, count?, blobs_start?, entities?}`; entities carry the picked
 * properties, then `_label` (labels), `_distance` (distances, k-NN only) and `_blob_index` (blobs).
 * `returned` is the number of entities sent, 0 when only `count` (or nothing) was asked. Failures
 * are `{status: -1, info}`; an unknown set is such a failure.
 */
import { Invalid, optionalBoolean, optionalPositiveInteger, optionalString } from './command-params.js';
import { BYTES_PER_DIMENSION, decodeFloat32LE } from './float32-blob.js';
import { nearestNeighbours } from './knn.js';
import { isMetric, type Metric } from './metric.js';
import {
  type CommandOutcome,
  type DescriptorRecord,
  type DescriptorSetRecord,
  failed as failedCommand,
  type Matcher,
} from './records.js';
import { pickProperties, type ResultsSpec, readResults, wantsProperties } from './results-spec.js';

export interface FindDescriptorOptions {
  /** Index of the first response blob this command emits within the transaction (default 0). */
  blobOffset?: number;
  /** The engine's evaluator of the command's `constraints`; required when they are present. */
  matches?: Matcher<DescriptorRecord>;
}

export interface FindDescriptorOutcome extends CommandOutcome {
  /** The descriptors found, in reply order, for the engine's `_ref` bookkeeping. */
  found: DescriptorRecord[];
}

export interface DescriptorContents {
  readonly sets: ReadonlyMap<string, DescriptorSetRecord>;
  readonly members: ReadonlyMap<string, readonly DescriptorRecord[]>;
}

/** Whether the engine must hand this command the next request blob as its query vector. */
export function needsQueryBlob(command: Readonly<Record<string, unknown>>): boolean {
  return command['k_neighbors'] !== undefined && command['vector'] === undefined;
}

interface Found {
  descriptor: DescriptorRecord;
  distance: number | undefined;
}

export function findDescriptor(
  contents: DescriptorContents,
  command: Readonly<Record<string, unknown>>,
  queryBlob: Uint8Array | undefined,
  options: FindDescriptorOptions = {},
): FindDescriptorOutcome {
  const failed = (info: string): FindDescriptorOutcome => ({ ...failedCommand(info), found: [] });
  const params = readParams(command);
  if (params instanceof Invalid) return failed(params.message);
  const { setName, k, withLabel, knnFirst, results } = params;
  if (command['constraints'] !== undefined && options.matches === undefined) {
    return failed('constraints need the engine to evaluate them');
  }
  const set = setName === undefined ? undefined : contents.sets.get(setName);
  if (setName !== undefined && set === undefined) return failed(`DescriptorSet "${setName}" not found`);

  const keep = (descriptor: DescriptorRecord): boolean =>
    (withLabel === undefined || descriptor.label === withLabel) &&
    (command['constraints'] === undefined || options.matches!(descriptor));
  const candidates = set ? (contents.members.get(set.name) ?? []) : [...contents.members.values()].flat();

  let found: Found[];
  if (k !== undefined) {
    if (set === undefined) return failed('k_neighbors needs a set');
    const query = readQuery(command, queryBlob, set);
    if (query instanceof Invalid) return failed(query.message);
    const metric = chooseMetric(command, set);
    if (metric instanceof Invalid) return failed(metric.message);
    const pool = knnFirst ? candidates : candidates.filter(keep);
    const nearest = nearestNeighbours(
      pool.map((d) => d.vector),
      query,
      metric,
      k,
    ).map((n) => ({ descriptor: pool[n.index]!, distance: n.distance }));
    found = knnFirst ? nearest.filter((f) => keep(f.descriptor)) : nearest;
  } else {
    found = candidates.filter(keep).map((descriptor) => ({ descriptor, distance: undefined }));
  }
  if (results.limit !== undefined) found = found.slice(0, results.limit);
  return reply(found, params, options.blobOffset ?? 0);
}

interface Params {
  setName: string | undefined;
  k: number | undefined;
  withLabel: string | undefined;
  knnFirst: boolean;
  distances: boolean;
  labels: boolean;
  blobs: boolean;
  results: ResultsSpec;
}

function readParams(command: Readonly<Record<string, unknown>>): Params | Invalid {
  const params = {
    setName: optionalString(command, 'set'),
    k: optionalPositiveInteger(command, 'k_neighbors'),
    withLabel: optionalString(command, 'with_label'),
    knnFirst: command['knn_first'] === undefined ? true : optionalBoolean(command, 'knn_first'),
    distances: optionalBoolean(command, 'distances'),
    labels: optionalBoolean(command, 'labels'),
    blobs: optionalBoolean(command, 'blobs'),
    results: readResults(command),
  };
  const invalid = Object.values(params).find((value) => value instanceof Invalid);
  return invalid instanceof Invalid ? invalid : (params as Params);
}

function reply(found: readonly Found[], params: Params, blobOffset: number): FindDescriptorOutcome {
  const { results, distances, labels, blobs } = params;
  const sendEntities = wantsProperties(results) || distances || labels || blobs;
  const response: Record<string, unknown> = { status: 0, returned: sendEntities ? found.length : 0 };
  if (results.count) response['count'] = found.length;
  if (blobs) response['blobs_start'] = blobOffset;
  if (sendEntities) {
    response['entities'] = found.map((f, i) => {
      const entity = pickProperties(f.descriptor.properties, results);
      if (labels) entity['_label'] = f.descriptor.label;
      if (distances && f.distance !== undefined) entity['_distance'] = f.distance;
      if (blobs) entity['_blob_index'] = blobOffset + i;
      return entity;
    });
  }
  return {
    response,
    blobs: blobs ? found.map((f) => f.descriptor.blob.slice()) : [],
    found: found.map((f) => f.descriptor),
  };
}

function readQuery(
  command: Readonly<Record<string, unknown>>,
  queryBlob: Uint8Array | undefined,
  set: DescriptorSetRecord,
): Float32Array | Invalid {
  const inline = command['vector'];
  if (inline !== undefined) {
    if (!Array.isArray(inline) || !inline.every((x) => typeof x === 'number')) {
      return new Invalid('vector must be a list of numbers');
    }
    if (inline.length !== set.dimensions) {
      return new Invalid(
        `vector has ${inline.length} values; set "${set.name}" has ${set.dimensions} dimensions`,
      );
    }
    return Float32Array.from(inline);
  }
  if (queryBlob === undefined) return new Invalid('k_neighbors needs a query descriptor blob');
  const expected = set.dimensions * BYTES_PER_DIMENSION;
  if (queryBlob.byteLength !== expected) {
    return new Invalid(
      `query blob has ${queryBlob.byteLength} bytes; set "${set.name}" expects ${expected} ` +
        `(${set.dimensions} dimensions x 4 bytes, float32 little-endian)`,
    );
  }
  return decodeFloat32LE(queryBlob);
}

function chooseMetric(
  command: Readonly<Record<string, unknown>>,
  set: DescriptorSetRecord,
): Metric | Invalid {
  const asked = command['metric'];
  if (asked === undefined) return set.metrics[0]!;
  if (isMetric(asked) && set.metrics.includes(asked)) return asked;
  return new Invalid(`metric must be one of the set's metrics: ${set.metrics.join(', ')}`);
}
