import { describe, expect, it } from 'vitest';
import { ApertureDBEngine } from '../../src/testing/engine/index.js';

function run(engine: ApertureDBEngine, query: unknown): unknown {
  return JSON.parse(engine.execute(JSON.stringify(query), []).json);
}

/** ada -knows(since 2001)-> bob, ada -knows(since 2010)-> cy, cy -likes-> ada. */
function graph(): ApertureDBEngine {
  const engine = new ApertureDBEngine();
  run(engine, [
    { AddEntity: { class: 'Person', properties: { name: 'ada' }, _ref: 1 } },
    { AddEntity: { class: 'Person', properties: { name: 'bob' }, _ref: 2 } },
    { AddEntity: { class: 'Person', properties: { name: 'cy' }, _ref: 3 } },
    { AddConnection: { class: 'knows', src: 1, dst: 2, properties: { since: 2001 } } },
    { AddConnection: { class: 'knows', src: 1, dst: 3, properties: { since: 2010 } } },
    { AddConnection: { class: 'likes', src: 3, dst: 1 } },
  ]);
  return engine;
}

const findAda = { FindEntity: { with_class: 'Person', constraints: { name: ['==', 'ada'] }, _ref: 1 } };
const names = (reply: unknown, index: number): string[] =>
  (reply as Array<{ FindEntity: { entities: Array<{ name: string }> } }>)[index]!.FindEntity.entities.map(
    (e) => e.name,
  );

describe('connections', () => {
  it('FindConnection filters by class and constraints and answers under "connections"', () => {
    expect(
      run(graph(), [
        {
          FindConnection: {
            with_class: 'knows',
            constraints: { since: ['>', 2005] },
            results: { all_properties: true },
          },
        },
      ]),
    ).toEqual([{ FindConnection: { status: 0, returned: 1, connections: [{ since: 2010 }] } }]);
  });

  it('FindConnection takes src/dst refs', () => {
    expect(
      run(graph(), [
        findAda,
        { FindConnection: { dst: 1, results: { count: true } } },
        { FindConnection: { src: 1, results: { count: true } } },
      ]),
    ).toEqual([
      { FindEntity: { status: 0, returned: 0 } },
      { FindConnection: { status: 0, returned: 0, count: 1 } },
      { FindConnection: { status: 0, returned: 0, count: 2 } },
    ]);
  });

  it('is_connected_to honours connection_class and direction (read from the ref side)', () => {
    const reply = run(graph(), [
      findAda,
      {
        FindEntity: {
          is_connected_to: { ref: 1, direction: 'out' },
          results: { list: ['name'], sort: 'name' },
        },
      },
      { FindEntity: { is_connected_to: { ref: 1, direction: 'in' }, results: { list: ['name'] } } },
      {
        FindEntity: {
          is_connected_to: { ref: 1, connection_class: 'knows', constraints: { since: ['<', 2005] } },
          results: { list: ['name'] },
        },
      },
    ]);
    expect(names(reply, 1)).toEqual(['bob', 'cy']);
    expect(names(reply, 2)).toEqual(['cy']);
    expect(names(reply, 3)).toEqual(['bob']);
  });

  it('is_connected_to accepts all/any lists of refs', () => {
    const reply = run(graph(), [
      findAda,
      { FindEntity: { with_class: 'Person', constraints: { name: ['==', 'bob'] }, _ref: 2 } },
      {
        FindEntity: {
          is_connected_to: { any: [{ ref: 1, direction: 'out' }, { ref: 2 }] },
          results: { list: ['name'], sort: 'name' },
        },
      },
      { FindEntity: { is_connected_to: { all: [{ ref: 1 }, { ref: 2 }] }, results: { list: ['name'] } } },
    ]);
    expect(names(reply, 2)).toEqual(['ada', 'bob', 'cy']);
    expect((reply as Array<Record<string, unknown>>)[3]).toEqual({
      FindEntity: { status: 0, returned: 0, entities: [] },
    });
  });

  it('group_by_source keys entities by the source _uniqueid', () => {
    const reply = run(graph(), [
      {
        FindEntity: {
          with_class: 'Person',
          constraints: { name: ['in', ['ada', 'cy']] },
          _ref: 1,
          uniqueids: true,
          results: { sort: 'name' },
        },
      },
      {
        FindEntity: {
          is_connected_to: { ref: 1, direction: 'out' },
          results: { list: ['name'], group_by_source: true },
        },
      },
    ]) as [
      { FindEntity: { entities: [{ _uniqueid: string }, { _uniqueid: string }] } },
      { FindEntity: unknown },
    ];
    const [ada, cy] = reply[0].FindEntity.entities;
    expect(reply[1].FindEntity).toEqual({
      status: 0,
      returned: 3,
      entities: { [ada._uniqueid]: [{ name: 'bob' }, { name: 'cy' }], [cy._uniqueid]: [{ name: 'ada' }] },
    });
  });

  it('AddEntity connect creates an edge from the ref to the new object by default', () => {
    const engine = graph();
    run(engine, [
      findAda,
      {
        AddEntity: {
          class: 'Pet',
          properties: { name: 'rex' },
          connect: { ref: 1, class: 'owns', properties: { y: 1 } },
        },
      },
    ]);
    expect(
      run(engine, [
        findAda,
        {
          FindEntity: {
            is_connected_to: { ref: 1, direction: 'out', connection_class: 'owns' },
            results: { list: ['name'] },
          },
        },
      ]),
    ).toEqual([
      { FindEntity: { status: 0, returned: 0 } },
      { FindEntity: { status: 0, returned: 1, entities: [{ name: 'rex' }] } },
    ]);
  });

  it('DeleteConnection by ref and by class returns count; deleting an object removes its edges', () => {
    const engine = graph();
    expect(
      run(engine, [
        { FindConnection: { with_class: 'likes', _ref: 5 } },
        { DeleteConnection: { ref: 5 } },
        { DeleteConnection: { with_class: 'knows', constraints: { since: ['==', 2001] } } },
        { FindConnection: { results: { count: true } } },
      ]),
    ).toEqual([
      { FindConnection: { status: 0, returned: 0 } },
      { DeleteConnection: { status: 0, count: 1 } },
      { DeleteConnection: { status: 0, count: 1 } },
      { FindConnection: { status: 0, returned: 0, count: 1 } },
    ]);
    run(engine, [{ DeleteEntity: { constraints: { name: ['==', 'cy'] } } }]);
    expect(run(engine, [{ FindConnection: { results: { count: true } } }])).toEqual([
      { FindConnection: { status: 0, returned: 0, count: 0 } },
    ]);
  });

  it('AddConnection if_not_found gives status 2 for an existing edge; UpdateConnection returns count', () => {
    const engine = graph();
    expect(
      run(engine, [
        findAda,
        { FindEntity: { constraints: { name: ['==', 'bob'] }, _ref: 2 } },
        { AddConnection: { class: 'knows', src: 1, dst: 2, if_not_found: { since: ['==', 2001] } } },
        { UpdateConnection: { with_class: 'knows', properties: { close: true } } },
      ]),
    ).toEqual([
      { FindEntity: { status: 0, returned: 0 } },
      { FindEntity: { status: 0, returned: 0 } },
      { AddConnection: { status: 2, info: 'Object Exists!' } },
      { UpdateConnection: { status: 0, count: 2 } },
    ]);
  });
});
