import { describe, expect, it } from 'vitest';
import type { CommandHandler, EngineExtensions } from '../../src/testing/engine/index.js';
import { ApertureDBEngine, exactClass } from '../../src/testing/engine/index.js';

function run(engine: ApertureDBEngine, query: unknown, blobs: Uint8Array[] = []) {
  const reply = engine.execute(JSON.stringify(query), blobs);
  return { response: JSON.parse(reply.json) as unknown, blobs: reply.blobs };
}

/** A toy descriptor module written only against the extension interface. */
const addDescriptor: CommandHandler = (params, context) => {
  const vector = context.requestBlobs.take(context.commandName);
  if (vector.length % 4 !== 0) context.fail('descriptor length is not a multiple of 4');
  const set = context.store
    .allObjects()
    .find((o) => o.cls === '_DescriptorSet' && o.properties['name'] === params['set']);
  if (set === undefined) return context.fail(`no descriptor set ${String(params['set'])}`);
  const added = context.store.addObject('_Descriptor', { label: String(params['label'] ?? '') }, vector);
  context.store.addConnection('_DescriptorSetToDescriptor', set.id, added.id, {});
  context.refs.bind(params['_ref'], { kind: 'objects', ids: [added.id] });
  return { status: 0 };
};

const extensions: EngineExtensions = {
  AddDescriptorSet: (params, context) => {
    context.store.addObject('_DescriptorSet', { name: String(params['name']) });
    return { status: 0 };
  },
  AddDescriptor: addDescriptor,
  FindDescriptor: (params, context) => {
    const { objects } = context.selectObjects(params, exactClass('_Descriptor'));
    const items = objects.map((o) => ({ ...o, system: { _label: String(o.properties['label']) } }));
    return context.shapeResults(items, params, { listKey: 'entities' }).body;
  },
  GetStatus: () => ({ status: 0, info: 'replaced' }),
};

describe('engine extensions', () => {
  it('handlers share refs, blob order, the store and result shaping with the built-ins', () => {
    const engine = new ApertureDBEngine({ extensions });
    const { response } = run(
      engine,
      [
        { AddDescriptorSet: { name: 'faces' } },
        { AddBlob: {} },
        { AddDescriptor: { set: 'faces', label: 'ada', _ref: 1 } },
        { AddEntity: { class: 'Person', connect: { ref: 1, class: 'has_face', direction: 'in' } } },
      ],
      [new Uint8Array([1]), new Uint8Array(8)],
    );
    expect(response).toEqual([
      { AddDescriptorSet: { status: 0 } },
      { AddBlob: { status: 0 } },
      { AddDescriptor: { status: 0 } },
      { AddEntity: { status: 0 } },
    ]);
    const found = run(engine, [
      { FindBlob: { blobs: true } },
      { FindDescriptor: { blobs: true, results: { list: ['label'] } } },
      { FindEntity: { with_class: 'Person', results: { count: true } } },
    ]);
    expect(found.response).toEqual([
      { FindBlob: { status: 0, returned: 1, blobs_start: 0, entities: [{ _blob_index: 0 }] } },
      {
        FindDescriptor: {
          status: 0,
          returned: 1,
          blobs_start: 1,
          entities: [{ label: 'ada', _label: 'ada', _blob_index: 1 }],
        },
      },
      { FindEntity: { status: 0, returned: 0, count: 1 } },
    ]);
    expect(found.blobs).toEqual([new Uint8Array([1]), new Uint8Array(8)]);
  });

  it('context.fail and thrown errors roll back the whole transaction', () => {
    const engine = new ApertureDBEngine({
      extensions: {
        ...extensions,
        Explode: () => {
          throw new TypeError('handler bug');
        },
      },
    });
    expect(
      run(engine, [{ AddDescriptorSet: { name: 's' } }, { AddDescriptor: { set: 's' } }], [new Uint8Array(3)])
        .response,
    ).toEqual({
      status: -1,
      info: 'JSON Command 1: AddDescriptor: descriptor length is not a multiple of 4',
    });
    expect(run(engine, [{ AddEntity: { class: 'A' } }, { Explode: {} }]).response).toEqual({
      status: -1,
      info: 'JSON Command 1: Explode: handler bug',
    });
    expect(run(engine, [{ GetSchema: {} }]).response).toEqual([
      { GetSchema: { status: 0, entities: null, connections: null } },
    ]);
  });

  it('an extension replaces a built-in of the same name', () => {
    expect(run(new ApertureDBEngine({ extensions }), [{ GetStatus: {} }]).response).toEqual([
      { GetStatus: { status: 0, info: 'replaced' } },
    ]);
  });
});
