import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import {
  type ApertureDBCommand,
  type ApertureDBQuery,
  addDescriptor,
  all,
  any,
  both,
  command,
  date,
  equal,
  findSimilar,
  greater,
  greaterOrEqual,
  isIn,
  less,
  lessOrEqual,
  notEqual,
  notIn,
  sort,
} from '../../src/query/index.js';
import { bytesToFloat32 } from '../../src/vectors.js';

// The `@ts-expect-error` lines are checked by `pnpm run typecheck`: each fails the build if it compiles.

describe('command types', () => {
  it('accept the query language as written', () => {
    const query: ApertureDBQuery = [
      {
        AddEntity: {
          class: 'Person',
          _ref: 1,
          properties: { name: 'Ann', age: 3, born: date('2020-01-02') },
        },
      },
      {
        FindEntity: {
          with_class: 'Person',
          constraints: { age: ['>=', 20, '<=', 90] },
          results: { count: true },
        },
      },
      { AddConnection: { class: 'knows', src: 1, dst: 2 } },
      { FindDescriptorSet: { with_name: 'faces', counts: true } },
      { CreateIndex: { index_type: 'entity', class: 'Person', property_key: 'name' } },
      { GetStatus: {} },
      { GetSchema: { refresh: true } },
      { DeleteEntity: { constraints: { _uniqueid: ['!=', '0.0.0'] } } },
      { Authenticate: { username: 'admin', password: 'admin' } },
    ];
    expect(query).toHaveLength(9);
  });

  it('reject unknown names, two names in one object and wrong parameters', () => {
    // @ts-expect-error misspelt command name
    const misspelt: ApertureDBCommand[] = [{ FindEntityy: {} }];
    // @ts-expect-error two commands in one object
    const twoNames: ApertureDBCommand = { FindEntity: {}, GetStatus: {} };
    // @ts-expect-error AddEntity needs `class`
    const noClass: ApertureDBCommand = { AddEntity: { properties: {} } };
    // @ts-expect-error FindEntity takes `with_class`, not `class`
    const wrongKey: ApertureDBCommand = { FindEntity: { class: 'Person' } };
    // @ts-expect-error unknown constraint operator
    const badOp: ApertureDBCommand = { FindEntity: { constraints: { age: ['=~', 3] } } };
    // @ts-expect-error `in` takes a list
    const badIn: ApertureDBCommand = { FindEntity: { constraints: { age: ['in', 3] } } };
    // @ts-expect-error unknown command name in the builder
    command('FindEntityy', {});
    expect([misspelt, twoNames, noClass, wrongKey, badOp, badIn]).toHaveLength(6);
  });

  it('command() builds one typed command', () => {
    expect(command('FindBlob', { blobs: true })).toEqual({ FindBlob: { blobs: true } });
  });
});

describe('constraint builders', () => {
  it('write the documented operator forms', () => {
    expect([
      equal('a'),
      notEqual(1),
      greater(2),
      greaterOrEqual(3),
      less(4),
      lessOrEqual(5),
      isIn(['a', 'b']),
      notIn([1]),
    ]).toEqual([
      ['==', 'a'],
      ['!=', 1],
      ['>', 2],
      ['>=', 3],
      ['<', 4],
      ['<=', 5],
      ['in', ['a', 'b']],
      ['not in', [1]],
    ]);
    expect(both(greaterOrEqual(20), lessOrEqual(90))).toEqual(['>=', 20, '<=', 90]);
  });

  it('group with any / all and fit the command types', () => {
    const find: ApertureDBCommand = {
      FindEntity: {
        with_class: 'Person',
        constraints: any({ age: greater(60), name: isIn(['Ann', 'Bo']) }),
        results: { list: ['name'], sort: sort('age', 'descending') },
      },
    };
    expect(find).toEqual({
      FindEntity: {
        with_class: 'Person',
        constraints: { any: { age: ['>', 60], name: ['in', ['Ann', 'Bo']] } },
        results: { list: ['name'], sort: { key: 'age', order: 'descending' } },
      },
    });
    expect(all({ a: equal(1) })).toEqual({ all: { a: ['==', 1] } });
    expect(sort('k')).toEqual({ key: 'k', order: 'ascending' });
  });

  it('write dates as _date in UTC', () => {
    expect(date(new Date(Date.UTC(2018, 1, 27, 21, 45, 12)))).toEqual({ _date: '2018-02-27T21:45:12.000Z' });
    expect(date('2018-02-27T13:45:12-08:00')).toEqual({ _date: '2018-02-27T13:45:12-08:00' });
    expect(() => date(new Date(Number.NaN))).toThrow(ConfigError);
  });

  it('refuse a non-list for in / not in', () => {
    expect(() => isIn(3 as never)).toThrow(/isIn\(\) needs an array/);
    expect(() => notIn('a' as never)).toThrow(/notIn\(\) needs an array/);
  });
});

describe('descriptor builders', () => {
  it('findSimilar: FindDescriptor with k_neighbors and distances, plus the LE query blob', () => {
    const { command: find, blob } = findSimilar('faces', [1, 0.5, -2], 5, {
      labels: true,
      constraints: { age: greater(3) },
    });
    expect(find).toEqual({
      FindDescriptor: {
        set: 'faces',
        k_neighbors: 5,
        distances: true,
        labels: true,
        constraints: { age: ['>', 3] },
      },
    });
    expect([...blob]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0x3f, 0, 0, 0, 0xc0]);
    expect(findSimilar('s', Float32Array.of(1), 1, { distances: false }).command).toEqual({
      FindDescriptor: { set: 's', k_neighbors: 1, distances: false },
    });
  });

  it('addDescriptor: AddDescriptor plus its blob', () => {
    const { command: add, blob } = addDescriptor('faces', Float32Array.of(0.25, 4), {
      label: 'ann',
      _ref: 1,
    });
    expect(add).toEqual({ AddDescriptor: { set: 'faces', label: 'ann', _ref: 1 } });
    expect([...bytesToFloat32(blob)]).toEqual([0.25, 4]);
  });

  it.each([
    [() => findSimilar('', [1], 1), /set name/],
    [() => findSimilar('s', [], 1), /non-empty vector/],
    [() => findSimilar('s', [1, Number.NaN], 1), /component 1 is not a finite/],
    [() => findSimilar('s', [1e39], 1), /component 0/],
    [() => findSimilar('s', [1], 0), /k must be a positive integer/],
    [() => findSimilar('s', [1], 1.5), /k must be a positive integer/],
    [() => addDescriptor('s', 'abc' as never), /Float32Array or an array/],
  ])('refuses bad arguments (%#)', (run, message) => {
    let error: unknown;
    try {
      run();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONN_APERTUREDB_QUERY_ARGUMENT');
    expect((error as ConfigError).message).toMatch(message);
  });
});
