import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TestDatabase } from '../../src/testing/database/index.js';
import { ApertureDBEngine, GraphStore } from '../../src/testing/engine/index.js';

/**
 * One change to the graph. Objects and connections are named by position among the live ones
 * (modulo their count), so any generated sequence is applicable; index names come from a small
 * domain so that removing and re-adding the same index in one transaction is common.
 */
type Mutation =
  | { readonly op: 'addObject'; readonly cls: string; readonly n: number; readonly withBlob: boolean }
  | { readonly op: 'replaceObject'; readonly pick: number; readonly n: number }
  | { readonly op: 'deleteObject'; readonly pick: number }
  | { readonly op: 'addConnection'; readonly src: number; readonly dst: number; readonly cls: string }
  | { readonly op: 'replaceConnection'; readonly pick: number; readonly n: number }
  | { readonly op: 'deleteConnection'; readonly pick: number }
  | { readonly op: 'addIndex' | 'removeIndex'; readonly kind: 'entity' | 'connection'; readonly key: string };

const className = fc.constantFrom('Person', 'Place');
const pick = fc.nat(50);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant('addObject' as const),
      cls: className,
      n: fc.integer(),
      withBlob: fc.boolean(),
    }),
    weight: 4,
  },
  fc.record({ op: fc.constant('replaceObject' as const), pick, n: fc.integer() }),
  fc.record({ op: fc.constant('deleteObject' as const), pick }),
  {
    arbitrary: fc.record({ op: fc.constant('addConnection' as const), src: pick, dst: pick, cls: className }),
    weight: 2,
  },
  fc.record({ op: fc.constant('replaceConnection' as const), pick, n: fc.integer() }),
  fc.record({ op: fc.constant('deleteConnection' as const), pick }),
  fc.record({
    op: fc.constantFrom('addIndex' as const, 'removeIndex' as const),
    kind: fc.constantFrom('entity' as const, 'connection' as const),
    key: fc.constantFrom('a', 'b', 'c'),
  }),
);

function nth<T>(list: readonly T[], position: number): T | undefined {
  return list.length === 0 ? undefined : list[position % list.length];
}

function apply(store: GraphStore, m: Mutation): void {
  switch (m.op) {
    case 'addObject':
      store.addObject(m.cls, { n: m.n }, m.withBlob ? Uint8Array.of(m.n & 0xff) : undefined);
      return;
    case 'replaceObject': {
      const object = nth(store.allObjects(), m.pick);
      if (object) store.replaceObject({ ...object, properties: { ...object.properties, n: m.n } });
      return;
    }
    case 'deleteObject': {
      const object = nth(store.allObjects(), m.pick);
      if (object) store.deleteObject(object.id);
      return;
    }
    case 'addConnection': {
      const objects = store.allObjects();
      const src = nth(objects, m.src);
      const dst = nth(objects, m.dst);
      if (src && dst) store.addConnection(m.cls, src.id, dst.id, { from: src.id });
      return;
    }
    case 'replaceConnection': {
      const edge = nth(store.allConnections(), m.pick);
      if (edge) store.replaceConnection({ ...edge, properties: { n: m.n } });
      return;
    }
    case 'deleteConnection': {
      const edge = nth(store.allConnections(), m.pick);
      if (edge) store.deleteConnection(edge.id);
      return;
    }
    case 'addIndex':
      store.addIndex(m.kind, 'Person', m.key);
      return;
    case 'removeIndex':
      store.removeIndex(m.kind, 'Person', m.key);
      return;
  }
}

/** Everything a reader can observe, in the order readers see it. */
function observe(store: GraphStore) {
  return {
    objects: store.allObjects(),
    connections: store.allConnections(),
    entityIndexes: store.indexesOf('entity'),
    connectionIndexes: store.indexesOf('connection'),
    lookups: store.allObjects().map((object) => store.getObject(object.id)),
  };
}

/** The id the next add gets, read without leaving a trace. */
function nextId(store: GraphStore): string {
  store.begin();
  const { id } = store.addObject('Probe', {});
  store.rollback();
  return id;
}

function transaction(store: GraphStore, mutations: readonly Mutation[]): void {
  store.begin();
  for (const m of mutations) apply(store, m);
  store.commit();
}

