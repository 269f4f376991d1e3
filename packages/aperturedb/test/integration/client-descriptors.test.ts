// k-NN through the client: descriptors added with float32 blobs, FindDescriptor (the findSimilar
// builder) answered with the same neighbours and distances as a brute-force computation here.
import { describe, expect, it } from 'vitest';
import { addDescriptor, findSimilar } from '../../src/query/index.js';
import { entitiesOf, resultOf } from '../../src/response.js';
import { harness } from '../support/client-harness.js';

const { startServer, clientOf } = harness();

const DIMENSIONS = 8;
const COUNT = 60;
const K = 7;

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function vectors(seed: number, count: number): Float32Array[] {
  const next = random(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: DIMENSIONS }, () => next() * 2 - 1));
}

type Metric = 'L2' | 'IP' | 'CS';

/** The documented `_distance`: squared L2 (ascending), inner product and cosine (descending). */
function score(metric: Metric, a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let squared = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    squared += (x - y) ** 2;
    normA += x * x;
    normB += y * y;
  }
  if (metric === 'L2') return squared;
  if (metric === 'IP') return dot;
  return dot / (Math.sqrt(normA) * Math.sqrt(normB));
}

function bruteForce(metric: Metric, stored: Float32Array[], query: Float32Array) {
  return stored
    .map((vector, id) => ({ id, distance: score(metric, query, vector) }))
    .sort((a, b) => (metric === 'L2' ? a.distance - b.distance : b.distance - a.distance))
    .slice(0, K);
}

describe('ApertureDBClient k-NN', () => {
  it.each(['L2', 'IP', 'CS'] as const)('FindDescriptor with metric %s equals brute force', async (metric) => {
    const server = await startServer();
    const client = clientOf(server);
    const set = `set-${metric}`;
    const stored = vectors(7, COUNT);
    await client.query([{ AddDescriptorSet: { name: set, dimensions: DIMENSIONS, metric } }]);
    const adds = stored.map((vector, id) => addDescriptor(set, vector, { properties: { id } }));
    await client.query(
      adds.map((add) => add.command),
      adds.map((add) => add.blob),
    );

    for (const query of vectors(99, 5)) {
      const similar = findSimilar(set, query, K, { results: { list: ['id'] } });
      const { response } = await client.query([similar.command], [similar.blob]);
      const found = entitiesOf(resultOf(response, 0)).map((entity) => ({
        id: entity['id'] as number,
        distance: entity['_distance'] as number,
      }));
      const expected = bruteForce(metric, stored, query);
      expect(found.map((entry) => entry.id)).toEqual(expected.map((entry) => entry.id));
      found.forEach((entry, index) => {
        expect(entry.distance).toBeCloseTo((expected[index] as { distance: number }).distance, 5);
      });
    }
  });
});
