import { ProtocolError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import {
  type ApertureDBResponse,
  blobOfEntity,
  blobsOf,
  commandNameOf,
  entitiesOf,
  isError,
  isFailureStatus,
  isTransactionError,
  resultOf,
  Status,
  statusOf,
} from '../../src/response.js';

// A transaction of FindEntity (no blobs), FindBlob (2 blobs), AddEntity, FindDescriptor (1 blob).
const RESPONSE: ApertureDBResponse = [
  { FindEntity: { status: 0, returned: 1, entities: [{ name: 'a' }] } },
  {
    FindBlob: {
      status: 0,
      returned: 2,
      blobs_start: 0,
      entities: [
        { _blob_index: 0, id: 'x' },
        { _blob_index: 1, id: 'y' },
      ],
    },
  },
  { AddEntity: { status: 2 } },
  {
    FindDescriptor: {
      status: 0,
      returned: 1,
      blobs_start: 2,
      entities: [{ _blob_index: 2, _distance: 0.5 }],
    },
  },
];
const BLOBS = ['b0', 'b1', 'b2'];

describe('status helpers', () => {
  it('reads the first command by default, as the SDK', () => {
    expect(statusOf(RESPONSE)).toBe(0);
    expect(statusOf(RESPONSE, 2)).toBe(Status.EXISTS);
    expect(statusOf(RESPONSE, 9)).toBe(Status.NO_STATUS);
    expect(statusOf({ status: -1, info: 'Not Authenticated!' })).toBe(-1);
    expect(statusOf([{ GetStatus: {} as never }])).toBe(-2);
  });

  it('tells outcomes from failures', () => {
    expect([0, 1, 2, 3].map(isFailureStatus)).toEqual([false, false, false, false]);
    expect([-1, 4, -2, 5, 0.5].map(isFailureStatus)).toEqual([true, true, true, true, true]);
  });

  it('isError: a top-level object or any failing command', () => {
    expect(isError(RESPONSE)).toBe(false);
    expect(isError([{ FindEntity: { status: 1 } }, { FindEntity: { status: 3 } }])).toBe(false);
    expect(isError({ status: 0 })).toBe(true);
    expect(isError([{ FindEntity: { status: 0 } }, { AddEntity: { status: -1, info: 'x' } }])).toBe(true);
    expect(isError([{ FindImage: { status: 4 } }])).toBe(true);
    expect(isTransactionError({ status: -1 })).toBe(true);
    expect(isTransactionError(RESPONSE)).toBe(false);
  });

  it('reads names, results and entities', () => {
    expect(commandNameOf(RESPONSE, 1)).toBe('FindBlob');
    expect(commandNameOf({ status: -1 }, 0)).toBeUndefined();
    expect(resultOf(RESPONSE, 2)).toEqual({ status: 2 });
    expect(entitiesOf(resultOf(RESPONSE, 0))).toEqual([{ name: 'a' }]);
    expect(entitiesOf(resultOf(RESPONSE, 2))).toEqual([]);
    const grouped = { status: 0, entities: { '1.0.1': [{ a: 1 }], '1.0.2': [{ a: 2 }, { a: 3 }] } };
    expect(entitiesOf(grouped)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(entitiesOf({ status: 0, connections: [{ c: 1 }] })).toEqual([{ c: 1 }]);
  });
});

describe('blobsOf', () => {
  it('slices the flat blob list per command by blobs_start and returned', () => {
    expect(blobsOf(RESPONSE, BLOBS, 0)).toEqual([]);
    expect(blobsOf(RESPONSE, BLOBS, 1)).toEqual(['b0', 'b1']);
    expect(blobsOf(RESPONSE, BLOBS, 2)).toEqual([]);
    expect(blobsOf(RESPONSE, BLOBS, 3)).toEqual(['b2']);
    expect(blobsOf({ status: -1 }, BLOBS, 0)).toEqual([]);
  });

  it('uses _blob_index when there is no blobs_start', () => {
    const response: ApertureDBResponse = [
      { FindImage: { status: 0, entities: { src: [{ _blob_index: 1 }, { _blob_index: 0 }] } } },
    ];
    expect(blobsOf(response, ['x', 'y'], 0)).toEqual(['y', 'x']);
  });

  it('counts _blob_index entities when returned is missing', () => {
    const response: ApertureDBResponse = [
      { FindBlob: { status: 0, blobs_start: 1, entities: [{ _blob_index: 1 }, { _blob_index: 2 }] } },
    ];
    expect(blobsOf(response, ['a', 'b', 'c'], 0)).toEqual(['b', 'c']);
  });

  it('finds an entity blob', () => {
    expect(blobOfEntity({ _blob_index: 2 }, BLOBS)).toBe('b2');
    expect(blobOfEntity({}, BLOBS)).toBeUndefined();
  });

  it('refuses indexes outside the blob list', () => {
    let error: unknown;
    try {
      blobsOf(RESPONSE, ['only'], 1);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('CONN_APERTUREDB_BAD_RESPONSE');
    expect((error as ProtocolError).details).toMatchObject({ commandIndex: 1, blobIndex: 1, blobs: 1 });
  });
});
