// The one session a client's pool shares: refreshed once under load, re-authenticated once after a
// server restart, refused credentials failing at once without showing the password.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApertureDBAuthenticationError } from '../../src/errors.js';
import { harness, messagesWith } from '../support/client-harness.js';

const { startServer, clientOf } = harness();

afterEach(() => {
  vi.useRealTimers();
});

const status = [{ GetStatus: {} }] as const;

describe('ApertureDBClient sessions', () => {
  it.each([
    { when: 'inside the refresh window, still valid on the server', advanceMs: 1_500 },
    { when: 'past its expiry on both sides', advanceMs: 2_500 },
  ])(
    '100 concurrent queries when the token is $when: exactly one RefreshToken, none fails',
    async ({ advanceMs }) => {
      // The server's clock is Date.now, so faking Date (before the client reads its clock) moves both
      // sides together.
      vi.useFakeTimers({ toFake: ['Date'] });
      const server = await startServer({
        sessionTtlSeconds: 2,
        refreshTtlSeconds: 3_600,
        clock: { now: () => Date.now() },
      });
      const client = clientOf(server, { session: { refreshSkewMs: 1_000 }, pool: { max: 10 } });
      await client.connect();
      vi.setSystemTime(Date.now() + advanceMs);

      const results = await Promise.allSettled(Array.from({ length: 100 }, () => client.query(status)));
      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
      const stats = server.database.sessions.stats();
      expect(stats).toMatchObject({
        authenticateCalls: 1,
        refreshCalls: 1,
        refreshFailures: 0,
        rejectedChecks: 0,
      });
      expect(messagesWith(server, 'RefreshToken')).toBe(1);
      expect(client.stats().sessions).toEqual({ authenticate: 1, refresh: 1 });
      // Every query used the refreshed token: the first session's token was used by nothing else.
      expect([...stats.sessionUses.values()]).toEqual([100]);
    },
  );

  it.each([{ closeConnections: false }, { closeConnections: true }])(
    'after a server restart (closeConnections: $closeConnections) one re-authentication serves every query',
    async ({ closeConnections }) => {
      const server = await startServer();
      const client = clientOf(server, { pool: { max: 4 }, retryIntervalMs: 10 });
      await Promise.all(Array.from({ length: 4 }, () => client.query(status)));
      expect(server.database.sessions.stats().authenticateCalls).toBe(1);

      server.restart({ closeConnections });
      if (closeConnections) await server.waitForConnectionCount(0);
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.query(status)));
      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
      expect(server.database.sessions.stats().authenticateCalls).toBe(2);
      expect(client.stats().sessions).toEqual({ authenticate: 2, refresh: 0 });
      // The next write succeeds on the new session too.
      await client.query([{ AddEntity: { class: 'After', properties: { n: 1 } } }]);
      expect(server.database.sessions.stats().authenticateCalls).toBe(2);
    },
  );

  it('a wrong password fails at once with ApertureDBAuthenticationError; the password shows nowhere', async () => {
    const server = await startServer();
    const wrong = `wr0ng-${Math.random().toString(36).slice(2)}`;
    const client = clientOf(server, { password: wrong });
    const error = await client.query(status, [], { timeoutMs: 3_600_000 }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ApertureDBAuthenticationError);
    expect((error as ApertureDBAuthenticationError).retryable).toBe(false);
    // One Authenticate, never sent again, and the query itself never sent.
    expect(messagesWith(server, 'Authenticate')).toBe(1);
    expect(messagesWith(server, 'GetStatus')).toBe(0);
    for (const shown of [
      String(error),
      JSON.stringify(error),
      inspect(error, { depth: 8 }),
      inspect(client, { depth: 8 }),
      JSON.stringify(client),
    ]) {
      expect(shown).not.toContain(wrong);
    }
  });
});
