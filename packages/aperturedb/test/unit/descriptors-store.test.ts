import { describe, expect, it } from 'vitest';
import {
  type DescriptorRecord,
  DescriptorStore,
  decodeFloat32LE,
  encodeFloat32LE,
} from '../../src/testing/descriptors/index.js';

function storeWithSet(dimensions = 2) {
  const store = new DescriptorStore();
  store.addSet({ name: 'faces', dimensions, metric: 'L2', engine: 'FaissFlat', properties: { model: 'x' } });
  return store;
}

describe('AddDescriptorSet', () => {
  it('adds once, then answers status 2 for the same name without changing the set', () => {
    const store = storeWithSet(2);
    expect(store.addSet({ name: 'faces', dimensions: 8, metric: 'IP' }).response).toEqual({ status: 2 });
    expect(store.getSet('faces')).toMatchObject({ dimensions: 2, metrics: ['L2'], engines: ['FaissFlat'] });
  });

  it('refuses bad dimensions and metrics with status -1', () => {
    const store = new DescriptorStore();
    for (const command of [
      { name: 'a', dimensions: 0 },
      { name: 'a', dimensions: 1.5 },
      { name: 'a', dimensions: 4, metric: 'COSINE' },
      { name: 'a', dimensions: 4, metric: ['L2', 'XX'] },
      { name: '', dimensions: 4 },
    ]) {
      expect(store.addSet(command).response).toEqual({ status: -1, info: expect.any(String) });
    }
    expect(store.getSet('a')).toBeUndefined();
  });
});

describe('AddDescriptor', () => {
  it('refuses a blob whose length is not dimensions x 4 and stores nothing', () => {
    const store = storeWithSet(3);
    const outcome = store.addDescriptor({ set: 'faces' }, encodeFloat32LE([1, 2]));
    expect(outcome.response).toEqual({
      status: -1,
      info: 'descriptor blob has 8 bytes; set "faces" expects 12 (3 dimensions x 4 bytes, float32 little-endian)',
    });
    expect(store.addDescriptor({ set: 'faces' }, new Uint8Array(13)).response['status']).toBe(-1);
    expect(store.addDescriptor({ set: 'faces' }, undefined).response['status']).toBe(-1);
    expect(store.addDescriptor({ set: 'nope' }, encodeFloat32LE([1, 2, 3])).response['status']).toBe(-1);
    expect(store.descriptorsIn('faces')).toHaveLength(0);
  });

  it('decodes little-endian float32 at any byte offset and labels "None" by default', () => {
    const store = storeWithSet(2);
    const backing = new Uint8Array(9);
    backing.set(encodeFloat32LE([1.5, -2]), 1);
    const outcome = store.addDescriptor({ set: 'faces' }, backing.subarray(1));
    expect(outcome.response).toEqual({ status: 0 });
    expect([...outcome.descriptor!.vector]).toEqual([1.5, -2]);
    expect(outcome.descriptor!.label).toBe('None');
    expect([...decodeFloat32LE(Uint8Array.from([0, 0, 0xc0, 0x3f]))]).toEqual([1.5]);
  });
});

describe('FindDescriptor', () => {
  function populated() {
    const store = storeWithSet(1);
    for (const [i, x] of [0, 1, 2, 3].entries()) {
      store.addDescriptor(
        { set: 'faces', label: i % 2 === 0 ? 'even' : 'odd', properties: { x } },
        encodeFloat32LE([x]),
      );
    }
    return store;
  }

  it('refuses a query blob of the wrong length and a k-NN without blob or set', () => {
    const store = populated();
    expect(store.findDescriptor({ set: 'faces', k_neighbors: 1 }, new Uint8Array(8)).response).toEqual({
      status: -1,
      info: 'query blob has 8 bytes; set "faces" expects 4 (1 dimensions x 4 bytes, float32 little-endian)',
    });
    expect(store.findDescriptor({ set: 'faces', k_neighbors: 1 }).response['status']).toBe(-1);
    expect(store.findDescriptor({ k_neighbors: 1 }, encodeFloat32LE([0])).response['status']).toBe(-1);
    expect(store.findDescriptor({ set: 'nope' }).response['status']).toBe(-1);
  });

  it('returns blobs with absolute blobs_start and _blob_index', () => {
    const store = populated();
    const outcome = store.findDescriptor(
      { set: 'faces', k_neighbors: 2, blobs: true },
      encodeFloat32LE([2.9]),
      { blobOffset: 3 },
    );
    expect(outcome.response).toEqual({
      status: 0,
      returned: 2,
      blobs_start: 3,
      entities: [{ _blob_index: 3 }, { _blob_index: 4 }],
    });
    expect(outcome.blobs.map((b) => [...decodeFloat32LE(b)])).toEqual([[3], [2]]);
  });

  it('applies constraints after k-NN by default and before it with knn_first false', () => {
    const store = populated();
    const matches = (d: DescriptorRecord) => d.properties['x'] !== 3;
    const command = { set: 'faces', k_neighbors: 2, constraints: { x: ['!=', 3] }, results: { list: ['x'] } };
    const query = encodeFloat32LE([3]);
    expect(store.findDescriptor(command, query, { matches }).response['entities']).toEqual([{ x: 2 }]);
    expect(
      store.findDescriptor({ ...command, knn_first: false }, query, { matches }).response['entities'],
    ).toEqual([{ x: 2 }, { x: 1 }]);
    expect(store.findDescriptor(command, query).response['status']).toBe(-1);
  });

  it('without k-NN lists matching descriptors in insertion order, with count and with_label', () => {
    const store = populated();
    expect(
      store.findDescriptor({
        set: 'faces',
        with_label: 'odd',
        labels: true,
        results: { all_properties: true, count: true },
      }).response,
    ).toEqual({
      status: 0,
      returned: 2,
      count: 2,
      entities: [
        { x: 1, _label: 'odd' },
        { x: 3, _label: 'odd' },
      ],
    });
    expect(store.findDescriptor({ set: 'faces', results: { count: true } }).response).toEqual({
      status: 0,
      returned: 0,
      count: 4,
    });
  });

  it('accepts an inline vector instead of a blob', () => {
    const store = populated();
    const outcome = store.findDescriptor({ set: 'faces', k_neighbors: 1, vector: [0.2], labels: true });
    expect(outcome.response['entities']).toEqual([{ _label: 'even' }]);
  });
});

