import { describe, expect, it } from 'vitest';
import { TestDatabase } from '../../src/testing/database/index.js';

function float32Blob(values: readonly number[]): Uint8Array {
  const blob = new Uint8Array(values.length * 4);
  const view = new DataView(blob.buffer);
  for (const [i, value] of values.entries()) view.setFloat32(i * 4, value, true);
  return blob;
}

function send(database: TestDatabase, query: unknown, blobs: Uint8Array[] = []) {
  const reply = database.handle({ json: JSON.stringify(query), blobs, token: '' });
  return { response: JSON.parse(reply.json) as unknown, blobs: reply.blobs };
}

type Metric = 'L2' | 'IP' | 'CS';

/** The reference the server must match: float64 arithmetic over the float32-rounded vectors. */
function bruteForce(vectors: number[][], query: number[], metric: Metric, k: number) {
  const f = (v: number[]) => v.map((x) => Math.fround(x));
  const q = f(query);
  const dot = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
  const score = (v: number[]) => {
    if (metric === 'L2') return v.reduce((sum, x, i) => sum + (x - q[i]!) ** 2, 0);
    if (metric === 'IP') return dot(q, v);
    return dot(q, v) / (Math.sqrt(dot(q, q)) * Math.sqrt(dot(v, v)));
  };
  return vectors
    .map((v, index) => ({ index, distance: score(f(v)) }))
    .sort(
      (a, b) => (metric === 'L2' ? a.distance - b.distance : b.distance - a.distance) || a.index - b.index,
    )
    .slice(0, k);
}

/** Deterministic pseudo-random vectors (no ties in practice). */
function vectors(count: number, dimensions: number, seed: number): number[][] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  return Array.from({ length: count }, () => Array.from({ length: dimensions }, next));
}

function seeded(metric: Metric, data: number[][]) {
  const database = new TestDatabase({ authentication: false });
  const dimensions = data[0]!.length;
  const { response } = send(
    database,
    [
      { AddDescriptorSet: { name: 'set', dimensions, metric } },
      ...data.map((_, i) => ({ AddDescriptor: { set: 'set', label: `L${i}`, properties: { n: i } } })),
    ],
    data.map(float32Blob),
  );
  expect(response).toEqual([
    { AddDescriptorSet: { status: 0 } },
    ...data.map(() => ({ AddDescriptor: { status: 0 } })),
  ]);
  return database;
}

