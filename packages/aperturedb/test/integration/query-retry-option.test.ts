import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { ApertureDBClient } from '../../src/client.js';
import type { ApertureDBRetryMode } from '../../src/options.js';
import { ApertureDBRestClient } from '../../src/rest/index.js';
import { startApertureDBTestServer } from '../../src/testing/index.js';
import { harness } from '../support/client-harness.js';

const h = harness();
const write = [{ AddEntity: { class: 'RetryOption', properties: { name: 'x' } } }];
const count = [{ FindEntity: { with_class: 'RetryOption', results: { count: true } } }];
// Plain JavaScript callers (or a typo) get past the types.
const BAD_MODES: unknown[] = ['alwayss', 'ALWAYS', '', 5, true, null, {}];

describe('the retry option of one call', () => {
  it('query() rejects with ConfigError field retry for an unknown retry, sending and storing nothing', async () => {
    const server = await h.startServer();
    const client = h.clientOf(server);
    for (const retry of BAD_MODES) {
      const failure = client.query(write, [], { retry: retry as ApertureDBRetryMode });
      await expect(failure).rejects.toBeInstanceOf(ConfigError);
      await expect(failure).rejects.toMatchObject({ code: 'CONN_CONFIG', field: 'retry' });
    }
    expect(server.receivedMessages).toHaveLength(0);
    expect(server.acceptedCount).toBe(0);
    // The rejected writes ran nowhere: the class is still empty.
    const { response } = await client.query(count);
    expect(response).toEqual([{ FindEntity: { count: 0, returned: 0, status: 0 } }]);
  });

  it('query() still takes every known retry mode, and a call without one', async () => {
    const server = await h.startServer();
    const client = h.clientOf(server);
    for (const retry of ['safe', 'always', 'never', undefined] as const) {
      await client.query(write, [], { retry });
    }
    const { response } = await client.query(count);
    expect(response).toMatchObject([{ FindEntity: { count: 4, status: 0 } }]);
  });

  it('fromUrl() throws ConfigError field retry for an unknown ?retry=, before connecting', async () => {
    const server = await h.startServer();
    expect(server.url).toContain('?');
    let thrown: unknown;
    try {
      ApertureDBClient.fromUrl(`${server.url}&retry=alwayss`);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toMatchObject({ code: 'CONN_CONFIG', field: 'retry' });
    expect(server.acceptedCount).toBe(0);
    expect(server.receivedMessages).toHaveLength(0);
  });

  it("REST query() rejects with ConfigError field retry for 'always' or an unknown retry, sending and storing nothing", async () => {
    await using server = await startApertureDBTestServer({ rest: true });
    const url = `http://127.0.0.1:${server.restPort as number}/api/`;
    await using db = new ApertureDBRestClient({ url, user: 'admin', password: 'admin' });
    // The REST client resends at most once and never a write: 'always' is refused, as for the client.
    for (const retry of ['always', ...BAD_MODES]) {
      const failure = db.query(write, [], { retry: retry as 'safe' });
      await expect(failure).rejects.toBeInstanceOf(ConfigError);
      await expect(failure).rejects.toMatchObject({ code: 'CONN_CONFIG', field: 'retry' });
    }
    expect(server.receivedMessages).toHaveLength(0);
    await db.query(write, [], { retry: 'never' });
    await db.query(write, [], { retry: 'safe' });
    const { response } = await db.query(count);
    expect(response).toMatchObject([{ FindEntity: { count: 2, status: 0 } }]);
  });
});
