import diagnosticsChannel from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { E6DataStrategyError } from '../../src/errors.js';
import type { E6DataCall } from '../../src/testing/index.js';
import { type ClientAndServer, rejectionOf, startClientAndServer } from '../support/client-server.js';

let env: ClientAndServer | undefined;
const unsubscribes: (() => void)[] = [];

afterEach(async () => {
  for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
  await env?.close();
  env = undefined;
});

interface StrategyEvent {
  readonly event: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly reason: string;
}

/** Records what the client publishes on `conn:e6data:strategy:*`. */
function recordStrategyEvents(): StrategyEvent[] {
  const events: StrategyEvent[] = [];
  for (const event of ['detected', 'refused', 'announced', 'switch']) {
    const name = `conn:e6data:strategy:${event}`;
    const listener = (message: unknown): void => {
      events.push({ event, ...(message as Omit<StrategyEvent, 'event'>) });
    };
    diagnosticsChannel.subscribe(name, listener);
    unsubscribes.push(() => diagnosticsChannel.unsubscribe(name, listener));
  }
  return events;
}

const strategiesOf = (calls: readonly E6DataCall[], method: string): (string | undefined)[] =>
  calls.filter((call) => call.method === method).map((call) => call.metadata.strategy);

describe('E6DataClient: blue-green strategy', () => {
  it('detects green when blue is refused with 456 before the first query', async () => {
    env = await startClientAndServer();
    const events = recordStrategyEvents();
    const { client, server } = env;
    server.switchStrategy('green');
    const { rows } = await client.query('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
    expect(strategiesOf(server.calls, 'authenticate')).toEqual(['blue', 'green']);
    expect(client.stats().strategy).toBe('green');
    const afterAuth = server.calls.slice(
      server.calls.findIndex((call) => call.method === 'prepareStatementV2'),
    );
    expect(afterAuth.length).toBeGreaterThan(0);
    expect(afterAuth.every((call) => call.metadata.strategy === 'green')).toBe(true);
    expect(events).toContainEqual({
      event: 'detected',
      from: undefined,
      to: 'green',
      reason: 'authentication',
    });
  });

  it('lets a cursor finish on blue after green is announced, then sends the next query on green', async () => {
    env = await startClientAndServer({ batchRows: 3 });
    const events = recordStrategyEvents();
    const { client, server } = env;
    const cursor = client.cursor<{ n: number }>('SELECT x AS n FROM range(10) t(x) ORDER BY x');
    expect(await cursor.fetchOne()).toEqual({ n: 0 });
    const queryId = cursor.queryId as string;
    server.announceStrategy('green');
    // The next batch's answer carries the announcement; the switch waits for the query to end.
    expect((await cursor.fetchMany(3)).map((row) => row.n)).toEqual([1, 2, 3]);
    expect(client.stats().pendingStrategy).toBe('green');
    expect(client.stats().strategy).toBe('blue');
    server.switchStrategy('green');
    const rest = await cursor.fetchAll();
    expect(rest.map((row) => row.n)).toEqual([4, 5, 6, 7, 8, 9]);
    await cursor.close();
    // Every call of that query went out with blue (and the server served them there).
    const ofQuery = server.calls.filter((call) => call.request?.queryId === queryId);
    expect(ofQuery.length).toBeGreaterThan(4);
    expect(new Set(ofQuery.map((call) => call.metadata.strategy))).toEqual(new Set(['blue']));
    expect(client.stats().strategy).toBe('green');
    expect(client.stats().pendingStrategy).toBeUndefined();
    const mark = server.calls.length;
    const { rows } = await client.query('SELECT 2 AS two');
    expect(rows).toEqual([{ two: 2 }]);
    const later = server.calls.slice(mark);
    expect(later.map((call) => call.method)).toContain('authenticate');
    expect(new Set(later.map((call) => call.metadata.strategy))).toEqual(new Set(['green']));
    expect(events).toContainEqual({ event: 'announced', from: 'blue', to: 'green', reason: 'new_strategy' });
    expect(events).toContainEqual({ event: 'switch', from: 'blue', to: 'green', reason: 'query-boundary' });
  });

  it('gives up with E6DataStrategyError after a bounded number of tries in a 456 storm', async () => {
    env = await startClientAndServer();
    const { client, server } = env;
    server.fault({ kind: 'http-status', status: 456 });
    const error = await rejectionOf(client.query('SELECT 1', undefined, { timeoutMs: 30_000 }));
    expect(error).toBeInstanceOf(E6DataStrategyError);
    expect((error as E6DataStrategyError).code).toBe('CONN_E6DATA_STRATEGY_SWITCH');
    expect((error as E6DataStrategyError).serverCode).toBe(456);
    // Both strategies tried, then the client stopped (no loop until the deadline).
    expect(strategiesOf(server.calls, 'authenticate')).toEqual(['blue', 'green']);
    expect(server.callCount('prepareStatementV2')).toBe(0);
  });

  it('gives up with E6DataStrategyError when a 456 storm starts after a session exists', async () => {
    env = await startClientAndServer();
    const { client, server } = env;
    await client.query('SELECT 1');
    server.fault({ kind: 'http-status', status: 456 });
    const error = await rejectionOf(client.query('SELECT 2', undefined, { timeoutMs: 30_000 }));
    expect(error).toBeInstanceOf(E6DataStrategyError);
    expect((error as E6DataStrategyError).code).toBe('CONN_E6DATA_STRATEGY_SWITCH');
    const authentications = server.callCount('authenticate');
    expect(authentications).toBeGreaterThan(1);
    expect(authentications).toBeLessThanOrEqual(1 + 2 * 5); // at most both strategies per attempt
  });
});
