// Session tokens: renewed before they expire (by the CONNECTED frame's expiry), and a session the
// server ended is replaced; reads are tried once more, writes are not.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ZTeraDBAuthenticationError } from '../../src/errors.js';
import type { ZTeraDBTestServer } from '../../src/testing/index.js';
import { ZTeraDBQuery } from '../../src/zql/index.js';
import { connectFrames, useZTeraDB } from '../support/harness.js';

const { startServer, clientOf: clientWith } = useZTeraDB();
afterEach(() => {
  vi.useRealTimers();
});

const clientOf = (server: ZTeraDBTestServer) => clientWith(server, { pool: { max: 1 } });

/** A server whose clock the test moves (the client's clock stays real). */
async function serverWithClock(tokenLifetimeSeconds: number) {
  let offsetSeconds = 0;
  const server = await startServer({
    tokenLifetimeSeconds,
    nowSeconds: () => Math.floor(Date.now() / 1000) + offsetSeconds,
  });
  return { server, advance: (seconds: number) => (offsetSeconds += seconds) };
}

describe('ZTeraDB sessions', () => {
  it('renews a token about to expire before using it: a fresh session, no query refused', async () => {
    const server = await startServer({ tokenLifetimeSeconds: 600 });
    const client = clientOf(server);
    expect(await client.count(ZTeraDBQuery('user').count())).toBe(3);
    expect(await client.count(ZTeraDBQuery('user').count())).toBe(3);
    expect(connectFrames(server)).toBe(1);

    // The client's clock (only Date) moves to 20 s before the token's expiry.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 580_000);
    expect(await client.count(ZTeraDBQuery('user').count())).toBe(3);
    expect(connectFrames(server)).toBe(2);
    expect(await client.count(ZTeraDBQuery('user').count())).toBe(3);
    expect(connectFrames(server)).toBe(2);
  });

  it('replaces a session the server ended and runs a count again on the fresh one', async () => {
    const { server, advance } = await serverWithClock(120);
    const client = clientOf(server);
    await client.connect();
    advance(121);
    expect(await client.count(ZTeraDBQuery('user').count())).toBe(3);
    expect(connectFrames(server)).toBe(2);
    await server.waitForConnectionCount(1);
  });

  it('runs a select again on a fresh session when the first answer was a session error', async () => {
    const server = await startServer();
    const client = clientOf(server);
    await client.connect();
    server.fault({ kind: 'server-error', code: 'TOKEN_EXPIRED', times: 1 });
    const rows = await client.run(ZTeraDBQuery<{ id: number }>('user').select().sort('id')).toArray();
    expect(rows.map((row) => row.id)).toEqual([1, 2, 3]);
    expect(connectFrames(server)).toBe(2);
  });

  it('does not send a write twice: the session error reaches the caller, the next write works', async () => {
    const { server, advance } = await serverWithClock(120);
    const client = clientOf(server);
    await client.connect();
    advance(121);
    const insert = () => client.insert(ZTeraDBQuery('user').insert().fields({ email: 'new@x.io' }));
    const error = await insert().catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ZTeraDBAuthenticationError);
    expect((error as ZTeraDBAuthenticationError).code).toBe('CONN_ZTERADB_SESSION_ENDED');
    expect((error as ZTeraDBAuthenticationError).retryable).toBe(true);
    expect(server.rows('DB1', 'user')).toHaveLength(3);

    expect((await insert()).lastInsertId).toBe(4);
    expect(server.rows('DB1', 'user')).toHaveLength(4);
    expect(connectFrames(server)).toBe(2);
  });
});
