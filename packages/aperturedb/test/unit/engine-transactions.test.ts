import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApertureDBEngine } from '../../src/testing/engine/index.js';

function run(engine: ApertureDBEngine, query: unknown, blobs: Uint8Array[] = []): unknown {
  return JSON.parse(engine.execute(JSON.stringify(query), blobs).json);
}

const countAll = [
  { FindEntity: { results: { count: true } } },
  { FindConnection: { results: { count: true } } },
];

describe('_ref resolution', () => {
  it('links objects added in the same transaction through src/dst and connect refs', () => {
    const engine = new ApertureDBEngine();
    expect(
      run(engine, [
        { AddEntity: { class: 'Person', properties: { name: 'ada' }, _ref: 1 } },
        {
          AddEntity: {
            class: 'Person',
            properties: { name: 'bob' },
            _ref: 2,
            connect: { ref: 1, class: 'knows' },
          },
        },
        { AddConnection: { class: 'likes', src: 2, dst: 1 } },
        {
          FindEntity: { is_connected_to: { ref: 1, connection_class: 'likes' }, results: { list: ['name'] } },
        },
      ]),
    ).toEqual([
      { AddEntity: { status: 0 } },
      { AddEntity: { status: 0 } },
      { AddConnection: { status: 0 } },
      { FindEntity: { status: 0, returned: 1, entities: [{ name: 'bob' }] } },
    ]);
  });

  it('refs are local to one query', () => {
    const engine = new ApertureDBEngine();
    run(engine, [{ AddEntity: { class: 'A', _ref: 1 } }]);
    expect(run(engine, [{ FindEntity: { is_connected_to: { ref: 1 } } }])).toEqual({
      status: -1,
      info: 'JSON Command 0: FindEntity: Reference not found: 1',
    });
  });

  it('a duplicate _ref aborts the transaction', () => {
    const engine = new ApertureDBEngine();
    expect(
      run(engine, [{ AddEntity: { class: 'A', _ref: 1 } }, { AddEntity: { class: 'B', _ref: 1 } }]),
    ).toMatchObject({
      status: -1,
    });
    expect(run(engine, countAll)).toEqual([
      { FindEntity: { status: 0, returned: 0, count: 0 } },
      { FindConnection: { status: 0, returned: 0, count: 0 } },
    ]);
  });
});

describe('atomic rollback', () => {
  it('a failing third command leaves no trace of the first two', () => {
    const engine = new ApertureDBEngine();
    run(engine, [{ AddEntity: { class: 'Keep', properties: { v: 1 }, _ref: 1 } }]);
    const reply = run(engine, [
      { AddEntity: { class: 'Person', properties: { name: 'ada' }, _ref: 1 } },
      { UpdateEntity: { with_class: 'Keep', properties: { v: 2 } } },
      { AddConnection: { class: 'knows', src: 1, dst: 99 } },
    ]);
    expect(reply).toEqual({ status: -1, info: 'JSON Command 2: AddConnection: Reference not found: 99' });
    expect(run(engine, [{ FindEntity: { results: { all_properties: true } } }])).toEqual([
      { FindEntity: { status: 0, returned: 1, entities: [{ v: 1 }] } },
    ]);
  });

  it('rolls back deletes, connections and indexes too', () => {
    const engine = new ApertureDBEngine();
    run(engine, [
      { AddEntity: { class: 'A', _ref: 1 } },
      { AddEntity: { class: 'B', _ref: 2 } },
      { AddConnection: { class: 'ab', src: 1, dst: 2 } },
    ]);
    const before = engine.execute(JSON.stringify([{ GetSchema: {} }]), []).json;
    expect(
      run(engine, [
        { DeleteEntity: { with_class: 'A' } },
        { CreateIndex: { index_type: 'entity', class: 'B', property_key: 'k' } },
        { NoSuchCommand: {} },
      ]),
    ).toEqual({ status: -1, info: 'JSON Command 2: unknown command NoSuchCommand' });
    expect(engine.execute(JSON.stringify([{ GetSchema: {} }]), []).json).toBe(before);
  });

  it('a missing request blob aborts and rolls back', () => {
    const engine = new ApertureDBEngine();
    expect(
      run(engine, [{ AddEntity: { class: 'A' } }, { AddBlob: {} }, { AddBlob: {} }], [new Uint8Array([1])]),
    ).toMatchObject({ status: -1 });
    expect(run(engine, countAll)).toEqual([
      { FindEntity: { status: 0, returned: 0, count: 0 } },
      { FindConnection: { status: 0, returned: 0, count: 0 } },
    ]);
  });
});

describe('malformed input', () => {
  const cases: Array<[string, string]> = [
    ['not JSON', '[{"FindEntity": '],
    ['an object, not an array', '{"FindEntity": {}}'],
    ['an empty array', '[]'],
    ['a command with two keys', '[{"FindEntity": {}, "AddEntity": {}}]'],
    ['a command that is not an object', '[1]'],
    ['parameters that are not an object', '[{"FindEntity": 3}]'],
    ['an unknown constraint operator', '[{"FindEntity": {"constraints": {"a": ["~", 1]}}}]'],
    ['an odd-length constraint', '[{"FindEntity": {"constraints": {"a": ["==", 1, "<"]}}}]'],
    ['inherited names are not commands', '[{"toString": {}}]'],
  ];
  it.each(cases)('%s gives the top-level error object', (_label, text) => {
    const reply = JSON.parse(new ApertureDBEngine().execute(text, []).json) as {
      status: number;
      info: string;
    };
    expect(reply.status).toBe(-1);
    expect(typeof reply.info).toBe('string');
  });

  it('never throws on random JSON (fuzz)', () => {
    const engine = new ApertureDBEngine();
    const commandName = fc.constantFrom(
      'AddEntity',
      'FindEntity',
      'UpdateEntity',
      'DeleteEntity',
      'AddConnection',
      'FindConnection',
      'DeleteConnection',
      'AddBlob',
      'FindBlob',
      'GetSchema',
      'CreateIndex',
      'Bogus',
    );
    const command = fc
      .tuple(commandName, fc.jsonValue({ maxDepth: 4 }))
      .map(([name, params]) => ({ [name]: params }));
    const query = fc.oneof(
      fc.json(),
      fc.array(command, { maxLength: 5 }).map((q) => JSON.stringify(q)),
      fc.string(),
    );
    fc.assert(
      fc.property(query, fc.array(fc.uint8Array({ maxLength: 4 }), { maxLength: 3 }), (text, blobs) => {
        const reply = engine.execute(text, blobs);
        const parsed = JSON.parse(reply.json) as unknown;
        expect(Array.isArray(parsed) || (parsed as { status: number }).status === -1).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
