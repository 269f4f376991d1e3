import { inspect } from 'node:util';
import { AuthenticationError, ProtocolError, Secret } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { ZTeraDBAuthenticationError } from '../../src/errors.js';
import { HandshakeReader, parseUtcDateTime } from '../../src/protocol/handshake.js';
import { parseResponseEnvelope } from '../../src/protocol/response-envelope.js';
import { verifyServerProof } from '../../src/protocol/server-proof.js';
import { signV2 } from '../../src/protocol/signature.js';

const keys = {
  clientKey: new Secret('CLIENTKEY0000000000000000AA'),
  accessKey: new Secret('ACCESSKEY0000000000000000BB'),
  secretKey: new Secret('s3cr3t-key'),
};
const SERVER_NONCE = '5f0c6a61-3b1e-4d6f-9a57-0d3c2f8b7e11';
const SERVER_TIMESTAMP = 1716751260;
const goodProof = {
  client_key: 'CLIENTKEY0000000000000000AA',
  nonce: SERVER_NONCE,
  timestamp: SERVER_TIMESTAMP,
  signature: signV2({ ...keys, nonce: SERVER_NONCE, timestamp: SERVER_TIMESTAMP }),
};
const sessionData = {
  client_key: 'CLIENTKEY0000000000000000AA',
  access_key: 'ACCESSKEY0000000000000000BB',
  access_token: 'T'.repeat(130),
  access_token_expire: '2026-12-06 23:00:00',
};
const connected = (clientAuth?: object) =>
  parseResponseEnvelope({
    error: false,
    response_code: 2,
    data: sessionData,
    ...(clientAuth === undefined ? {} : { client_auth: clientAuth as never }),
  });
const complete = parseResponseEnvelope({ error: false, response_code: 1544, data: {} });

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('handshake', () => {
  it('ends on QUERY_COMPLETE after CONNECTED and yields the session', () => {
    const reader = new HandshakeReader(keys);
    expect(reader.accept(connected(goodProof))).toEqual({ done: false });
    const progress = reader.accept(complete);
    expect(progress.done).toBe(true);
    if (!progress.done) return;
    expect(progress.session.accessToken.reveal()).toBe(sessionData.access_token);
    expect(progress.session.accessTokenExpiresAt).toEqual(new Date(Date.UTC(2026, 11, 6, 23, 0, 0)));
    expect(inspect(progress.session)).not.toContain(sessionData.access_token);
  });

  it('accepts a CONNECTED frame without proof unless strict', () => {
    expect(new HandshakeReader(keys).accept(connected())).toEqual({ done: false });
    const error = thrownBy(() =>
      new HandshakeReader({ ...keys, strictServerProof: true }).accept(connected()),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'CONN_ZTERADB_SERVER_PROOF', details: { reason: 'missing' } });
  });

  it('refuses a proof signed with another secret, without showing keys or signatures', () => {
    const forged = {
      ...goodProof,
      signature: signV2({
        ...keys,
        secretKey: new Secret('guess'),
        nonce: SERVER_NONCE,
        timestamp: SERVER_TIMESTAMP,
      }),
    };
    const error = thrownBy(() => new HandshakeReader(keys).accept(connected(forged)));
    expect(error).toMatchObject({
      name: 'AuthenticationError',
      code: 'CONN_ZTERADB_SERVER_PROOF',
      details: { reason: 'mismatch' },
    });
    const shown = `${String(error)} ${inspect(error)} ${JSON.stringify(error)}`;
    for (const value of [
      ...Object.values(keys).map((key) => key.reveal()),
      forged.signature,
      goodProof.signature,
    ]) {
      expect(shown).not.toContain(value);
    }
  });

  it.each([
    ['no client_key', { ...goodProof, client_key: undefined }],
    ['a string timestamp', { ...goodProof, timestamp: String(SERVER_TIMESTAMP) }],
    ['no signature', { ...goodProof, signature: undefined }],
    ['a proof for another nonce', { ...goodProof, nonce: 'other' }],
  ])('refuses a proof with %s', (_name, proof) => {
    const clean = JSON.parse(JSON.stringify(proof));
    expect(() => verifyServerProof(clean, keys)).toThrow(AuthenticationError);
  });

  it('turns an error frame into a ZTeraDBAuthenticationError with the server code and message, secrets redacted', () => {
    const refused = parseResponseEnvelope({
      error: true,
      response_code: 1280,
      data: { zteradb_error: 'bad signature for s3cr3t-key' },
    });
    const error = thrownBy(() => new HandshakeReader(keys).accept(refused));
    expect(error).toBeInstanceOf(ZTeraDBAuthenticationError);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      code: 'CONN_ZTERADB_AUTH_FAILED',
      serverCode: 1280,
      serverMessage: 'bad signature for [redacted]',
      responseCodeName: 'CONNECT_ERROR',
      details: { responseCode: 1280, responseCodeName: 'CONNECT_ERROR', sessionEnded: true },
    });
    expect((error as Error).message).toContain('bad signature for [redacted]');
    const shown = `${String(error)} ${inspect(error)} ${JSON.stringify(error)}`;
    expect(shown).not.toContain('s3cr3t-key');
  });

  it('makes any error frame during the handshake an authentication refusal, whatever its code', () => {
    const odd = parseResponseEnvelope({
      error: true,
      response_code: 0x0100,
      data: { zteradb_error: 'nope' },
    });
    expect(thrownBy(() => new HandshakeReader(keys).accept(odd))).toMatchObject({
      name: 'ZTeraDBAuthenticationError',
      serverCode: 0x0100,
      serverMessage: 'nope',
    });
  });

  it('refuses frames out of order and a CONNECTED frame without a token', () => {
    expect(thrownBy(() => new HandshakeReader(keys).accept(complete))).toMatchObject({
      code: 'CONN_ZTERADB_HANDSHAKE',
    });
    const row = parseResponseEnvelope({ error: false, response_code: 7, data: { id: 1 } });
    const reader = new HandshakeReader(keys);
    reader.accept(connected());
    expect(thrownBy(() => reader.accept(row))).toMatchObject({ code: 'CONN_ZTERADB_HANDSHAKE' });
    const tokenless = parseResponseEnvelope({
      error: false,
      response_code: 2,
      data: { ...sessionData, access_token: '' },
    });
    const error = thrownBy(() => new HandshakeReader(keys).accept(tokenless));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ details: { field: 'data.access_token' } });
  });

  it('reads the token expiry as UTC and gives up on anything else', () => {
    expect(parseUtcDateTime('2025-02-23 01:05:48')).toEqual(new Date(Date.UTC(2025, 1, 23, 1, 5, 48)));
    expect(parseUtcDateTime('2025-02-23T01:05:48Z')).toEqual(new Date(Date.UTC(2025, 1, 23, 1, 5, 48)));
    expect(parseUtcDateTime('2025-02-30 00:00:00')).toBeUndefined();
    expect(parseUtcDateTime('tomorrow')).toBeUndefined();
    expect(parseUtcDateTime(1716751200)).toBeUndefined();
  });
});
