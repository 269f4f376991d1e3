// Fixes from a correctness audit: a single result the server sent before closing the socket is
// the call's answer, and a missing query is refused with a typed error rather than a TypeError.
import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import type { ZTeraDBQueryInput } from '../../src/query-plan.js';
import { ZTeraDBQuery } from '../../src/zql/index.js';
import { useZTeraDB } from '../support/harness.js';

const { startServer, clientOf } = useZTeraDB();

describe('ZTeraDBClient audit fixes', () => {
  it('an insert whose result arrived before the server closed the socket resolves with that result; the pool recovers', async () => {
    const server = await startServer();
    const client = clientOf(server);
    // The server writes the insert's result frame, then closes instead of sending QUERY_COMPLETE.
    server.fault({ kind: 'drop-after-frames', frames: 1, times: 1 });

    const { lastInsertId } = await client.insert(
      ZTeraDBQuery('user').insert().fields({ email: 'new@example.com', status: true }),
    );

    expect(lastInsertId).toBeDefined();
    // The row is there exactly once: a caller that retried a "may have executed" error would double it.
    expect(await client.count(ZTeraDBQuery('user').count().filter({ email: 'new@example.com' }))).toBe(1);
    expect(client.stats().leased).toBe(0);
  });

  it('a count whose result arrived before the server closed the socket resolves with it', async () => {
    const server = await startServer();
    const client = clientOf(server);
    server.fault({ kind: 'drop-after-frames', frames: 1, times: 1 });

    expect(await client.count(ZTeraDBQuery('user').count())).toBe(3);
  });

  it('an answer cut off before its result still fails with a ConnectionError that may have executed', async () => {
    const server = await startServer();
    const client = clientOf(server);
    server.fault({ kind: 'drop-after-frames', frames: 0, times: 1 });

    const error = await client
      .insert(ZTeraDBQuery('user').insert().fields({ email: 'lost@example.com' }))
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: 'CONN_CONNECTION_CLOSED', details: { mayHaveExecuted: true } });
  });

  it.each([null, undefined])(
    'refuses a %s query with ConfigError CONN_ZTERADB_QUERY, not a TypeError',
    async (query) => {
      const server = await startServer();
      const client = clientOf(server);
      const missing = query as unknown as ZTeraDBQueryInput;

      expect(() => client.run(missing)).toThrow(ConfigError);
      expect(() => client.run(missing)).toThrow(expect.objectContaining({ code: 'CONN_ZTERADB_QUERY' }));
      for (const call of [
        client.count(missing),
        client.insert(missing),
        client.update(missing),
        client.delete(missing),
      ]) {
        await expect(call).rejects.toMatchObject({ name: 'ConfigError', code: 'CONN_ZTERADB_QUERY' });
      }
      expect(server.queryCount).toBe(0);
    },
  );
});