describe('FindDescriptorSet', () => {
  function twoSets() {
    const store = new DescriptorStore();
    store.addSet({
      name: 'a',
      dimensions: 2,
      metric: ['CS', 'L2'],
      engine: ['HNSW', 'Flat'],
      properties: { p: 1 },
    });
    store.addSet({ name: 'b', dimensions: 1 });
    store.addDescriptor({ set: 'a' }, encodeFloat32LE([1, 1]));
    return store;
  }

  it('reports _count, _dimensions, _metrics and _engines by flag', () => {
    const outcome = twoSets().findSet({ counts: true, dimensions: true, metrics: true, engines: true });
    expect(outcome.response).toEqual({
      status: 0,
      returned: 2,
      entities: [
        { _count: 1, _dimensions: 2, _metrics: ['CS', 'L2'], _engines: ['HNSW', 'Flat'] },
        { _count: 0, _dimensions: 1, _metrics: ['L2'], _engines: ['HNSW'] },
      ],
    });
  });

  it('lists _name and system properties through results.list, and all_properties with with_name', () => {
    const store = twoSets();
    expect(store.findSet({ results: { list: ['_name', '_count', 'p'] } }).response['entities']).toEqual([
      { _name: 'a', p: 1, _count: 1 },
      { _name: 'b', _count: 0 },
    ]);
    expect(store.findSet({ with_name: 'a', results: { all_properties: true } }).response).toEqual({
      status: 0,
      returned: 1,
      entities: [{ p: 1, _name: 'a' }],
    });
    expect(store.findSet({ results: { count: true } }).response).toEqual({
      status: 0,
      returned: 0,
      count: 2,
    });
  });
});

describe('DeleteDescriptorSet and rollback', () => {
  it('deletes a set and its descriptors, and a snapshot restores both', () => {
    const store = storeWithSet(1);
    store.addDescriptor({ set: 'faces' }, encodeFloat32LE([1]));
    const before = store.snapshot();
    expect(store.deleteSet({ with_name: 'faces' }).response).toEqual({ status: 0, count: 1 });
    expect(store.getSet('faces')).toBeUndefined();
    expect(store.findDescriptor({}).response).toEqual({ status: 0, returned: 0 });
    store.restore(before);
    expect(store.descriptorsIn('faces')).toHaveLength(1);
  });

  it('a snapshot does not see descriptors added after it', () => {
    const store = storeWithSet(1);
    const before = store.snapshot();
    store.addDescriptor({ set: 'faces' }, encodeFloat32LE([1]));
    store.restore(before);
    expect(store.descriptorsIn('faces')).toHaveLength(0);
  });

  it('deletes the sets the engine matches, and refuses constraints without a matcher', () => {
    const store = new DescriptorStore();
    for (const name of ['a', 'b', 'c']) store.addSet({ name, dimensions: 1 });
    const command = { constraints: { _uniqueid: ['!=', '0.0.0'] } };
    expect(store.deleteSet(command).response['status']).toBe(-1);
    expect(store.deleteSet(command, { matches: (s) => s.name !== 'b' }).response).toEqual({
      status: 0,
      count: 2,
    });
    expect(store.findSet({ results: { list: ['_name'] } }).response['entities']).toEqual([{ _name: 'b' }]);
  });
});
