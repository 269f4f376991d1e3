import { describe, expect, it } from 'vitest';
import { SessionStore } from '../../src/testing/auth/index.js';

function store() {
  return new SessionStore({
    users: [
      { username: 'admin', password: 'admin' },
      { username: 'bob', password: 'bob' },
    ],
  });
}

function generate(sessions: SessionStore): string {
  const reply = sessions.generateToken();
  expect(reply.status).toBe(0);
  expect(reply.token).toMatch(/^adbp_[A-Za-z0-9]{35}$/);
  return reply.token;
}

describe('GenerateToken and UpdateUser', () => {
  it('a generated token authenticates only once UpdateUser attached it', () => {
    const sessions = store();
    const token = generate(sessions);
    expect(sessions.authenticate({ token }).status).toBe(-1);
    expect(sessions.updateUser({ username: 'admin', add_tokens: [token] })).toEqual({ status: 0 });
    expect(sessions.authenticate({ token })).toMatchObject({ status: 0 });
    expect(sessions.users.tokensOf('admin')).toEqual([token]);
  });

  it('remove_tokens detaches a token so it no longer authenticates', () => {
    const sessions = store();
    const token = generate(sessions);
    sessions.updateUser({ username: 'admin', add_tokens: [token] });
    expect(sessions.updateUser({ username: 'admin', remove_tokens: [token] })).toEqual({ status: 0 });
    expect(sessions.authenticate({ token }).status).toBe(-1);
  });

  it('mints distinct tokens', () => {
    const sessions = store();
    const tokens = new Set(Array.from({ length: 200 }, () => generate(sessions)));
    expect(tokens.size).toBe(200);
  });

  it('refuses, changing nothing, tokens never generated or owned by another user, and unknown users', () => {
    const sessions = store();
    const bobs = generate(sessions);
    sessions.updateUser({ username: 'bob', add_tokens: [bobs] });
    const fresh = generate(sessions);
    expect(sessions.updateUser({ username: 'admin', add_tokens: [fresh, bobs] })).toMatchObject({
      status: -1,
    });
    expect(sessions.updateUser({ username: 'admin', add_tokens: [`adbp_${'Z'.repeat(35)}`] })).toMatchObject({
      status: -1,
    });
    expect(sessions.updateUser({ username: 'nobody', add_tokens: [fresh] })).toEqual({
      status: -1,
      info: 'User not found',
    });
    expect(sessions.updateUser({ username: 'admin', add_tokens: 'not-a-list' })).toMatchObject({
      status: -1,
    });
    expect(sessions.users.tokensOf('admin')).toEqual([]);
    expect(sessions.authenticate({ token: fresh }).status).toBe(-1);
    expect(sessions.authenticate({ token: bobs })).toMatchObject({ status: 0 });
  });
});
