import { inspect } from 'node:util';
import { Secret } from '@conn/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildConnectRequest } from '../../src/protocol/connect-request.js';
import { zteradbJsonCodec } from '../../src/protocol/frame-codec.js';
import type { WireObject } from '../../src/protocol/json.js';
import { buildCancelRequest, buildQueryRequest } from '../../src/protocol/query-request.js';
import { DISCONNECT_REQUEST_TYPE, RequestType, requestTypeName } from '../../src/protocol/request-types.js';

const codec = zteradbJsonCodec();
const keys = {
  clientKey: new Secret('CLIENTKEY0000000000000000AA'),
  accessKey: new Secret('ACCESSKEY0000000000000000BB'),
  secretKey: new Secret('s3cr3t-key'),
};
const pinned = {
  ...keys,
  databaseId: 'DB1',
  env: 'dev',
  timestamp: 1716751200,
  nonce: 'de305d54-75b4-431b-adb2-eb6b9e546014',
} as const;

function encode(frame: WireObject): Buffer {
  const encoded = codec.encode(frame, undefined);
  return Array.isArray(encoded) ? Buffer.concat(encoded) : encoded;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('CONNECT frame', () => {
  it('is the Node-shaped superset with the test-vector signature, byte for byte', () => {
    const json =
      '{"client_key":"CLIENTKEY0000000000000000AA","nonce":"de305d54-75b4-431b-adb2-eb6b9e546014",' +
      '"timestamp":1716751200,"database_id":"DB1",' +
      '"signature":"72c432a86f54e8a57fd67c04fd463cdb46c56191c07e44cf240eb805b0143838",' +
      '"request_type":1,"env":"dev","response_data_type":"json"}';
    const bytes = encode(buildConnectRequest(pinned).frame);
    expect(bytes.readUInt32BE(0)).toBe(Buffer.byteLength(json));
    expect(bytes.subarray(4).toString('utf8')).toBe(json);
  });

  it('carries the same values as the observed 263-byte Python frame (same fields minus database_id)', () => {
    // The notes observed a 0x107-byte Python CONNECT frame; re-serialising our values in Python's
    // key order and separators must give that length, so no value differs in size.
    const sent = JSON.parse(encode(buildConnectRequest(pinned).frame).subarray(4).toString('utf8'));
    const pythonOrder = [
      'client_key',
      'nonce',
      'timestamp',
      'signature',
      'request_type',
      'env',
      'response_data_type',
    ];
    const pythonText = `{${pythonOrder.map((key) => `${JSON.stringify(key)}: ${JSON.stringify(sent[key])}`).join(', ')}}`;
    expect(Buffer.byteLength(pythonText)).toBe(0x107);
    expect(Object.keys(sent).sort()).toEqual([...pythonOrder, 'database_id'].sort());
    expect(sent).not.toHaveProperty('access_key');
    expect(sent).not.toHaveProperty('secret_key');
  });

  it('signs a fresh UUIDv4 nonce and the current second for every connection', () => {
    vi.useFakeTimers({ now: Date.UTC(2024, 4, 26, 19, 20, 0, 999) });
    const first = buildConnectRequest({ ...keys, databaseId: 'DB1', env: 'dev' });
    const second = buildConnectRequest({ ...keys, databaseId: 'DB1', env: 'dev' });
    expect(first.timestamp).toBe(1716751200);
    expect(first.nonce).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.nonce).not.toBe(first.nonce);
    expect(second.frame.signature).not.toBe(first.frame.signature);
    expect(first.frame.nonce).toBe(first.nonce);
  });

  it('never shows a key in inspect or JSON of the unsent frame', () => {
    const { frame } = buildConnectRequest(pinned);
    const shown = `${inspect(frame, { depth: 5 })} ${JSON.stringify(frame)}`;
    for (const secret of Object.values(keys)) expect(shown).not.toContain(secret.reveal());
    expect(encode(frame).toString('utf8')).toContain('CLIENTKEY0000000000000000AA');
  });

  it('refuses a bad timestamp or an empty nonce', () => {
    expect(() => buildConnectRequest({ ...pinned, timestamp: 1.5 })).toThrow(
      expect.objectContaining({ code: 'CONN_CONFIG', field: 'timestamp' }),
    );
    expect(() => buildConnectRequest({ ...pinned, nonce: '' })).toThrow(
      expect.objectContaining({ code: 'CONN_CONFIG', field: 'nonce' }),
    );
  });
});

describe('QUERY and CANCEL frames', () => {
  it('match the Node client’s 163-byte select().limit(0, 10) frame byte for byte', () => {
    const frame = buildQueryRequest({
      clientKey: keys.clientKey,
      accessToken: new Secret('TOK'),
      databaseId: 'DB1',
      env: 'dev',
      query: { toJSON: () => ({ db: '', sh: 'user', qt: 2, lt: [0, 10] }) },
    });
    const bytes = encode(frame);
    expect(bytes.subarray(0, 4).toString('hex')).toBe('000000a3');
    expect(bytes.subarray(4).toString('utf8')).toBe(
      '{"client_key":"CLIENTKEY0000000000000000AA","access_token":"TOK","request_type":5,"database_id":"DB1","env":"dev","query":{"db":"","sh":"user","qt":2,"lt":[0,10]}}',
    );
    expect(inspect(frame)).not.toContain('TOK');
  });

  it('encodes CANCEL as the Python client sends it', () => {
    expect(encode(buildCancelRequest()).subarray(4).toString('utf8')).toBe(
      '{"query":"cancel","request_type":4}',
    );
  });

  it('names every request type of the registry, DISCONNECT under both numbers', () => {
    expect(RequestType).toEqual({ NONE: 0, CONNECT: 1, CANCEL: 4, QUERY: 5, PING: 7 });
    expect([0, 1, 2, 3, 4, 5, 7].map(requestTypeName)).toEqual([
      'NONE',
      'CONNECT',
      'DISCONNECT',
      'DISCONNECT',
      'CANCEL',
      'QUERY',
      'PING',
    ]);
    expect(DISCONNECT_REQUEST_TYPE).toEqual({ python: 3, node: 2 });
    expect(requestTypeName(6)).toBeUndefined();
    expect(requestTypeName(0x0423)).toBeUndefined();
  });
});
