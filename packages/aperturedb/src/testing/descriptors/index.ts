/**
 * Descriptor sets and exact k-NN search for the in-memory ApertureDB test server.
 */

export type { DeleteDescriptorSetOptions, DescriptorStoreSnapshot } from './descriptor-store.js';
export { DEFAULT_ENGINE, DEFAULT_LABEL, DEFAULT_METRIC, DescriptorStore } from './descriptor-store.js';
export type { FindDescriptorOptions, FindDescriptorOutcome } from './find-descriptor.js';
export { needsQueryBlob } from './find-descriptor.js';
export type { FindDescriptorSetOptions, FindDescriptorSetOutcome } from './find-descriptor-set.js';
export { BYTES_PER_DIMENSION, decodeFloat32LE, encodeFloat32LE } from './float32-blob.js';
export { type Neighbour, nearestNeighbours } from './knn.js';
export { distance, isMetric, largerIsNearer, METRICS, type Metric } from './metric.js';
export type {
  CommandOutcome,
  DescriptorRecord,
  DescriptorSetRecord,
  Matcher,
  Properties,
} from './records.js';
