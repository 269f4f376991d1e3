import { describe, expect, it } from 'vitest';
import { ApertureDBEngine } from '../../src/testing/engine/index.js';

function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}

function run(engine: ApertureDBEngine, query: unknown, blobs: Uint8Array[] = []) {
  const reply = engine.execute(JSON.stringify(query), blobs);
  return { response: JSON.parse(reply.json) as unknown, blobs: reply.blobs };
}

describe('AddBlob and FindBlob', () => {
  it('consumes request blobs in command order, skipping commands that take none', () => {
    const engine = new ApertureDBEngine();
    run(
      engine,
      [
        { AddBlob: { properties: { n: 1 } } },
        { AddEntity: { class: 'Note' } },
        { AddBlob: { properties: { n: 2 } } },
        { AddBlob: { properties: { n: 3 } } },
      ],
      [bytes(10), bytes(20, 21), bytes(30, 31, 32)],
    );
    const { blobs } = run(engine, [{ FindBlob: { blobs: true, results: { sort: 'n' } } }]);
    expect(blobs).toEqual([bytes(10), bytes(20, 21), bytes(30, 31, 32)]);
  });

  it('returns blobs flat across the transaction with blobs_start and _blob_index in command then entity order', () => {
    const engine = new ApertureDBEngine();
    run(
      engine,
      [1, 2, 3, 4].map((n) => ({ AddBlob: { properties: { n } } })),
      [bytes(1), bytes(2), bytes(3), bytes(4)],
    );
    const { response, blobs } = run(engine, [
      { FindBlob: { blobs: true, constraints: { n: ['>=', 3] }, results: { list: ['n'] } } },
      { FindBlob: { constraints: { n: ['==', 1] }, results: { list: ['n'] } } },
      {
        FindBlob: {
          blobs: true,
          constraints: { n: ['<=', 2] },
          results: { list: ['n'], sort: { key: 'n', order: 'descending' } },
        },
      },
      { FindEntity: { results: { count: true } } },
    ]);
    expect(response).toEqual([
      {
        FindBlob: {
          status: 0,
          returned: 2,
          blobs_start: 0,
          entities: [
            { n: 3, _blob_index: 0 },
            { n: 4, _blob_index: 1 },
          ],
        },
      },
      { FindBlob: { status: 0, returned: 1, entities: [{ n: 1 }] } },
      {
        FindBlob: {
          status: 0,
          returned: 2,
          blobs_start: 2,
          entities: [
            { n: 2, _blob_index: 2 },
            { n: 1, _blob_index: 3 },
          ],
        },
      },
      { FindEntity: { status: 0, returned: 0, count: 0 } },
    ]);
    expect(blobs).toEqual([bytes(3), bytes(4), bytes(2), bytes(1)]);
  });

  it('blobs: true alone lists entities with only _blob_index', () => {
    const engine = new ApertureDBEngine();
    run(engine, [{ AddBlob: {} }], [bytes(9)]);
    expect(run(engine, [{ FindBlob: { blobs: true } }]).response).toEqual([
      { FindBlob: { status: 0, returned: 1, blobs_start: 0, entities: [{ _blob_index: 0 }] } },
    ]);
  });

  it('the blob of an AddBlob is consumed even when if_not_found matches', () => {
    const engine = new ApertureDBEngine();
    run(engine, [{ AddBlob: { properties: { k: 'a' } } }], [bytes(1)]);
    const { response } = run(
      engine,
      [
        { AddBlob: { properties: { k: 'a' }, if_not_found: { k: ['==', 'a'] } } },
        { AddBlob: { properties: { k: 'b' } } },
      ],
      [bytes(2), bytes(3)],
    );
    expect(response).toEqual([
      { AddBlob: { status: 2, info: 'Object Exists!' } },
      { AddBlob: { status: 0 } },
    ]);
    expect(run(engine, [{ FindBlob: { blobs: true, constraints: { k: ['==', 'b'] } } }]).blobs).toEqual([
      bytes(3),
    ]);
  });
});

describe('AddImage and FindImage', () => {
  it('stores the image bytes opaquely and returns them only when asked', () => {
    const engine = new ApertureDBEngine();
    run(engine, [{ AddImage: { properties: { name: 'cat' } } }], [bytes(0xff, 0xd8)]);
    expect(run(engine, [{ FindImage: { results: { list: ['name'] } } }])).toEqual({
      response: [{ FindImage: { status: 0, returned: 1, entities: [{ name: 'cat' }] } }],
      blobs: [],
    });
    expect(run(engine, [{ FindImage: { blobs: true } }]).blobs).toEqual([bytes(0xff, 0xd8)]);
  });

  it('refuses operations and as_format with status -1', () => {
    const engine = new ApertureDBEngine();
    run(engine, [{ AddImage: {} }], [bytes(1)]);
    expect(run(engine, [{ FindImage: { as_format: 'png' } }]).response).toMatchObject({ status: -1 });
    expect(
      run(engine, [{ FindImage: { operations: [{ type: 'resize', width: 2 }] } }]).response,
    ).toMatchObject({
      status: -1,
    });
    expect(run(engine, [{ AddImage: { operations: [] } }], [bytes(2)]).response).toMatchObject({
      status: -1,
    });
  });
});
