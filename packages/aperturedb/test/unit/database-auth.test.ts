import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/testing/auth/index.js';
import { TestDatabase } from '../../src/testing/database/index.js';

function manualClock(): Clock & { advanceSeconds(seconds: number): void } {
  let now = 0;
  return { now: () => now, advanceSeconds: (seconds) => (now += seconds * 1000) };
}

function send(database: TestDatabase, query: unknown, token = '') {
  return JSON.parse(database.handle({ json: JSON.stringify(query), blobs: [], token }).json) as unknown;
}

function login(database: TestDatabase, credentials: object = { username: 'admin', password: 'admin' }) {
  const [reply] = send(database, [{ Authenticate: credentials }]) as [
    { Authenticate: Record<string, unknown> },
  ];
  return reply.Authenticate as { status: number; session_token: string; refresh_token: string };
}

const NOT_AUTHENTICATED_TEXT = '{"info":"Not Authenticated!","status":-1}';
const STATUS_QUERY = JSON.stringify([{ GetStatus: {} }]);

describe('TestDatabase authentication', () => {
  it('grants a session for the right password and serves queries with its token', () => {
    const database = new TestDatabase();
    const grant = login(database);
    expect(grant).toEqual({
      status: 0,
      session_token: expect.stringMatching(/^adbs_[A-Za-z0-9]{35}$/),
      session_token_expires_in: 36000,
      refresh_token: expect.stringMatching(/^adbr_[A-Za-z0-9]{35}$/),
      refresh_token_expires_in: 360000,
    });
    expect(send(database, [{ AddEntity: { class: 'Person' } }], grant.session_token)).toEqual([
      { AddEntity: { status: 0 } },
    ]);
  });

  it('answers a wrong password inside the Authenticate array, without a grant', () => {
    const database = new TestDatabase();
    expect(send(database, [{ Authenticate: { username: 'admin', password: 'nope' } }])).toEqual([
      { Authenticate: { status: -1, info: expect.any(String) } },
    ]);
    expect(database.sessions.stats().authenticateFailures).toBe(1);
  });

  it('answers a query without, with an unknown or with an expired token with the exact Not Authenticated text', () => {
    const clock = manualClock();
    const database = new TestDatabase({ clock, sessionTtlSeconds: 60 });
    expect(database.handle({ json: STATUS_QUERY, blobs: [], token: '' }).json).toBe(NOT_AUTHENTICATED_TEXT);
    expect(database.handle({ json: STATUS_QUERY, blobs: [], token: 'adbs_unknown' }).json).toBe(
      NOT_AUTHENTICATED_TEXT,
    );
    const { session_token } = login(database);
    expect(send(database, [{ GetStatus: {} }], session_token)).toEqual([
      { GetStatus: expect.objectContaining({ status: 0 }) },
    ]);
    clock.advanceSeconds(60);
    expect(database.handle({ json: STATUS_QUERY, blobs: [], token: session_token }).json).toBe(
      NOT_AUTHENTICATED_TEXT,
    );
  });

  it('rotates both tokens on RefreshToken, even when field 3 carries the expired session token', () => {
    const clock = manualClock();
    const database = new TestDatabase({ clock });
    database.setSessionTtls({ sessionSeconds: 5 });
    const first = login(database);
    clock.advanceSeconds(10);
    const [reply] = send(
      database,
      [{ RefreshToken: { refresh_token: first.refresh_token } }],
      first.session_token,
    ) as [
      {
        RefreshToken: {
          status: number;
          session_token: string;
          refresh_token: string;
          session_token_expires_in: number;
        };
      },
    ];
    expect(reply.RefreshToken.status).toBe(0);
    expect(reply.RefreshToken.session_token_expires_in).toBe(5);
    expect(reply.RefreshToken.session_token).not.toBe(first.session_token);
    expect(reply.RefreshToken.refresh_token).not.toBe(first.refresh_token);
    expect(send(database, [{ GetStatus: {} }], reply.RefreshToken.session_token)).toEqual([
      { GetStatus: expect.objectContaining({ status: 0 }) },
    ]);
    // The rotated-away refresh token is dead.
    expect(send(database, [{ RefreshToken: { refresh_token: first.refresh_token } }])).toEqual([
      { RefreshToken: { info: 'Invalid Session', status: -1 } },
    ]);
  });

  it('forgets every session on forgetAllSessions, keeping the data', () => {
    const database = new TestDatabase();
    const { session_token } = login(database);
    send(database, [{ AddEntity: { class: 'Kept' } }], session_token);
    database.forgetAllSessions();
    expect(database.handle({ json: STATUS_QUERY, blobs: [], token: session_token }).json).toBe(
      NOT_AUTHENTICATED_TEXT,
    );
    const fresh = login(database).session_token;
    expect(send(database, [{ FindEntity: { with_class: 'Kept', results: { count: true } } }], fresh)).toEqual(
      [{ FindEntity: { status: 0, returned: 0, count: 1 } }],
    );
  });

  it('authenticates with an API token made by GenerateToken and attached by UpdateUser', () => {
    const database = new TestDatabase({ users: [{ username: 'ada', password: 'pw' }] });
    const { session_token } = login(database, { username: 'ada', password: 'pw' });
    const [generated] = send(database, [{ GenerateToken: {} }], session_token) as [
      { GenerateToken: { status: number; token: string } },
    ];
    const apiToken = generated.GenerateToken.token;
    expect(apiToken).toMatch(/^adbp_/);
    // Not attached yet: refused.
    expect(login(database, { token: apiToken }).status).toBe(-1);
    expect(
      send(database, [{ UpdateUser: { username: 'ada', add_tokens: [apiToken] } }], session_token),
    ).toEqual([{ UpdateUser: { status: 0 } }]);
    for (const credentials of [
      { token: apiToken },
      { username: '', token: apiToken },
      { username: 'ada', token: apiToken },
    ]) {
      const grant = login(database, credentials);
      expect(grant.status).toBe(0);
      expect(send(database, [{ GetStatus: {} }], grant.session_token)).toEqual([
        { GetStatus: expect.objectContaining({ status: 0 }) },
      ]);
    }
    send(database, [{ UpdateUser: { username: 'ada', remove_tokens: [apiToken] } }], session_token);
    expect(login(database, { token: apiToken }).status).toBe(-1);
  });

  it('needs a session for GenerateToken and UpdateUser', () => {
    const database = new TestDatabase();
    expect(
      database.handle({ json: JSON.stringify([{ GenerateToken: {} }]), blobs: [], token: '' }).json,
    ).toBe(NOT_AUTHENTICATED_TEXT);
  });

  it('accepts every query without a token when authentication is off', () => {
    const database = new TestDatabase({ authentication: false });
    expect(send(database, [{ AddEntity: { class: 'A' } }])).toEqual([{ AddEntity: { status: 0 } }]);
    expect(database.sessions.stats().rejectedChecks).toBe(0);
  });

  it('refuses a query mixing Authenticate with other commands, and reports malformed JSON', () => {
    const database = new TestDatabase();
    const { session_token } = login(database);
    expect(
      send(
        database,
        [{ Authenticate: { username: 'admin', password: 'admin' } }, { GetStatus: {} }],
        session_token,
      ),
    ).toEqual({ status: -1, info: expect.stringContaining('Authenticate') });
    expect(JSON.parse(database.handle({ json: '[{', blobs: [], token: session_token }).json)).toEqual({
      status: -1,
      info: expect.stringContaining('JSON'),
    });
  });
});
