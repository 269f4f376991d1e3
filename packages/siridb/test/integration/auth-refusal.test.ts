// A refused login (wrong password, unknown database) is permanent: every call fails with it at
// once, not at its deadline. With several hosts, the calls go to the hosts that accept; they fail
// at once only when every host refused.
import { type ConnError, TimeoutError } from '@conn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SiriDBAuthenticationError, SiriDBClient, type SiriDBClientOptions } from '../../src/index.js';
import { type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';

const servers: SiriDBTestServer[] = [];
const clients: SiriDBClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close({ timeoutMs: 0 })));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const WRONG_PASSWORD = 'not-the-password-7f3a';
/** Long enough that a call waiting for its deadline would fail the test by its own timeout first. */
const DEADLINE_MS = 60_000;

async function server(password = 'siri'): Promise<SiriDBTestServer> {
  const started = await startSiriDBTestServer({
    databases: [{ name: 'dbtest', users: [{ username: 'iris', password }] }],
  });
  servers.push(started);
  return started;
}

function client(
  targets: readonly SiriDBTestServer[],
  options: Partial<SiriDBClientOptions> = {},
): SiriDBClient {
  const created = new SiriDBClient({
    username: 'iris',
    password: 'siri',
    dbname: 'dbtest',
    hostlist: targets.map((target) => ({ host: target.host, port: target.port })),
    ...options,
  });
  clients.push(created);
  return created;
}

/** Every public call that needs a login, each given the same long deadline. */
const calls: readonly [string, (db: SiriDBClient) => Promise<unknown>][] = [
  ['query()', (db) => db.query('show version', { timeoutMs: DEADLINE_MS })],
  ['insert()', (db) => db.insert({ a: [[1, 1]] }, { timeoutMs: DEADLINE_MS })],
  ['insertMany()', (db) => db.insertMany({ a: [[1, 1]] }, { timeoutMs: DEADLINE_MS })],
  ['ping()', (db) => db.ping({ timeoutMs: DEADLINE_MS })],
];

function rejection(promise: Promise<unknown>): Promise<ConnError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as ConnError,
  );
}

describe.each(calls)('%s with a refused login (test server)', (_name, call) => {
  it('a wrong password fails at once with SiriDBAuthenticationError, the password nowhere', async () => {
    const target = await server();
    const error = await rejection(call(client([target], { password: WRONG_PASSWORD })));
    expect(error).toBeInstanceOf(SiriDBAuthenticationError);
    expect(error.code).toBe('CONN_SIRIDB_AUTH_FAILED');
    expect(error.message).not.toContain(WRONG_PASSWORD);
    expect(JSON.stringify(error)).not.toContain(WRONG_PASSWORD);
    expect(target.requestCounts['query'] ?? 0).toBe(0);
    expect(target.requestCounts['insert'] ?? 0).toBe(0);
  });

  it('an unknown database fails at once with CONN_SIRIDB_UNKNOWN_DATABASE', async () => {
    const target = await server();
    const error = await rejection(call(client([target], { dbname: 'nosuchdb' })));
    expect(error).toBeInstanceOf(SiriDBAuthenticationError);
    expect(error.code).toBe('CONN_SIRIDB_UNKNOWN_DATABASE');
  });

  it('every host refusing fails at once', async () => {
    const first = await server('other');
    const second = await server('other');
    const error = await rejection(call(client([first, second])));
    expect(error).toBeInstanceOf(SiriDBAuthenticationError);
    expect(error.code).toBe('CONN_SIRIDB_AUTH_FAILED');
  });

  it('one of two hosts refusing: the call goes to the other; the refusing host says why in hosts', async () => {
    const accepting = await server();
    const refusing = await server('other');
    const db = client([refusing, accepting]);
    await db.connect();
    await expect(call(db)).resolves.toBeDefined();
    expect(db.hosts[0]?.lastError).toBeInstanceOf(SiriDBAuthenticationError);
    expect(db.hosts[0]?.connected).toBe(false);
    expect(db.hosts[1]?.connected).toBe(true);
    expect((refusing.requestCounts['query'] ?? 0) + (refusing.requestCounts['insert'] ?? 0)).toBe(0);
  });
});

describe('one host refusing and the other unreachable (test server)', () => {
  it('waits for the unreachable host until the deadline: a TimeoutError naming both failures', async () => {
    const refusing = await server('other');
    const gone = await server();
    await gone.close();
    const db = client([refusing, gone]);
    const error = await rejection(db.query('show version', { timeoutMs: 300 }));
    // Not every host refused: the unreachable one may come back, so the call waits for it.
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toContain(`${refusing.port} CONN_SIRIDB_AUTH_FAILED: Invalid credentials`);
    expect(error.message).toContain(`${gone.port} CONN_CONNECTION_FAILED`);
  });
});
