import { describe, expect, it } from 'vitest';
import {
  INVALID_SESSION,
  NOT_AUTHENTICATED,
  type SessionGrant,
  SessionStore,
} from '../../src/testing/auth/index.js';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advanceSeconds(seconds: number): void {
      now += seconds * 1000;
    },
  };
}

const API_TOKEN = `adbp_${'A'.repeat(35)}`;

function store(clock = manualClock(), ttls: { sessionTtlSeconds?: number; refreshTtlSeconds?: number } = {}) {
  return new SessionStore({
    clock,
    ...ttls,
    users: [{ username: 'admin', password: 'admin', tokens: [API_TOKEN] }],
  });
}

function granted(reply: unknown): SessionGrant {
  expect(reply).toMatchObject({ status: 0 });
  return reply as SessionGrant;
}

describe('SessionStore.authenticate', () => {
  it('answers a password login with the exact success shape and key order', () => {
    const reply = granted(store().authenticate({ username: 'admin', password: 'admin' }));
    expect(Object.keys(reply)).toEqual([
      'status',
      'session_token',
      'session_token_expires_in',
      'refresh_token',
      'refresh_token_expires_in',
    ]);
    expect(reply.session_token).toMatch(/^adbs_[A-Za-z0-9]{35}$/);
    expect(reply.refresh_token).toMatch(/^adbr_[A-Za-z0-9]{35}$/);
    expect(reply.session_token_expires_in).toBe(36000);
    expect(reply.refresh_token_expires_in).toBe(360000);
  });

  it('accepts an API token with the username absent, empty or naming the owner', () => {
    const sessions = store();
    for (const command of [
      { token: API_TOKEN },
      { username: '', token: API_TOKEN },
      { username: 'admin', token: API_TOKEN },
    ]) {
      const reply = granted(sessions.authenticate(command));
      expect(sessions.check(reply.session_token)).toEqual({ valid: true, username: 'admin' });
    }
  });

  it('refuses bad credentials with status -1 and an info that does not echo the secret', () => {
    const sessions = new SessionStore({
      users: [
        { username: 'admin', password: 'admin', tokens: [API_TOKEN] },
        { username: 'other', password: 'pw' },
      ],
    });
    const refusals = [
      { username: 'admin', password: 'wrong-secret' },
      { username: 'nobody', password: 'admin' },
      { token: 'adbp_unknown-secret' },
      { username: 'other', token: API_TOKEN },
      { username: 'admin', password: 'admin', token: API_TOKEN },
      { password: 'admin' },
      {},
    ];
    for (const command of refusals) {
      const reply = sessions.authenticate(command);
      expect(reply).toEqual({ status: -1, info: expect.any(String) });
      expect(JSON.stringify(reply)).not.toMatch(/secret|AAAA/);
    }
    expect(sessions.stats()).toMatchObject({
      authenticateCalls: refusals.length,
      authenticateFailures: refusals.length,
    });
  });

  it('uses configured TTLs and expires the session exactly at the TTL boundary', () => {
    const clock = manualClock();
    const sessions = store(clock, { sessionTtlSeconds: 5, refreshTtlSeconds: 50 });
    const reply = granted(sessions.authenticate({ username: 'admin', password: 'admin' }));
    expect(reply.session_token_expires_in).toBe(5);
    expect(reply.refresh_token_expires_in).toBe(50);
    clock.advanceSeconds(4.999);
    expect(sessions.check(reply.session_token).valid).toBe(true);
    clock.advanceSeconds(0.001);
    expect(sessions.check(reply.session_token)).toEqual({ valid: false, reason: 'expired' });
  });
});

