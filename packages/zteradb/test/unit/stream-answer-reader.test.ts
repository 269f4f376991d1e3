import { ProtocolError, Secret } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { ZTeraDBAuthenticationError, ZTeraDBQueryError } from '../../src/errors.js';
import type { JsonObject } from '../../src/protocol/json.js';
import { parseResponseEnvelope } from '../../src/protocol/response-envelope.js';
import { type AnswerEvent, AnswerReader, type ZTeraDBRequestKind } from '../../src/stream/answer-reader.js';
import { requestKindOf } from '../../src/stream/request-kind.js';
import { ZTeraDBQuery } from '../../src/zql/query.js';

// Frames as docs/protocols/zteradb.md's response streams give them.
const row = (data: JsonObject) => ({ error: false, response_code: 7, data });
const complete = { error: false, response_code: 1544, data: {} };
const failure = (code: number, message: string) => ({
  error: true,
  response_code: code,
  data: { zteradb_error: message },
});

function feed(reader: AnswerReader, frames: JsonObject[]): AnswerEvent[] {
  return frames.map((frame) => reader.accept(parseResponseEnvelope(frame)));
}

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('AnswerReader: select', () => {
  it('yields one row per code-7 frame, then ends on QUERY_COMPLETE', () => {
    const reader = new AnswerReader('select');
    const rows = [
      { id: 1, email: 'a@x.io' },
      { id: 2, email: 'b@x.io' },
      { id: '4U8RGUC9SPS4I0S5FLP9VH93IN' },
    ];
    const events = feed(reader, [...rows.map(row), complete]);
    expect(events).toEqual([...rows.map((r) => ({ type: 'row', row: r })), { type: 'end' }]);
    expect(reader.state).toBe('done');
    expect(reader.connectionReusable).toBe(true);
  });

  it('reads an empty result', () => {
    const reader = new AnswerReader('select');
    expect(feed(reader, [complete])).toEqual([{ type: 'end' }]);
    expect(reader.connectionReusable).toBe(true);
  });

  it('is not reusable in the middle of the rows', () => {
    const reader = new AnswerReader('select');
    feed(reader, [row({ id: 1 })]);
    expect(reader.state).toBe('reading');
    expect(reader.connectionReusable).toBe(false);
  });

  it('turns an error frame after some rows into the typed error, never an end', () => {
    const reader = new AnswerReader('select');
    feed(reader, [row({ id: 1 })]);
    const error = errorOf(() => feed(reader, [failure(0x0520, 'query timed out')]));
    expect(error).toBeInstanceOf(ZTeraDBQueryError);
    expect(error).toMatchObject({ serverCode: 0x0520, serverMessage: 'query timed out' });
    expect(reader.state).toBe('failed');
    expect(reader.connectionReusable).toBe(false);
  });

  it.each([
    [{ error: false, response_code: 2, data: { access_token: 't' } }, 'CONN_ZTERADB_UNEXPECTED_FRAME'],
    [{ error: false, response_code: 0x0010, data: { id: 1 } }, 'CONN_ZTERADB_UNEXPECTED_FRAME'],
    [{ error: false, response_code: 7, data: null }, 'CONN_ZTERADB_MALFORMED_FRAME'],
    [{ error: false, response_code: 7, data: [1] }, 'CONN_ZTERADB_MALFORMED_FRAME'],
  ])('rejects %j in a select as a protocol error', (frame, code) => {
    const reader = new AnswerReader('select');
    const error = errorOf(() => feed(reader, [frame]));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code });
    expect(reader.connectionReusable).toBe(false);
  });
});

// Each single-result shape: the data frame (under code 7 or another success code), then the result.
const SINGLE: [Exclude<ZTeraDBRequestKind, 'select'>, JsonObject, unknown][] = [
  ['count', { count: 3 }, { count: 3 }],
  ['count', { count: 0 }, { count: 0 }],
  ['insert', { last_insert_id: 42 }, { lastInsertId: 42 }],
  [
    'insert',
    { last_insert_id: '4U8RGUC9SPS4I0S5FLP9VH93IN' },
    { lastInsertId: '4U8RGUC9SPS4I0S5FLP9VH93IN' },
  ],
  ['update', { is_updated: true }, { isUpdated: true }],
  ['update', { is_updated: false }, { isUpdated: false }],
  ['delete', { is_deleted: true }, { isDeleted: true }],
  ['delete', { is_deleted: false }, { isDeleted: false }],
];

