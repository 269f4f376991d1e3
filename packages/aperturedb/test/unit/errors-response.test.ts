import { inspect } from 'node:util';
import { AuthenticationError, isConnError, ProtocolError, QueryError, Secret } from '@conn/core';
import { describe, expect, it } from 'vitest';
import {
  ApertureDBAuthenticationError,
  ApertureDBSessionError,
  ApertureDBTransactionError,
  errorFromResponse,
  messageTooLargeError,
  protocolRejectedError,
  protocolVersionError,
} from '../../src/errors.js';

const PASSWORD = 'pw-SECRET-42';

describe('errorFromResponse: no error', () => {
  it.each([0, 1, 2, 3])('status %i is an outcome', (status) => {
    expect(errorFromResponse([{ FindEntity: { status } }], [{ FindEntity: {} }])).toBeUndefined();
  });

  it('an empty response to an empty query is fine', () => {
    expect(errorFromResponse([], [])).toBeUndefined();
  });

  it('without the request, entries are not counted against it', () => {
    expect(errorFromResponse([{ FindEntity: { status: 0 } }])).toBeUndefined();
  });
});

describe('errorFromResponse: top-level objects', () => {
  it('"Not Authenticated!" is a retryable session error', () => {
    const error = errorFromResponse({ info: 'Not Authenticated!', status: -1 }, [{ FindEntity: {} }]);
    expect(error).toBeInstanceOf(ApertureDBSessionError);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      code: 'CONN_APERTUREDB_SESSION_INVALID',
      retryable: true,
      serverCode: -1,
      serverMessage: 'Not Authenticated!',
    });
  });

  it('another object fails the whole transaction, keeping the response', () => {
    const response = { info: 'JSON Command 1: expecting 1 but got 2', status: 3 };
    const error = errorFromResponse(response, [{ FindEntity: {} }, { AddEntity: { class: 'c' } }]);
    expect(error).toBeInstanceOf(ApertureDBTransactionError);
    expect(error).toBeInstanceOf(QueryError);
    expect(error).toMatchObject({
      code: 'CONN_APERTUREDB_TRANSACTION_FAILED',
      retryable: false,
      serverCode: 3,
      serverMessage: response.info,
      info: response.info,
      commandIndex: undefined,
    });
    expect(JSON.parse(String(error?.details.response))).toEqual(response);
    expect(error?.message).toContain('status 3');
  });

  it('a top-level object answering Authenticate is an authentication error', () => {
    const error = errorFromResponse({ status: -1, info: 'bad' }, [
      { Authenticate: { username: 'u', password: PASSWORD } },
    ]);
    expect(error).toBeInstanceOf(ApertureDBAuthenticationError);
    expect(error?.code).toBe('CONN_APERTUREDB_AUTH_FAILED');
    const refresh = errorFromResponse({ status: -1 }, [{ RefreshToken: { refresh_token: 'adbr_x' } }]);
    expect(refresh).toBeInstanceOf(ApertureDBSessionError);
  });
});

