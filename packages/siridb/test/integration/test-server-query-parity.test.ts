// The test server answers as a real SiriDB 2.0.55 does: malformed inserts, names and values with
// NUL, the order of merged points of equal time, and syntax errors with the server's position and
// vocabulary. Every expectation was observed on a real server; real-server-query-parity.test.ts
// runs the same cases against one.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';
import { type RawAnswer, RawClient } from '../../src/testing/raw-client.js';
import {
  DEPTH_ERROR_CASES,
  INSERT_CASES,
  MERGE_STEPS,
  NUL_QUERY_CASES,
  TS,
  UNANSWERED_INSERT,
} from '../fixtures/query-parity-cases.js';
import { SYNTAX_ERROR_CASES } from '../fixtures/syntax-error-cases.js';

const servers: SiriDBTestServer[] = [];
const clients: RawClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A connection to a new server, so series ids start at 1. */
async function open(): Promise<RawClient> {
  const server = await startSiriDBTestServer({ databases: [{ name: 'dbtest', timePrecision: 's' }] });
  servers.push(server);
  const client = await RawClient.connect(server.port);
  clients.push(client);
  expect(await client.auth()).toBe(2);
  return client;
}

function errorMessage(answer: RawAnswer): string {
  return (answer.data as { error_msg: string }).error_msg;
}

/** Length of each named series, 0 for one that does not exist. */
async function lengths(client: RawClient, names: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of names) {
    const answer = await client.query(`list series name, length "${name}"`);
    const rows = (answer.data as { series: [string, number][] }).series;
    out[name] = rows[0]?.[1] ?? 0;
  }
  return out;
}

describe('test server inserts as the real server reads them', () => {
  it.each(INSERT_CASES.map((entry) => [entry.title, entry] as const))('%s', async (_title, entry) => {
    const client = await open();
    const answer = await client.insert(entry.payload(''));
    expect([
      answer.type,
      (answer.data as Record<string, string>)[answer.type === 1 ? 'success_msg' : 'error_msg'],
    ]).toEqual(entry.answer);
    expect(await lengths(client, Object.keys(entry.stored))).toEqual(entry.stored);
  });

  it('stores the series before a name starting with NUL, not the rest, and never answers', async () => {
    const client = await open();
    const pid = client.send(1, UNANSWERED_INSERT.payload(''));
    // answers on one connection come in order: the next answer shows the first never came
    expect((await client.insert({ later: [[TS, 1]] })).type).toBe(1);
    expect(client.pending.map((pkg) => pkg.pid)).not.toContain(pid);
    expect(await lengths(client, [...Object.keys(UNANSWERED_INSERT.stored), ''])).toEqual({
      ...UNANSWERED_INSERT.stored,
      '': 0,
    });
  });

  it('cuts names and string values at a NUL, and a query at its NUL', async () => {
    const client = await open();
    expect((await client.insert(NUL_QUERY_CASES.insert(''))).type).toBe(1);
    for (const [query, data] of NUL_QUERY_CASES.queries) {
      const answer = await client.query(query.replaceAll('{prefix}', ''));
      if (typeof data === 'number') expect(answer.type).toBe(data);
      else
        expect(JSON.parse(JSON.stringify(answer.data)), query).toEqual(
          JSON.parse(JSON.stringify(data).replaceAll('{prefix}', '')),
        );
    }
  });
});

describe('test server merges points of equal time in the real server order', () => {
  it('follows the merge steps', async () => {
    const client = await open();
    for (const step of MERGE_STEPS) {
      if ('insert' in step) expect((await client.insert(step.insert)).type).toBe(1);
      else
        expect(await client.query(step.query).then((answer) => answer.data), step.query).toEqual(step.data);
    }
  });
});

describe('test server syntax errors as the real server words them', () => {
  let server: SiriDBTestServer;
  let client: RawClient;
  beforeAll(async () => {
    server = await startSiriDBTestServer({ databases: [{ name: 'dbtest', timePrecision: 's' }] });
    client = await RawClient.connect(server.port);
    expect(await client.auth()).toBe(2);
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it.each(SYNTAX_ERROR_CASES)('%j', async (query, message) => {
    const answer = await client.query(query);
    expect(answer.type).toBe(65);
    expect(errorMessage(answer)).toBe(message);
  });

  it.each(DEPTH_ERROR_CASES)('%s', async (_title, query, message) => {
    const answer = await client.query(query);
    expect(answer.type).toBe(65);
    expect(errorMessage(answer)).toBe(message);
  });
});
