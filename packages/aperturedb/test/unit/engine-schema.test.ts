import { describe, expect, it } from 'vitest';
import { ApertureDBEngine } from '../../src/testing/engine/index.js';

function run(engine: ApertureDBEngine, query: unknown, blobs: Uint8Array[] = []): unknown {
  return JSON.parse(engine.execute(JSON.stringify(query), blobs).json);
}

/** The transaction the SDK's remove_all_objects sends before every test (docs/protocols/aperturedb.md §5.4). */
const removeAllObjects = [
  'DeleteImage',
  'DeleteVideo',
  'DeleteBlob',
  'DeleteClip',
  'DeleteDescriptorSet',
  'DeleteBoundingBox',
  'DeletePolygon',
  'DeleteFrame',
  'DeleteEntity',
].map((name) => ({ [name]: { constraints: { _uniqueid: ['!=', '0.0.0'] } } }));

describe('GetStatus and UserLogMessage', () => {
  it('GetStatus answers the documented shape; UserLogMessage is a no-op', () => {
    expect(
      run(new ApertureDBEngine(), [{ GetStatus: {} }, { UserLogMessage: { text: 'hi', type: 'INFO' } }]),
    ).toEqual([
      { GetStatus: { status: 0, info: 'OK', system: 'ApertureDB', version: '0.17.23' } },
      { UserLogMessage: { status: 0 } },
    ]);
  });
});

describe('GetSchema', () => {
  it('reports classes with matched counts and [count, indexed, type] per property', () => {
    const engine = new ApertureDBEngine();
    run(engine, [
      {
        AddEntity: {
          class: 'Person',
          properties: { name: 'ada', age: 36, born: { _date: '1815-12-10T00:00:00Z' } },
          _ref: 1,
        },
      },
      { AddEntity: { class: 'Person', properties: { name: 'bob', alive: true }, _ref: 2 } },
      { AddConnection: { class: 'knows', src: 1, dst: 2, properties: { since: 2001 } } },
      { CreateIndex: { index_type: 'entity', class: 'Person', property_key: 'name' } },
    ]);
    expect(run(engine, [{ GetSchema: {} }])).toEqual([
      {
        GetSchema: {
          status: 0,
          entities: {
            returned: 1,
            classes: {
              Person: {
                matched: 2,
                properties: {
                  name: [2, true, 'String'],
                  age: [1, false, 'Number'],
                  born: [1, false, 'DateTime'],
                  alive: [1, false, 'Boolean'],
                },
              },
            },
          },
          connections: {
            returned: 1,
            classes: {
              knows: {
                src: 'Person',
                dst: 'Person',
                matched: 1,
                properties: { since: [1, false, 'Number'] },
              },
            },
          },
        },
      },
    ]);
    expect(run(engine, [{ GetSchema: { type: 'connections' } }])).toEqual([
      { GetSchema: expect.not.objectContaining({ entities: expect.anything() }) },
    ]);
  });

  it('CreateIndex gives status 2 when the index exists; RemoveIndex clears the indexed flag', () => {
    const engine = new ApertureDBEngine();
    run(engine, [{ AddEntity: { class: 'A', properties: { k: 1 } } }]);
    const index = { index_type: 'entity', class: 'A', property_key: 'k' };
    expect(run(engine, [{ CreateIndex: index }, { CreateIndex: index }])).toEqual([
      { CreateIndex: { status: 0 } },
      { CreateIndex: { status: 2, info: 'Index exists' } },
    ]);
    const flag = () =>
      (
        run(engine, [{ GetSchema: { type: 'entities' } }]) as [
          { GetSchema: { entities: { classes: { A: { properties: { k: unknown[] } } } } } },
        ]
      )[0].GetSchema.entities.classes.A.properties.k[1];
    expect(flag()).toBe(true);
    expect(run(engine, [{ RemoveIndex: index }])).toEqual([{ RemoveIndex: { status: 0 } }]);
    expect(flag()).toBe(false);
    expect(run(engine, [{ CreateIndex: { ...index, index_type: 'table' } }])).toMatchObject({ status: -1 });
  });

  it('remove_all_objects: every Delete* is accepted, counts what it removed, and the refreshed schema is null', () => {
    const engine = new ApertureDBEngine();
    run(
      engine,
      [
        { AddEntity: { class: 'A', _ref: 1 } },
        { AddEntity: { class: 'B', _ref: 2 } },
        { AddConnection: { class: 'ab', src: 1, dst: 2 } },
        { AddBlob: {} },
        { AddImage: {} },
      ],
      [new Uint8Array([1]), new Uint8Array([2])],
    );
    expect(run(engine, [...removeAllObjects, { GetSchema: { refresh: true } }])).toEqual([
      { DeleteImage: { status: 0, count: 1 } },
      { DeleteVideo: { status: 0, count: 0 } },
      { DeleteBlob: { status: 0, count: 1 } },
      { DeleteClip: { status: 0, count: 0 } },
      { DeleteDescriptorSet: { status: 0, count: 0 } },
      { DeleteBoundingBox: { status: 0, count: 0 } },
      { DeletePolygon: { status: 0, count: 0 } },
      { DeleteFrame: { status: 0, count: 0 } },
      { DeleteEntity: { status: 0, count: 2 } },
      { GetSchema: { status: 0, entities: null, connections: null } },
    ]);
  });

  it('DeleteDescriptorSet takes the linked descriptors with it', () => {
    const engine = new ApertureDBEngine();
    engine.store.addObject('_DescriptorSet', { name: 'set' });
    const [set] = engine.store.allObjects();
    const descriptor = engine.store.addObject('_Descriptor', {}, new Uint8Array(4));
    engine.store.addConnection('_DescriptorSetToDescriptor', set!.id, descriptor.id, {});
    expect(run(engine, [removeAllObjects[4], { GetSchema: {} }])).toEqual([
      { DeleteDescriptorSet: { status: 0, count: 1 } },
      { GetSchema: { status: 0, entities: null, connections: null } },
    ]);
  });
});