describe('errorFromResponse: commands', () => {
  it('points at the first failing command (status -1)', () => {
    const response = [
      { FindEntity: { status: 0 } },
      { AddEntity: { status: -1, info: 'first' } },
      { AddEntity: { status: -1, info: 'second' } },
    ];
    const error = errorFromResponse(response, [
      { FindEntity: {} },
      { AddEntity: { class: 'a' } },
      {
        AddEntity: { class: 'b' },
      },
    ]);
    expect(error).toBeInstanceOf(ApertureDBTransactionError);
    expect(error).toMatchObject({
      code: 'CONN_APERTUREDB_COMMAND_FAILED',
      commandIndex: 1,
      commandName: 'AddEntity',
      serverCode: -1,
      serverMessage: 'first',
      info: 'first',
    });
    expect(error?.details).toMatchObject({ status: -1, commandIndex: 1, command: 'AddEntity' });
    expect(JSON.parse(String(error?.details.response))).toEqual(response);
    expect(error?.message).toBe('ApertureDB command 1 (AddEntity) failed (status -1): first');
  });

  it('status 4 has its own code', () => {
    const error = errorFromResponse(
      [{ FindImage: { status: 4, info: 'Response size is too large' } }],
      [{ FindImage: {} }],
    );
    expect(error).toMatchObject({
      code: 'CONN_APERTUREDB_RESPONSE_TOO_LARGE',
      commandIndex: 0,
      serverCode: 4,
    });
  });

  it('a refused Authenticate is an authentication error, a refused RefreshToken a session error', () => {
    const auth = errorFromResponse(
      [{ Authenticate: { status: -1, info: 'Wrong password' } }],
      [{ Authenticate: {} }],
    );
    expect(auth).toBeInstanceOf(ApertureDBAuthenticationError);
    expect(auth).toMatchObject({ retryable: false, serverMessage: 'Wrong password' });
    const refresh = errorFromResponse(
      [{ RefreshToken: { info: 'Invalid Session', status: -1 } }],
      [{ RefreshToken: {} }],
    );
    expect(refresh).toBeInstanceOf(ApertureDBSessionError);
    expect(refresh).toMatchObject({ retryable: true, serverMessage: 'Invalid Session' });
  });

  it('removes our secrets from server texts and token fields from the kept response', () => {
    const response = [
      { Authenticate: { status: 0, session_token: 'adbs_SESSION', refresh_token: 'adbr_REFRESH' } },
      { FindEntity: { status: -1, info: `no user with password ${PASSWORD}` } },
    ];
    const error = errorFromResponse(response, [{ Authenticate: {} }, { FindEntity: {} }], {
      secrets: [new Secret(PASSWORD), undefined],
    });
    const shown = `${error?.message} ${JSON.stringify(error)} ${inspect(error, { depth: 5 })}`;
    for (const secret of [PASSWORD, 'adbs_SESSION', 'adbr_REFRESH']) expect(shown).not.toContain(secret);
    expect(error).toMatchObject({ serverMessage: 'no user with password [redacted]' });
    expect(String(error?.details.response)).toContain('"session_token":"[redacted]"');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ serverCode: -1, commandIndex: 1 });
  });
});

describe('errorFromResponse: malformed responses', () => {
  it.each([
    [null, /null/],
    ['text', /string/],
    [42, /number/],
    [[7], /entry 0/],
    [[{ FindEntity: { status: 0 }, AddEntity: { status: 0 } }], /entry 0/],
    [[{ FindEntity: 'ok' }], /entry 0/],
    [[{ FindEntity: {} }], /has no status/],
    [[{ AddEntity: { status: 0 } }], /answers AddEntity, but the request's command 0 is FindEntity/],
    [[], /0 entries for 1 commands/],
    [[{ FindEntity: { status: 0 } }, { FindEntity: { status: 0 } }], /2 entries for 1 commands/],
  ])('%j → CONN_APERTUREDB_BAD_RESPONSE', (response, message) => {
    const error = errorFromResponse(response, [{ FindEntity: {} }]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error?.code).toBe('CONN_APERTUREDB_BAD_RESPONSE');
    expect(error?.message).toMatch(message);
  });
});

describe('protocol errors', () => {
  it('are ProtocolErrors with their own codes and safe details', () => {
    const rejected = protocolRejectedError(1, 0);
    expect(rejected).toBeInstanceOf(ProtocolError);
    expect(rejected).toMatchObject({
      code: 'CONN_APERTUREDB_PROTOCOL_REJECTED',
      details: { requested: 1, replied: 0 },
    });
    expect(rejected.message).toMatch(/protocol 1 \(tcp\).*replied 0 \(none\).*useSsl: true/);
    expect(protocolVersionError(0)).toMatchObject({
      code: 'CONN_APERTUREDB_PROTOCOL_VERSION',
      details: { version: 0 },
    });
    const tooLarge = messageTooLargeError(2048, 1024, 'send');
    expect(tooLarge).toMatchObject({
      code: 'CONN_APERTUREDB_MESSAGE_TOO_LARGE',
      retryable: false,
      details: { bytes: 2048, maxMessageBytes: 1024, direction: 'send' },
    });
    expect(tooLarge.message).toBe('the query message is 2048 bytes, more than maxMessageBytes (1024)');
    expect(isConnError(tooLarge)).toBe(true);
  });
});