describe('AnswerReader: count, insert, update, delete', () => {
  it.each(SINGLE)('%s: reads %j as its result, then the trailing QUERY_COMPLETE', (kind, data, result) => {
    const reader = new AnswerReader(kind);
    expect(feed(reader, [row(data)])).toEqual([{ type: 'result', result }]);
    // Without the QUERY_COMPLETE the caller's grace decides: the connection is not yet reusable.
    expect(reader.state).toBe('awaiting-complete');
    expect(reader.connectionReusable).toBe(false);
    expect(feed(reader, [complete])).toEqual([{ type: 'end' }]);
    expect(reader.connectionReusable).toBe(true);
  });

  it.each(SINGLE)('%s: accepts %j under another success code', (kind, data, result) => {
    const reader = new AnswerReader(kind);
    expect(feed(reader, [{ error: false, response_code: 0x0010, data }])).toEqual([
      { type: 'result', result },
    ]);
  });

  it.each([
    ['count', { count: -1 }],
    ['count', { count: '3' }],
    ['count', { rows: 3 }],
    ['insert', { last_insert_id: '' }],
    ['insert', { last_insert_id: 1.5 }],
    ['update', { is_updated: 'yes' }],
    ['delete', {}],
  ] as const)('%s: rejects the result %j', (kind, data) => {
    const reader = new AnswerReader(kind);
    const error = errorOf(() => feed(reader, [row(data)]));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: 'CONN_ZTERADB_MALFORMED_FRAME' });
    expect(reader.state).toBe('failed');
  });

  it.each(['count', 'insert', 'update', 'delete'] as const)(
    '%s: QUERY_COMPLETE before the result is out of order',
    (kind) => {
      const reader = new AnswerReader(kind);
      const error = errorOf(() => feed(reader, [complete]));
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toMatchObject({ code: 'CONN_ZTERADB_UNEXPECTED_FRAME' });
    },
  );

  it('rejects a second result', () => {
    const reader = new AnswerReader('insert');
    feed(reader, [row({ last_insert_id: 1 })]);
    expect(errorOf(() => feed(reader, [row({ last_insert_id: 2 })]))).toMatchObject({
      code: 'CONN_ZTERADB_UNEXPECTED_FRAME',
    });
    expect(reader.connectionReusable).toBe(false);
  });

  it.each(['count', 'insert', 'update', 'delete'] as const)(
    '%s: an error frame is the typed error',
    (kind) => {
      const reader = new AnswerReader(kind);
      const error = errorOf(() => feed(reader, [failure(0x0421, 'no schema user')]));
      expect(error).toBeInstanceOf(ZTeraDBQueryError);
      expect(error).toMatchObject({ serverCode: 0x0421, serverMessage: 'no schema user' });
    },
  );
});

describe('AnswerReader: after the end', () => {
  it('rejects any frame after QUERY_COMPLETE or after an error', () => {
    const done = new AnswerReader('select');
    feed(done, [complete]);
    expect(errorOf(() => feed(done, [row({ id: 1 })]))).toBeInstanceOf(ProtocolError);
    expect(done.connectionReusable).toBe(false);

    const failed = new AnswerReader('update');
    errorOf(() => feed(failed, [failure(0x0520, 'x')]));
    expect(errorOf(() => feed(failed, [complete]))).toMatchObject({ code: 'CONN_ZTERADB_UNEXPECTED_FRAME' });
  });

  it('maps a session error and removes our secrets from its message', () => {
    const token = new Secret('TOKEN-abcdef');
    const reader = new AnswerReader('select', [token]);
    const error = errorOf(() => feed(reader, [failure(0x0400, `token TOKEN-abcdef expired`)]));
    expect(error).toBeInstanceOf(ZTeraDBAuthenticationError);
    expect(error).toMatchObject({
      code: 'CONN_ZTERADB_SESSION_ENDED',
      serverMessage: 'token [redacted] expired',
    });
    expect(String((error as Error).message)).not.toContain('TOKEN-abcdef');
  });
});

describe('requestKindOf', () => {
  it('reads the answer shape from the query object', () => {
    expect(requestKindOf(ZTeraDBQuery('user').select().toJSON())).toBe('select');
    expect(requestKindOf(ZTeraDBQuery('user').count().toJSON())).toBe('count');
    expect(requestKindOf(ZTeraDBQuery('user').insert().fields({ a: 1 }).toJSON())).toBe('insert');
    expect(requestKindOf(ZTeraDBQuery('user').update().fields({ a: 1 }).toJSON())).toBe('update');
    expect(requestKindOf(ZTeraDBQuery('user').delete().toJSON())).toBe('delete');
  });
});
