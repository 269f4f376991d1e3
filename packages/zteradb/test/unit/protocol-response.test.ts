import { ProtocolError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import {
  describeResponseCode,
  NODE_RESPONSE_CODES,
  PYTHON_RESPONSE_CODES,
} from '../../src/protocol/response-codes.js';
import {
  classifyResponse,
  parseResponseEnvelope,
  serverErrorMessage,
} from '../../src/protocol/response-envelope.js';

// The response-code registry of docs/protocols/zteradb.md, one row per number: [code, python/PHP names, Node names, name].
const REGISTRY: [number, string[], string[], string][] = [
  [0x0002, ['CONNECTED'], ['CONNECTED'], 'CONNECTED'],
  [0x0004, ['DISCONNECTED'], [], 'DISCONNECTED'],
  [0x0005, ['DISCONNECT_ERROR'], [], 'DISCONNECT_ERROR'],
  [0x0006, ['CLIENT_AUTH_ERROR'], [], 'CLIENT_AUTH_ERROR'],
  [0x0007, ['QUERY_DATA'], ['QUERY_DATA'], 'QUERY_DATA'],
  [0x0009, ['QUERY_ERROR'], [], 'QUERY_ERROR'],
  [0x0010, ['PONG'], ['PONG'], 'PONG'],
  [0x0011, ['NO_ACCESS'], [], 'NO_ACCESS'],
  [0x0100, ['PARSE_QUERY_ERROR'], [], 'PARSE_QUERY_ERROR'],
  [0x0201, ['CREATE_SCHEMA_SUCCESS'], ['CREATE_SCHEMA_SUCCESS'], 'CREATE_SCHEMA_SUCCESS'],
  [0x0202, ['PUBLISH_SCHEMA_SUCCESS'], ['PUBLISH_SCHEMA_SUCCESS'], 'PUBLISH_SCHEMA_SUCCESS'],
  [0x0400, ['TOKEN_EXPIRED'], ['DISCONNECT', 'NO_ACCESS'], 'AMBIGUOUS'],
  [0x0401, ['INVALID_SCHEMA'], ['TOKEN_EXPIRED'], 'AMBIGUOUS'],
  [0x0402, ['FIELD_ERROR'], [], 'FIELD_ERROR'],
  [0x0420, [], ['QUERY_PARSE_ERROR'], 'QUERY_PARSE_ERROR'],
  [0x0421, [], ['INVALID_SCHEMA'], 'INVALID_SCHEMA'],
  [0x0422, [], ['FIELD_ERROR'], 'FIELD_ERROR'],
  [0x0423, ['INVALID_REQUEST_TYPE_ERROR'], [], 'INVALID_REQUEST_TYPE_ERROR'],
  [0x0500, ['CONNECT_ERROR'], ['CONNECT_ERROR'], 'CONNECT_ERROR'],
  [0x0501, ['CREATE_SCHEMA_ERROR'], ['DISCONNECT_ERROR'], 'AMBIGUOUS'],
  [0x0502, ['PUBLISH_SCHEMA_ERROR'], ['CLIENT_AUTH_ERROR'], 'AMBIGUOUS'],
  [0x0520, [], ['QUERY_ERROR'], 'QUERY_ERROR'],
  [0x0521, [], ['CREATE_SCHEMA_ERROR'], 'CREATE_SCHEMA_ERROR'],
  [0x0522, [], ['PUBLISH_SCHEMA_ERROR'], 'PUBLISH_SCHEMA_ERROR'],
  [0x0608, ['QUERY_COMPLETE'], ['QUERY_COMPLETE'], 'QUERY_COMPLETE'],
];

describe('response codes', () => {
  it.each(REGISTRY)('maps response code %i in both tables', (code, pythonNames, nodeNames, name) => {
    expect(describeResponseCode(code)).toEqual({ code, name, pythonNames, nodeNames });
  });

  it('has no table entry the registry above does not list', () => {
    const listed = new Set(REGISTRY.map(([code]) => code));
    for (const code of [...Object.values(PYTHON_RESPONSE_CODES), ...Object.values(NODE_RESPONSE_CODES)]) {
      expect(listed.has(code)).toBe(true);
    }
    expect(Object.keys(PYTHON_RESPONSE_CODES)).toHaveLength(19);
    expect(Object.keys(NODE_RESPONSE_CODES)).toHaveLength(18);
  });

  it('calls a number neither table knows UNKNOWN', () => {
    expect(describeResponseCode(0x0003)).toEqual({
      code: 3,
      name: 'UNKNOWN',
      pythonNames: [],
      nodeNames: [],
    });
  });
});

describe('response envelopes', () => {
  it('reads the four fields and defaults a missing data to null', () => {
    expect(parseResponseEnvelope({ error: false, response_code: 1544 })).toEqual({
      error: false,
      responseCode: 1544,
      data: null,
      clientAuth: undefined,
    });
    const auth = { client_key: 'C', nonce: 'n', timestamp: 1, signature: 's' };
    expect(
      parseResponseEnvelope({ error: false, response_code: 2, data: {}, client_auth: auth }).clientAuth,
    ).toEqual(auth);
  });

  it.each([
    ['error', { error: 'false', response_code: 7, data: {} }],
    ['error', { response_code: 7, data: {} }],
    ['response_code', { error: false, response_code: '7', data: {} }],
    ['response_code', { error: false, response_code: 7.5, data: {} }],
    ['client_auth', { error: false, response_code: 2, data: {}, client_auth: 'proof' }],
  ])('refuses a bad %s with a ProtocolError naming it', (field, frame) => {
    let error: unknown;
    try {
      parseResponseEnvelope(frame as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: 'CONN_ZTERADB_MALFORMED_FRAME', details: { field } });
  });

  it('classifies CONNECTED, QUERY_COMPLETE, rows and other data frames', () => {
    const classify = (frame: object) => classifyResponse(parseResponseEnvelope(frame as never));
    expect(classify({ error: false, response_code: 2, data: { access_token: 't' } })).toEqual({
      kind: 'connected',
      data: { access_token: 't' },
      clientAuth: undefined,
    });
    expect(classify({ error: false, response_code: 1544, data: {} })).toEqual({ kind: 'complete' });
    expect(classify({ error: false, response_code: 7, data: { id: 1 } })).toEqual({
      kind: 'row',
      row: { id: 1 },
    });
    expect(classify({ error: false, response_code: 0x0201, data: { count: 3 } })).toMatchObject({
      kind: 'data',
      code: { name: 'CREATE_SCHEMA_SUCCESS' },
      data: { count: 3 },
    });
  });

  it('refuses a row frame whose data is not an object instead of ending the stream', () => {
    for (const data of [null, 0, [], 'x']) {
      expect(() => classifyResponse(parseResponseEnvelope({ error: false, response_code: 7, data }))).toThrow(
        expect.objectContaining({ code: 'CONN_ZTERADB_MALFORMED_FRAME' }),
      );
    }
  });

  it('treats error: true as an error whatever the code, keeping the server’s message', () => {
    const frame = classifyResponse(
      parseResponseEnvelope({ error: true, response_code: 7, data: { zteradb_error: 'no such schema' } }),
    );
    expect(frame).toMatchObject({
      kind: 'error',
      message: 'no such schema',
      code: { code: 7, name: 'QUERY_DATA' },
    });
    expect(
      classifyResponse(
        parseResponseEnvelope({ error: true, response_code: 0x0520, data: { zteradb_error: 'bad' } }),
      ),
    ).toMatchObject({ kind: 'error', code: { name: 'QUERY_ERROR', nodeNames: ['QUERY_ERROR'] } });
  });

  it('falls back to the data as JSON when zteradb_error is missing', () => {
    expect(serverErrorMessage({ reason: 'x' })).toBe('{"reason":"x"}');
    expect(serverErrorMessage({ zteradb_error: 42 })).toBe('{"zteradb_error":42}');
    expect(serverErrorMessage(null)).toBe('');
  });
});
