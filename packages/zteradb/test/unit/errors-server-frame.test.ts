import { inspect } from 'node:util';
import { AuthenticationError, AuthorizationError, QueryError, Secret } from '@conn/core';
import { describe, expect, it } from 'vitest';
import {
  errorFromServerFrame,
  ZTeraDBAuthenticationError,
  ZTeraDBAuthorizationError,
  ZTeraDBQueryError,
} from '../../src/errors.js';
import { describeResponseCode } from '../../src/protocol/response-codes.js';
import { classifyResponse, parseResponseEnvelope } from '../../src/protocol/response-envelope.js';

/** The error frame of docs/protocols/zteradb.md for `code`, classified as the client sees it. */
function errorFrame(code: number, message = 'something went wrong') {
  const frame = classifyResponse(
    parseResponseEnvelope({ error: true, response_code: code, data: { zteradb_error: message } }),
  );
  if (frame.kind !== 'error') throw new Error('expected an error frame');
  return frame;
}

// Every number of both response-code tables answering a query, with the class and code it maps to.
const QUERY_PHASE: [number, string, string, boolean][] = [
  [0x0002, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false], // a success code sent as an error
  [0x0004, 'ZTeraDBAuthenticationError', 'CONN_ZTERADB_SESSION_ENDED', true], // DISCONNECTED
  [0x0005, 'ZTeraDBAuthenticationError', 'CONN_ZTERADB_SESSION_ENDED', true], // DISCONNECT_ERROR
  [0x0006, 'ZTeraDBAuthenticationError', 'CONN_ZTERADB_AUTH_FAILED', true], // CLIENT_AUTH_ERROR
  [0x0007, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false],
  [0x0009, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false], // QUERY_ERROR (Python)
  [0x0010, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false],
  [0x0011, 'ZTeraDBAuthorizationError', 'CONN_ZTERADB_ACCESS_DENIED', false], // NO_ACCESS (Python)
  [0x0100, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false], // PARSE_QUERY_ERROR
  [0x0201, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false],
  [0x0202, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false],
  [0x0400, 'ZTeraDBAuthenticationError', 'CONN_ZTERADB_SESSION_ENDED', true], // TOKEN_EXPIRED | DISCONNECT, NO_ACCESS
  [0x0401, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', true], // INVALID_SCHEMA | TOKEN_EXPIRED
  [0x0402, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false], // FIELD_ERROR
  [0x0420, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false], // QUERY_PARSE_ERROR
  [0x0421, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false], // INVALID_SCHEMA (Node)
  [0x0422, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false], // FIELD_ERROR (Node)
  [0x0423, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false], // INVALID_REQUEST_TYPE_ERROR
  [0x0500, 'ZTeraDBAuthenticationError', 'CONN_ZTERADB_AUTH_FAILED', true], // CONNECT_ERROR
  [0x0501, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', true], // CREATE_SCHEMA_ERROR | DISCONNECT_ERROR
  [0x0502, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', true], // PUBLISH_SCHEMA_ERROR | CLIENT_AUTH_ERROR
  [0x0520, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false], // QUERY_ERROR (Node)
  [0x0521, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false],
  [0x0522, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false],
  [0x0608, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false],
  [0x7777, 'ZTeraDBQueryError', 'CONN_ZTERADB_QUERY_FAILED', false], // in neither table
];

describe('errorFromServerFrame answering a query', () => {
  it.each(QUERY_PHASE)('maps response code %i to %s (%s)', (code, name, errorCode, sessionEnded) => {
    const error = errorFromServerFrame(errorFrame(code, 'the server says no'), 'query');
    expect(error.name).toBe(name);
    expect(error.code).toBe(errorCode);
    expect(error.details.sessionEnded).toBe(sessionEnded);
    expect(error.details.responseCode).toBe(code);
    expect(error).toMatchObject({
      serverCode: code,
      serverMessage: 'the server says no',
      responseCodeName: describeResponseCode(code).name,
    });
    expect(error.message).toContain('the server says no');
    expect(error.message).toContain(`response code ${code}`);
  });

  it('uses the core kinds so generic handlers work', () => {
    expect(errorFromServerFrame(errorFrame(0x0520), 'query')).toBeInstanceOf(QueryError);
    expect(errorFromServerFrame(errorFrame(0x0500), 'query')).toBeInstanceOf(AuthenticationError);
    expect(errorFromServerFrame(errorFrame(0x0011), 'query')).toBeInstanceOf(AuthorizationError);
  });

  it('marks only an ended session as worth retrying on a new connection', () => {
    expect(errorFromServerFrame(errorFrame(0x0400), 'query').retryable).toBe(true);
    expect(errorFromServerFrame(errorFrame(0x0500), 'query').retryable).toBe(false);
    expect(errorFromServerFrame(errorFrame(0x0520), 'query').retryable).toBe(false);
  });

  it('keeps a data object without zteradb_error as JSON', () => {
    const frame = classifyResponse(
      parseResponseEnvelope({ error: true, response_code: 0x0520, data: { why: 1 } }),
    );
    if (frame.kind !== 'error') throw new Error('expected an error frame');
    expect(errorFromServerFrame(frame, 'query')).toMatchObject({ serverMessage: '{"why":1}' });
  });
});

describe('errorFromServerFrame answering CONNECT', () => {
  it.each(QUERY_PHASE.map(([code]) => code))('reads response code %i as a refused connection', (code) => {
    const error = errorFromServerFrame(errorFrame(code, 'bad signature'), 'handshake');
    expect(error).toBeInstanceOf(ZTeraDBAuthenticationError);
    expect(error.code).toBe('CONN_ZTERADB_AUTH_FAILED');
    expect(error.retryable).toBe(false);
    expect(error.details.sessionEnded).toBe(true);
    expect(error).toMatchObject({ serverCode: code, serverMessage: 'bad signature' });
  });
});

describe('secrets in server messages', () => {
  const secretKey = new Secret('s3cr3t-key-value');
  const accessKey = new Secret('ACCESSKEY0000000000000000BB');

  it('removes our secrets from message, serverMessage, JSON and inspect', () => {
    const echoed = `signature over ${accessKey.reveal()} with ${secretKey.reveal()} is wrong`;
    for (const phase of ['query', 'handshake'] as const) {
      for (const code of [0x0500, 0x0520, 0x0011, 0x0400]) {
        const error = errorFromServerFrame(errorFrame(code, echoed), phase, [accessKey, secretKey]);
        const shown = [
          error.message,
          (error as ZTeraDBQueryError).serverMessage,
          JSON.stringify(error),
          inspect(error, { depth: 5 }),
        ].join('\n');
        expect(shown).not.toContain(secretKey.reveal());
        expect(shown).not.toContain(accessKey.reveal());
        expect(shown).toContain('[redacted]');
      }
    }
  });

  it('puts serverCode and serverMessage in JSON', () => {
    const error = errorFromServerFrame(errorFrame(0x0520, 'no such table'), 'query');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: 'ZTeraDBQueryError',
      code: 'CONN_ZTERADB_QUERY_FAILED',
      serverCode: 0x0520,
      serverMessage: 'no such table',
    });
  });
});

describe('error classes', () => {
  it('have stable names and codes', () => {
    const options = { serverCode: 1, serverMessage: 'm', responseCodeName: 'X' };
    expect(new ZTeraDBQueryError('m', options)).toMatchObject({
      name: 'ZTeraDBQueryError',
      code: 'CONN_ZTERADB_QUERY_FAILED',
    });
    expect(new ZTeraDBAuthenticationError('m', options)).toMatchObject({
      name: 'ZTeraDBAuthenticationError',
      code: 'CONN_ZTERADB_AUTH_FAILED',
    });
    expect(new ZTeraDBAuthorizationError('m', options)).toMatchObject({
      name: 'ZTeraDBAuthorizationError',
      code: 'CONN_ZTERADB_ACCESS_DENIED',
    });
  });
});