describe('TestDatabase descriptors', () => {
  it.each(['L2', 'IP', 'CS'] as const)('FindDescriptor %s k-NN equals a brute-force search', (metric) => {
    const data = vectors(12, 5, metric.charCodeAt(0));
    const database = seeded(metric, data);
    const query = vectors(1, 5, 99)[0]!;
    const expected = bruteForce(data, query, metric, 4);
    const { response, blobs } = send(
      database,
      [
        {
          FindDescriptor: {
            set: 'set',
            k_neighbors: 4,
            distances: true,
            labels: true,
            blobs: true,
            results: { list: ['n'] },
          },
        },
      ],
      [float32Blob(query)],
    );
    expect(response).toEqual([
      {
        FindDescriptor: {
          status: 0,
          returned: 4,
          blobs_start: 0,
          entities: expected.map((e, i) => ({
            n: e.index,
            _label: `L${e.index}`,
            _distance: e.distance,
            _blob_index: i,
          })),
        },
      },
    ]);
    expect(blobs).toEqual(expected.map((e) => float32Blob(data[e.index]!)));
  });

  it('FindDescriptor honours constraints, _ref and uniqueids on descriptors', () => {
    const data = vectors(10, 3, 7);
    const database = seeded('L2', data);
    const query = [0, 0, 0];
    const { response } = send(
      database,
      [
        {
          FindDescriptor: {
            set: 'set',
            k_neighbors: 10,
            knn_first: false,
            constraints: { n: ['>=', 5] },
            _ref: 1,
            uniqueids: true,
            distances: true,
          },
        },
        { AddEntity: { class: 'Tag', connect: { ref: 1, class: 'tags' } } },
        { FindEntity: { with_class: 'Tag', _ref: 2 } },
        {
          FindDescriptor: {
            is_connected_to: { ref: 2, connection_class: 'tags' },
            results: { list: ['n'] },
            uniqueids: true,
          },
        },
      ],
      [float32Blob(query)],
    );
    const [first, , , fourth] = response as [
      { FindDescriptor: { entities: { _uniqueid: string; _distance: number }[] } },
      unknown,
      unknown,
      { FindDescriptor: { entities: { n: number; _uniqueid: string }[] } },
    ];
    const expected = bruteForce(data.slice(5), query, 'L2', 10);
    expect(first.FindDescriptor.entities.map((e) => e._distance)).toEqual(expected.map((e) => e.distance));
    // The Tag was connected to exactly the five descriptors the ref named.
    expect(fourth.FindDescriptor.entities.map((e) => e.n)).toEqual([5, 6, 7, 8, 9]);
    expect(new Set(fourth.FindDescriptor.entities.map((e) => e._uniqueid))).toEqual(
      new Set(first.FindDescriptor.entities.map((e) => e._uniqueid)),
    );
  });

  it('rolls back descriptors and sets when a later command fails', () => {
    const database = new TestDatabase({ authentication: false });
    const failed = send(
      database,
      [
        { AddDescriptorSet: { name: 'doomed', dimensions: 2 } },
        { AddDescriptor: { set: 'doomed' } },
        { FindEntity: { ref: 42 } },
      ],
      [float32Blob([1, 2])],
    );
    expect(failed.response).toEqual({ status: -1, info: expect.stringContaining('Reference not found') });
    expect(send(database, [{ FindDescriptorSet: { results: { count: true } } }]).response).toEqual([
      { FindDescriptorSet: { status: 0, returned: 0, count: 0 } },
    ]);
    expect(send(database, [{ GetSchema: {} }]).response).toEqual([
      { GetSchema: { status: 0, entities: null, connections: null } },
    ]);
    // The store itself was rolled back: the name is free again (status 0, not 2 "exists").
    expect(send(database, [{ AddDescriptorSet: { name: 'doomed', dimensions: 2 } }]).response).toEqual([
      { AddDescriptorSet: { status: 0 } },
    ]);
  });

  it('rolls back an AddDescriptor into an existing set after a failing descriptor command', () => {
    const database = seeded('L2', [[1, 1]]);
    const wrongSize = send(
      database,
      [{ AddDescriptor: { set: 'set' } }, { AddDescriptor: { set: 'set' } }],
      [float32Blob([2, 2]), new Uint8Array(3)],
    );
    expect(wrongSize.response).toEqual({ status: -1, info: expect.stringContaining('3 bytes') });
    expect(send(database, [{ FindDescriptorSet: { with_name: 'set', counts: true } }]).response).toEqual([
      { FindDescriptorSet: { status: 0, returned: 1, entities: [{ _count: 1 }] } },
    ]);
  });

  it('numbers blobs across FindBlob and FindDescriptor in one transaction', () => {
    const database = seeded('L2', [
      [0, 0],
      [3, 4],
    ]);
    send(database, [{ AddBlob: {} }, { AddBlob: {} }], [new Uint8Array([7]), new Uint8Array([8])]);
    const { response, blobs } = send(
      database,
      [
        { FindBlob: { blobs: true } },
        { FindDescriptor: { set: 'set', k_neighbors: 1, blobs: true } },
        { FindBlob: { blobs: true, limit: 1 } },
      ],
      [float32Blob([3, 3])],
    );
    expect(response).toEqual([
      {
        FindBlob: {
          status: 0,
          returned: 2,
          blobs_start: 0,
          entities: [{ _blob_index: 0 }, { _blob_index: 1 }],
        },
      },
      { FindDescriptor: { status: 0, returned: 1, blobs_start: 2, entities: [{ _blob_index: 2 }] } },
      { FindBlob: { status: 0, returned: 1, blobs_start: 3, entities: [{ _blob_index: 3 }] } },
    ]);
    expect(blobs).toEqual([
      new Uint8Array([7]),
      new Uint8Array([8]),
      float32Blob([3, 4]),
      new Uint8Array([7]),
    ]);
  });

  it('FindDescriptorSet reports the flags', () => {
    const database = new TestDatabase({ authentication: false });
    send(
      database,
      [
        {
          AddDescriptorSet: {
            name: 'a',
            dimensions: 2,
            metric: ['CS', 'L2'],
            engine: 'Flat',
            properties: { team: 'x' },
          },
        },
        { AddDescriptorSet: { name: 'b', dimensions: 3 } },
        { AddDescriptor: { set: 'a' } },
      ],
      [float32Blob([1, 0])],
    );
    expect(
      send(database, [
        {
          FindDescriptorSet: {
            counts: true,
            dimensions: true,
            metrics: true,
            engines: true,
            results: { list: ['_name', 'team'] },
          },
        },
        { FindDescriptorSet: { constraints: { _name: ['==', 'b'] }, results: { list: ['_name'] } } },
      ]).response,
    ).toEqual([
      {
        FindDescriptorSet: {
          status: 0,
          returned: 2,
          entities: [
            { _name: 'a', team: 'x', _count: 1, _dimensions: 2, _metrics: ['CS', 'L2'], _engines: ['Flat'] },
            { _name: 'b', _count: 0, _dimensions: 3, _metrics: ['L2'], _engines: ['HNSW'] },
          ],
        },
      },
      { FindDescriptorSet: { status: 0, returned: 1, entities: [{ _name: 'b' }] } },
    ]);
  });

  it('DeleteDescriptorSet removes the set and its descriptors', () => {
    const database = new TestDatabase({ authentication: false });
    send(
      database,
      [
        { AddDescriptorSet: { name: 'keep', dimensions: 1 } },
        { AddDescriptorSet: { name: 'drop', dimensions: 1 } },
        { AddDescriptor: { set: 'keep' } },
        { AddDescriptor: { set: 'drop' } },
      ],
      [float32Blob([1]), float32Blob([2])],
    );
    expect(
      send(database, [
        { FindDescriptorSet: { with_name: 'drop', _ref: 1 } },
        { DeleteDescriptorSet: { ref: 1 } },
      ]).response,
    ).toEqual([
      { FindDescriptorSet: { status: 0, returned: 0 } },
      { DeleteDescriptorSet: { status: 0, count: 1 } },
    ]);
    expect(
      send(database, [
        { FindDescriptorSet: { results: { list: ['_name'] } } },
        { FindDescriptor: { results: { count: true } } },
        { FindEntity: { with_class: '_Descriptor', results: { count: true } } },
      ]).response,
    ).toEqual([
      { FindDescriptorSet: { status: 0, returned: 1, entities: [{ _name: 'keep' }] } },
      { FindDescriptor: { status: 0, returned: 0, count: 1 } },
      { FindEntity: { status: 0, returned: 0, count: 1 } },
    ]);
    // FindDescriptor on the deleted set is an error now.
    expect(send(database, [{ FindDescriptor: { set: 'drop' } }]).response).toEqual({
      status: -1,
      info: expect.stringContaining('"drop" not found'),
    });
  });

  it('the remove_all_objects transaction removes descriptor sets too', () => {
    const database = seeded('IP', vectors(3, 2, 5));
    send(database, [{ AddEntity: { class: 'Person' } }, { AddBlob: {} }], [new Uint8Array([1])]);
    const all = { constraints: { _uniqueid: ['!=', '0.0.0'] } };
    const { response } = send(database, [
      ...[
        'DeleteImage',
        'DeleteVideo',
        'DeleteBlob',
        'DeleteClip',
        'DeleteDescriptorSet',
        'DeleteBoundingBox',
        'DeletePolygon',
        'DeleteFrame',
        'DeleteEntity',
      ].map((name) => ({ [name]: all })),
      { GetSchema: { refresh: true } },
    ]);
    const replies = response as Record<string, { status: number; count?: number }>[];
    expect(replies[4]).toEqual({ DeleteDescriptorSet: { status: 0, count: 1 } });
    expect(replies.at(-1)).toEqual({ GetSchema: { status: 0, entities: null, connections: null } });
    expect(send(database, [{ AddDescriptorSet: { name: 'set', dimensions: 2 } }]).response).toEqual([
      { AddDescriptorSet: { status: 0 } },
    ]);
  });

  it('DeleteDescriptor removes single descriptors from search', () => {
    const database = seeded('L2', [[0], [1], [2]]);
    expect(
      send(database, [{ DeleteDescriptor: { set: 'set', constraints: { n: ['==', 0] } } }]).response,
    ).toEqual([{ DeleteDescriptor: { status: 0, count: 1 } }]);
    expect(
      send(database, [{ FindDescriptor: { set: 'set', k_neighbors: 1, labels: true } }], [float32Blob([0])])
        .response,
    ).toEqual([{ FindDescriptor: { status: 0, returned: 1, entities: [{ _label: 'L1' }] } }]);
  });
});