describe('SessionStore sessions', () => {
  it('keeps sessions global: any number of checks of one token succeed and are recorded', () => {
    const sessions = store();
    const a = granted(sessions.authenticate({ username: 'admin', password: 'admin' }));
    const b = granted(sessions.authenticate({ token: API_TOKEN }));
    sessions.check(a.session_token);
    sessions.check(b.session_token);
    sessions.check(a.session_token);
    expect([...sessions.stats().sessionUses]).toEqual([
      [a.session_token, 2],
      [b.session_token, 1],
    ]);
  });

  it('rejects missing and unknown tokens', () => {
    const sessions = store();
    expect(sessions.check(undefined)).toEqual({ valid: false, reason: 'missing' });
    expect(sessions.check('')).toEqual({ valid: false, reason: 'missing' });
    expect(sessions.check(`adbs_${'x'.repeat(35)}`)).toEqual({ valid: false, reason: 'unknown' });
    expect(sessions.stats().rejectedChecks).toBe(3);
  });

  it('forgets every session and refresh token on forgetAll, but keeps users and API tokens', () => {
    const sessions = store();
    const reply = granted(sessions.authenticate({ username: 'admin', password: 'admin' }));
    sessions.forgetAll();
    expect(sessions.check(reply.session_token)).toEqual({ valid: false, reason: 'unknown' });
    expect(sessions.refresh({ refresh_token: reply.refresh_token })).toBe(INVALID_SESSION);
    granted(sessions.authenticate({ token: API_TOKEN }));
  });

  it('exports the exact top-level Not Authenticated reply', () => {
    expect(JSON.stringify(NOT_AUTHENTICATED)).toBe('{"info":"Not Authenticated!","status":-1}');
    expect(Object.isFrozen(NOT_AUTHENTICATED)).toBe(true);
  });
});

describe('SessionStore.refresh', () => {
  it('rotates both tokens; the old refresh and old session tokens stop working', () => {
    const sessions = store();
    const first = granted(sessions.authenticate({ username: 'admin', password: 'admin' }));
    const second = granted(sessions.refresh({ refresh_token: first.refresh_token }));
    expect(second.session_token).not.toBe(first.session_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(sessions.check(second.session_token)).toEqual({ valid: true, username: 'admin' });
    expect(sessions.check(first.session_token)).toEqual({ valid: false, reason: 'unknown' });
    expect(sessions.refresh({ refresh_token: first.refresh_token })).toBe(INVALID_SESSION);
    expect(sessions.stats()).toMatchObject({ refreshCalls: 2, refreshFailures: 1 });
  });

  it('works after the session expired and extends the refresh TTL', () => {
    const clock = manualClock();
    const sessions = store(clock, { sessionTtlSeconds: 10, refreshTtlSeconds: 100 });
    let grant = granted(sessions.authenticate({ username: 'admin', password: 'admin' }));
    // Three refreshes 60 s apart reach t=180 s, beyond the first refresh token's 100 s.
    for (let i = 0; i < 3; i++) {
      clock.advanceSeconds(60);
      expect(sessions.check(grant.session_token).valid).toBe(false);
      grant = granted(sessions.refresh({ refresh_token: grant.refresh_token }));
      expect(sessions.check(grant.session_token).valid).toBe(true);
    }
  });

  it('answers Invalid Session, in the observed key order, for an expired or malformed refresh token', () => {
    const clock = manualClock();
    const sessions = store(clock, { refreshTtlSeconds: 100 });
    const grant = granted(sessions.authenticate({ username: 'admin', password: 'admin' }));
    clock.advanceSeconds(100);
    const reply = sessions.refresh({ refresh_token: grant.refresh_token });
    expect(JSON.stringify(reply)).toBe('{"info":"Invalid Session","status":-1}');
    expect(sessions.refresh({})).toBe(INVALID_SESSION);
    expect(sessions.refresh({ refresh_token: 42 })).toBe(INVALID_SESSION);
  });

  it('issues later tokens with TTLs changed by setTtls', () => {
    const sessions = store();
    sessions.setTtls({ sessionSeconds: 2 });
    const reply = granted(sessions.authenticate({ username: 'admin', password: 'admin' }));
    expect([reply.session_token_expires_in, reply.refresh_token_expires_in]).toEqual([2, 360000]);
  });
});
