import { describe, expect, it } from 'vitest';
import { ApertureDBEngine } from '../../src/testing/engine/index.js';

function run(engine: ApertureDBEngine, query: unknown, blobs: Uint8Array[] = []): unknown {
  return JSON.parse(engine.execute(JSON.stringify(query), blobs).json);
}

function seeded(): ApertureDBEngine {
  const engine = new ApertureDBEngine();
  run(engine, [
    { AddEntity: { class: 'Person', properties: { name: 'ada', age: 36, city: 'London' } } },
    { AddEntity: { class: 'Person', properties: { name: 'bob', age: 25, city: 'Paris' } } },
    { AddEntity: { class: 'Person', properties: { name: 'cy', age: 51 } } },
    { AddEntity: { class: 'Pet', properties: { name: 'rex', age: 4 } } },
  ]);
  return engine;
}

describe('AddEntity', () => {
  it('answers {status: 0} per command, in order, with sorted keys as the server prints them', () => {
    const engine = new ApertureDBEngine();
    const reply = engine.execute(
      JSON.stringify([{ AddEntity: { class: 'A', properties: { x: 1 } } }, { AddEntity: { class: 'B' } }]),
      [],
    );
    expect(reply.json).toBe('[{"AddEntity":{"status":0}},{"AddEntity":{"status":0}}]');
    expect(reply.blobs).toEqual([]);
  });

  it('if_not_found gives status 2 when exactly one object matches and adds nothing', () => {
    const engine = seeded();
    expect(
      run(engine, [
        {
          AddEntity: { class: 'Person', properties: { name: 'ada' }, if_not_found: { name: ['==', 'ada'] } },
        },
      ]),
    ).toEqual([{ AddEntity: { status: 2, info: 'Object Exists!' } }]);
    expect(run(engine, [{ FindEntity: { with_class: 'Person', results: { count: true } } }])).toEqual([
      { FindEntity: { status: 0, returned: 0, count: 3 } },
    ]);
    expect(
      run(engine, [
        {
          AddEntity: { class: 'Person', properties: { name: 'dee' }, if_not_found: { name: ['==', 'dee'] } },
        },
      ]),
    ).toEqual([{ AddEntity: { status: 0 } }]);
  });

  it('if_not_found matching several objects aborts the transaction', () => {
    const engine = seeded();
    const reply = run(engine, [{ AddEntity: { class: 'Person', if_not_found: { age: ['>', 1] } } }]);
    expect(reply).toMatchObject({ status: -1 });
  });

  it('rejects property values the server cannot store and reserved names', () => {
    const engine = new ApertureDBEngine();
    expect(run(engine, [{ AddEntity: { class: 'A', properties: { x: [1] } } }])).toMatchObject({
      status: -1,
    });
    expect(run(engine, [{ AddEntity: { class: 'A', properties: { _x: 1 } } }])).toMatchObject({ status: -1 });
    expect(run(engine, [{ AddEntity: { properties: { x: 1 } } }])).toMatchObject({ status: -1 });
  });
});

