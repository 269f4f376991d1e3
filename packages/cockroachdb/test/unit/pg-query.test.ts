import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { sendQuery } from '../../src/pg-query.js';

interface Submitted {
  text: string;
  values: unknown[];
  name?: string;
  queryMode?: string;
  callback?: (error: Error | null, result: unknown) => void;
}

/** A client that records what it is handed and answers it the way pg calls a query back. */
function recordingClient(answer: (query: Submitted) => [Error | null, unknown]): {
  client: pg.Client;
  handed: unknown[];
} {
  const handed: unknown[] = [];
  const client = {
    query(query: Submitted) {
      handed.push(query);
      if (typeof (query as { submit?: unknown }).submit !== 'function') return Promise.resolve('config path');
      const [error, result] = answer(query);
      query.callback?.(error, result);
      return undefined;
    },
  };
  return { client: client as unknown as pg.Client, handed };
}

describe('sendQuery', () => {
  it('hands pg a query object carrying the text, values, statement name and mode', async () => {
    const { client, handed } = recordingClient((query) => [null, { rows: [query.text] }]);
    const result = await sendQuery(client, {
      text: 'SELECT $1::int AS x',
      values: [7],
      name: 'conn_3',
      queryMode: 'extended',
    });
    expect(result).toEqual({ rows: ['SELECT $1::int AS x'] });
    expect(handed).toHaveLength(1);
    expect(handed[0]).toMatchObject({
      text: 'SELECT $1::int AS x',
      values: [7],
      name: 'conn_3',
      queryMode: 'extended',
    });
  });

  it('leaves name and mode unset when the statement has none (unnamed, pg picks the protocol)', async () => {
    const { client, handed } = recordingClient(() => [null, { rows: [] }]);
    await sendQuery(client, { text: 'SELECT 1' });
    expect(handed[0]).toMatchObject({ text: 'SELECT 1', values: [], name: undefined, queryMode: undefined });
  });

  it('rejects with the error pg calls back with', async () => {
    const failure = new Error('relation does not exist');
    const { client } = recordingClient(() => [failure, undefined]);
    await expect(sendQuery(client, { text: 'SELECT * FROM missing' })).rejects.toBe(failure);
  });

  it('gives a statement with a rowMode to pg as a config object (the mode shapes the result pg builds)', async () => {
    const { client, handed } = recordingClient(() => [null, undefined]);
    const config = { text: 'SELECT 1', rowMode: 'array' as const };
    expect(await sendQuery(client, config)).toBe('config path');
    expect(handed[0]).toBe(config);
  });
});