describe('GraphStore undo log', () => {
  it('a rolled-back transaction leaves the exact prior state: records, order, indexes, next id', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(mutation, { maxLength: 30 }), { maxLength: 4 }),
        fc.array(mutation, { minLength: 1, maxLength: 200 }),
        (committed, failed) => {
          const store = new GraphStore();
          for (const mutations of committed) transaction(store, mutations);
          const before = structuredClone(observe(store));
          const idBefore = nextId(store);

          store.begin();
          for (const m of failed) apply(store, m);
          store.rollback();

          expect(observe(store)).toEqual(before);
          expect(nextId(store)).toBe(idBefore);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('committed transactions give the same state as applying the changes directly', () => {
    fc.assert(
      fc.property(fc.array(fc.array(mutation, { maxLength: 40 }), { maxLength: 5 }), (transactions) => {
        const journaled = new GraphStore();
        const direct = new GraphStore();
        for (const mutations of transactions) {
          transaction(journaled, mutations);
          for (const m of mutations) apply(direct, m);
        }
        expect(observe(journaled)).toEqual(observe(direct));
        expect(nextId(journaled)).toBe(nextId(direct));
      }),
      { numRuns: 300 },
    );
  });

  it('re-adding an index removed earlier in the transaction moves it last, and a rollback puts it back', () => {
    const store = new GraphStore();
    store.addIndex('entity', 'Person', 'a');
    store.addIndex('entity', 'Person', 'b');
    store.begin();
    store.removeIndex('entity', 'Person', 'a');
    expect(store.isIndexed('entity', 'Person', 'a')).toBe(false);
    store.addIndex('entity', 'Person', 'a');
    expect(store.indexesOf('entity')).toEqual([
      ['Person', 'b'],
      ['Person', 'a'],
    ]);
    store.rollback();
    expect(store.indexesOf('entity')).toEqual([
      ['Person', 'a'],
      ['Person', 'b'],
    ]);
  });
});

describe('engine rollback after many changes', () => {
  const readAll = [
    { FindEntity: { results: { all_properties: true } } },
    { FindConnection: { results: { all_properties: true } } },
    { GetSchema: {} },
  ];

  it('a transaction that adds, updates, connects, indexes and deletes, then fails, changes nothing', () => {
    const engine = new ApertureDBEngine();
    const seed = Array.from({ length: 50 }, (_, i) => ({
      AddEntity: { class: i % 2 ? 'Person' : 'Place', properties: { i } },
    }));
    engine.execute(JSON.stringify(seed), []);
    engine.execute(
      JSON.stringify([{ CreateIndex: { index_type: 'entity', class: 'Person', property_key: 'i' } }]),
      [],
    );
    const before = engine.execute(JSON.stringify(readAll), []).json;
    expect(JSON.parse(before)[0]).toMatchObject({ FindEntity: { status: 0, returned: 50 } });

    const doomed = [
      ...Array.from({ length: 100 }, (_, i) => ({
        AddEntity: { class: 'Person', properties: { i: 1000 + i }, _ref: i + 1 },
      })),
      { AddConnection: { class: 'knows', src: 1, dst: 2 } },
      { UpdateEntity: { with_class: 'Place', properties: { touched: true } } },
      { DeleteEntity: { constraints: { i: ['<', 20] } } },
      { RemoveIndex: { index_type: 'entity', class: 'Person', property_key: 'i' } },
      { CreateIndex: { index_type: 'entity', class: 'Person', property_key: 'i' } },
      { FindEntity: { is_connected_to: { ref: 999 } } },
    ];
    const failed = JSON.parse(engine.execute(JSON.stringify(doomed), []).json) as { status: number };
    expect(failed.status).toBe(-1);
    expect(engine.execute(JSON.stringify(readAll), []).json).toBe(before);
  });
});

describe('descriptor rollback', () => {
  function send(database: TestDatabase, query: unknown, blobs: Uint8Array[] = []) {
    return database.handle({ json: JSON.stringify(query), blobs, token: '' });
  }
  const vector = (x: number) => new Uint8Array(new Float32Array([x, 1]).buffer);
  const readAll = [
    { FindDescriptorSet: { results: { all_properties: true }, counts: true, uniqueids: true } },
    { FindDescriptor: { set: 'faces', results: { all_properties: true }, uniqueids: true } },
    { FindEntity: { results: { all_properties: true } } },
  ];

  it('a failed transaction that added and deleted descriptors and sets leaves them as they were', () => {
    const database = new TestDatabase({ authentication: false });
    send(database, [{ AddDescriptorSet: { name: 'faces', dimensions: 2 } }]);
    send(
      database,
      [0, 1, 2].map((i) => ({ AddDescriptor: { set: 'faces', label: `l${i}`, properties: { i } } })),
      [0, 1, 2].map(vector),
    );
    const before = send(database, readAll).json;
    expect(JSON.parse(before)[1]).toMatchObject({ FindDescriptor: { status: 0, returned: 3 } });

    const failed = send(
      database,
      [
        { AddDescriptorSet: { name: 'cars', dimensions: 2 } },
        { AddDescriptor: { set: 'faces', label: 'new', properties: { i: 9 } } },
        { DeleteDescriptor: { set: 'faces', with_label: 'l1' } },
        { DeleteDescriptorSet: { with_name: 'faces' } },
        { FindEntity: { is_connected_to: { ref: 999 } } },
      ],
      [vector(9)],
    );
    expect(JSON.parse(failed.json)).toMatchObject({ status: -1 });
    expect(send(database, readAll).json).toBe(before);
    // The ids still line up: the descriptors are found through their graph mirrors.
    const found = JSON.parse(
      send(database, [
        { FindDescriptor: { set: 'faces', constraints: { i: ['==', 1] }, results: { list: ['i'] } } },
      ]).json,
    );
    expect(found).toEqual([{ FindDescriptor: { status: 0, returned: 1, entities: [{ i: 1 }] } }]);
  });
});
