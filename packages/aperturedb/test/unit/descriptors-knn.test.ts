import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DescriptorStore, encodeFloat32LE, type Metric } from '../../src/testing/descriptors/index.js';

/**
 * An independent reference: scores written out per metric, then k rounds of "pick the best
 * remaining candidate" (better distance, or equal distance and earlier insertion). Same float64
 * arithmetic as the store, so distances must match exactly.
 */
function referenceKnn(vectors: number[][], query: number[], metric: Metric, k: number) {
  const score = (v: number[]): number => {
    if (metric === 'L2') return v.reduce((sum, x, i) => sum + (x - query[i]!) * (x - query[i]!), 0);
    const dot = v.reduce((sum, x, i) => sum + query[i]! * x, 0);
    if (metric === 'IP') return dot;
    const norms =
      Math.sqrt(query.reduce((s, x) => s + x * x, 0)) * Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    return norms === 0 ? 0 : dot / norms;
  };
  const better = (a: number, b: number): boolean => (metric === 'L2' ? a < b : a > b);
  const remaining = vectors.map((v, index) => ({ index, distance: score(v) }));
  const picked: { index: number; distance: number }[] = [];
  while (picked.length < k && remaining.length > 0) {
    let best = 0;
    for (let i = 1; i < remaining.length; i++) {
      const candidate = remaining[i]!;
      const current = remaining[best]!;
      if (better(candidate.distance, current.distance)) best = i;
      else if (candidate.distance === current.distance && candidate.index < current.index) best = i;
    }
    picked.push(remaining.splice(best, 1)[0]!);
  }
  return picked.map((p) => ({ _label: `d${p.index}`, _distance: p.distance }));
}

/** float32 components; the "ties" mode draws small integers so equal distances are common. */
function vectorOf(dimensions: number, ties: boolean): fc.Arbitrary<number[]> {
  const component = ties
    ? fc.integer({ min: -2, max: 2 })
    : fc.float({ noNaN: true, noDefaultInfinity: true, min: -1000, max: 1000 });
  return fc.array(component, { minLength: dimensions, maxLength: dimensions });
}

const scenario = fc
  .record({ dimensions: fc.integer({ min: 1, max: 16 }), ties: fc.boolean() })
  .chain(({ dimensions, ties }) =>
    fc.record({
      dimensions: fc.constant(dimensions),
      vectors: fc.array(vectorOf(dimensions, ties), { minLength: 1, maxLength: 200 }),
      query: vectorOf(dimensions, ties),
      k: fc.integer({ min: 1, max: 20 }),
      metric: fc.constantFrom<Metric>('L2', 'IP', 'CS'),
    }),
  );

describe('FindDescriptor exact k-NN', () => {
  it('equals an independent brute-force search, ties included, for every metric', () => {
    fc.assert(
      fc.property(scenario, ({ dimensions, vectors, query, k, metric }) => {
        const store = new DescriptorStore();
        expect(store.addSet({ name: 's', dimensions, metric: ['L2', 'IP', 'CS'] }).response).toEqual({
          status: 0,
        });
        vectors.forEach((v, i) => {
          expect(store.addDescriptor({ set: 's', label: `d${i}` }, encodeFloat32LE(v)).response.status).toBe(
            0,
          );
        });
        const outcome = store.findDescriptor(
          { set: 's', k_neighbors: k, metric, distances: true, labels: true },
          encodeFloat32LE(query),
        );
        const expected = referenceKnn(vectors, query, metric, k);
        expect(outcome.response).toEqual({ status: 0, returned: expected.length, entities: expected });
      }),
      { numRuns: 300 },
    );
  });

  it('uses squared L2 ascending, IP and CS descending, and breaks ties by insertion order', () => {
    const store = new DescriptorStore();
    store.addSet({ name: 's', dimensions: 2, metric: ['L2', 'IP', 'CS'] });
    const vectors = [
      [3, 4],
      [1, 0],
      [2, 0],
      [0, 1],
    ];
    for (const [i, v] of vectors.entries())
      store.addDescriptor({ set: 's', label: `d${i}` }, encodeFloat32LE(v));
    const find = (metric: Metric, query: number[]) =>
      store.findDescriptor(
        { set: 's', k_neighbors: 4, metric, distances: true, labels: true },
        encodeFloat32LE(query),
      ).response['entities'];
    expect(find('L2', [0, 0])).toEqual([
      { _label: 'd1', _distance: 1 },
      { _label: 'd3', _distance: 1 },
      { _label: 'd2', _distance: 4 },
      { _label: 'd0', _distance: 25 },
    ]);
    expect(find('IP', [1, 0])).toEqual([
      { _label: 'd0', _distance: 3 },
      { _label: 'd2', _distance: 2 },
      { _label: 'd1', _distance: 1 },
      { _label: 'd3', _distance: 0 },
    ]);
    expect(find('CS', [1, 0])).toEqual([
      { _label: 'd1', _distance: 1 },
      { _label: 'd2', _distance: 1 },
      { _label: 'd0', _distance: 0.6 },
      { _label: 'd3', _distance: 0 },
    ]);
  });

  it('uses the set’s first metric when the command names none', () => {
    const store = new DescriptorStore();
    store.addSet({ name: 's', dimensions: 1, metric: 'IP' });
    store.addDescriptor({ set: 's', label: 'small' }, encodeFloat32LE([1]));
    store.addDescriptor({ set: 's', label: 'large' }, encodeFloat32LE([5]));
    const outcome = store.findDescriptor({ set: 's', k_neighbors: 1, labels: true }, encodeFloat32LE([1]));
    expect(outcome.response['entities']).toEqual([{ _label: 'large' }]);
    const refused = store.findDescriptor({ set: 's', k_neighbors: 1, metric: 'L2' }, encodeFloat32LE([1]));
    expect(refused.response['status']).toBe(-1);
  });
});