describe('FindEntity', () => {
  it('returns listed properties, count, and only the user classes without with_class', () => {
    const engine = seeded();
    run(engine, [{ AddBlob: {} }], [new Uint8Array([1])]);
    expect(run(engine, [{ FindEntity: { results: { list: ['name'], count: true } } }])).toEqual([
      {
        FindEntity: {
          status: 0,
          returned: 4,
          count: 4,
          entities: [{ name: 'ada' }, { name: 'bob' }, { name: 'cy' }, { name: 'rex' }],
        },
      },
    ]);
  });

  it('all_properties overrides list; missing listed keys are left out', () => {
    const engine = seeded();
    expect(
      run(engine, [
        {
          FindEntity: {
            with_class: 'Person',
            constraints: { name: ['==', 'cy'] },
            results: { list: ['city', 'age'] },
          },
        },
        {
          FindEntity: {
            with_class: 'Person',
            constraints: { name: ['==', 'cy'] },
            results: { all_properties: true, list: ['x'] },
          },
        },
      ]),
    ).toEqual([
      { FindEntity: { status: 0, returned: 1, entities: [{ age: 51 }] } },
      { FindEntity: { status: 0, returned: 1, entities: [{ name: 'cy', age: 51 }] } },
    ]);
  });

  it('uniqueids returns _uniqueid strings shaped like the server, usable in constraints', () => {
    const engine = seeded();
    const [found] = run(engine, [
      { FindEntity: { with_class: 'Person', constraints: { name: ['==', 'bob'] }, uniqueids: true } },
    ]) as [{ FindEntity: { entities: [{ _uniqueid: string }] } }];
    const id = found.FindEntity.entities[0]._uniqueid;
    expect(id).toMatch(/^\d+\.\d+\.\d+$/);
    expect(
      run(engine, [{ FindEntity: { constraints: { _uniqueid: ['==', id] }, results: { list: ['name'] } } }]),
    ).toEqual([{ FindEntity: { status: 0, returned: 1, entities: [{ name: 'bob' }] } }]);
    expect(run(engine, [{ FindEntity: { constraints: { _uniqueid: ['>', id] } } }])).toMatchObject({
      status: -1,
    });
  });

  it('unique: true gives status 3 when several objects match and 0 for exactly one', () => {
    const engine = seeded();
    expect(run(engine, [{ FindEntity: { with_class: 'Person', unique: true } }])).toEqual([
      { FindEntity: { status: 3, returned: 0, info: 'Expected 1 unique result, found 3' } },
    ]);
    expect(run(engine, [{ FindEntity: { with_class: 'Pet', unique: true } }])).toEqual([
      { FindEntity: { status: 0, returned: 0 } },
    ]);
  });

  it('sorts by results.sort (key or {key, order}) and limits, and accepts top-level sort/limit/offset', () => {
    const engine = seeded();
    const names = (reply: unknown) =>
      (reply as [{ FindEntity: { entities: Array<{ name: string }> } }])[0].FindEntity.entities.map(
        (e) => e.name,
      );
    expect(
      names(
        run(engine, [{ FindEntity: { with_class: 'Person', results: { list: ['name'], sort: 'age' } } }]),
      ),
    ).toEqual(['bob', 'ada', 'cy']);
    expect(
      names(
        run(engine, [
          {
            FindEntity: {
              with_class: 'Person',
              results: { list: ['name'], sort: { key: 'age', order: 'descending' }, limit: 2 },
            },
          },
        ]),
      ),
    ).toEqual(['cy', 'ada']);
    expect(
      names(
        run(engine, [
          {
            FindEntity: {
              with_class: 'Person',
              sort: { key: 'name', order: 'descending' },
              offset: 1,
              limit: 1,
              results: { list: ['name'] },
            },
          },
        ]),
      ),
    ).toEqual(['bob']);
    // Missing sort keys go last.
    expect(
      names(
        run(engine, [{ FindEntity: { with_class: 'Person', results: { list: ['name'], sort: 'city' } } }]),
      ),
    ).toEqual(['ada', 'bob', 'cy']);
  });

  it('computes sum, average, min and max at the command level', () => {
    const engine = seeded();
    expect(
      run(engine, [
        {
          FindEntity: {
            with_class: 'Person',
            results: { sum: 'age', average: 'age', min: ['age'], max: ['age', 'name'] },
          },
        },
      ]),
    ).toEqual([
      {
        FindEntity: {
          status: 0,
          returned: 0,
          sum: 112,
          average: 112 / 3,
          min: { age: 25 },
          max: { age: 51, name: null },
        },
      },
    ]);
  });
});

describe('UpdateEntity and DeleteEntity', () => {
  it('UpdateEntity sets and removes properties and returns count', () => {
    const engine = seeded();
    expect(
      run(engine, [
        {
          UpdateEntity: {
            with_class: 'Person',
            constraints: { age: ['<', 40] },
            properties: { young: true },
            remove_props: ['city'],
          },
        },
        {
          FindEntity: {
            with_class: 'Person',
            constraints: { young: ['==', true] },
            results: { all_properties: true },
          },
        },
      ]),
    ).toEqual([
      { UpdateEntity: { status: 0, count: 2 } },
      {
        FindEntity: {
          status: 0,
          returned: 2,
          entities: [
            { name: 'ada', age: 36, young: true },
            { name: 'bob', age: 25, young: true },
          ],
        },
      },
    ]);
  });

  it('UpdateEntity and DeleteEntity act on the objects behind a ref', () => {
    const engine = seeded();
    expect(
      run(engine, [
        { FindEntity: { with_class: 'Pet', _ref: 1 } },
        { UpdateEntity: { ref: 1, properties: { age: 5 } } },
        { DeleteEntity: { ref: 1 } },
        { FindEntity: { results: { count: true } } },
      ]),
    ).toEqual([
      { FindEntity: { status: 0, returned: 0 } },
      { UpdateEntity: { status: 0, count: 1 } },
      { DeleteEntity: { status: 0, count: 1 } },
      { FindEntity: { status: 0, returned: 0, count: 3 } },
    ]);
  });

  it('a ref used by Delete* is invalid for the rest of the transaction', () => {
    const engine = seeded();
    expect(
      run(engine, [
        { FindEntity: { with_class: 'Pet', _ref: 1 } },
        { DeleteEntity: { ref: 1 } },
        { UpdateEntity: { ref: 1 } },
      ]),
    ).toMatchObject({ status: -1 });
  });

  it('DeleteEntity with class and constraints returns count', () => {
    const engine = seeded();
    expect(
      run(engine, [{ DeleteEntity: { with_class: 'Person', constraints: { age: ['>=', 36] } } }]),
    ).toEqual([{ DeleteEntity: { status: 0, count: 2 } }]);
  });
});
