import diagnosticsChannel from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { E6DataClusterUnavailableError } from '../../src/errors.js';
import { type ClientAndServer, rejectionOf, startClientAndServer } from '../support/client-server.js';

let env: ClientAndServer | undefined;

afterEach(async () => {
  await env?.close();
  env = undefined;
});

const CLUSTER_METHODS = new Set(['clusterStatus', 'clusterResume', 'clusterSuspend']);

describe('E6DataClient: auto-resume of a suspended cluster', () => {
  it('resumes the cluster through ClusterService and then runs the query', async () => {
    env = await startClientAndServer({ client: { resumePollIntervalMs: 10 } });
    const { client, server } = env;
    const statuses: string[] = [];
    const onStatus = (message: unknown): void => {
      statuses.push((message as { status: string }).status);
    };
    diagnosticsChannel.subscribe('conn:e6data:cluster:status', onStatus);
    try {
      server.suspend();
      expect(server.clusterState).toBe('suspended');
      const { rows } = await client.query('SELECT 42 AS answer');
      expect(rows).toEqual([{ answer: 42 }]);
      expect(server.clusterState).toBe('active');
      const clusterCalls = server.calls.filter((call) => CLUSTER_METHODS.has(call.method));
      // status → suspended, resume → resuming, then status polls until active (2nd poll by default).
      expect(clusterCalls.map((call) => call.method)).toEqual([
        'clusterStatus',
        'clusterResume',
        'clusterStatus',
        'clusterStatus',
      ]);
      // The token travels in the request only; the record redacts it.
      expect(clusterCalls.every((call) => call.request?.password === '[redacted]')).toBe(true);
      expect(statuses[0]).toBe('suspended');
      expect(statuses.at(-1)).toBe('active');
      // The first authenticate met the 503, the one after the resume succeeded.
      expect(server.callCount('authenticate')).toBe(2);
    } finally {
      diagnosticsChannel.unsubscribe('conn:e6data:cluster:status', onStatus);
    }
  });

  it('resumes a cluster suspended while the client already had a session', async () => {
    env = await startClientAndServer({ client: { resumePollIntervalMs: 10 } });
    const { client, server } = env;
    await client.query('SELECT 1');
    server.suspend();
    const { rows } = await client.query('SELECT 2 AS two');
    expect(rows).toEqual([{ two: 2 }]);
    expect(server.callCount('clusterResume')).toBe(1);
    expect(server.clusterState).toBe('active');
  });

  it('fails with E6DataClusterUnavailableError when autoResume is off', async () => {
    env = await startClientAndServer({ client: { autoResume: false } });
    const { client, server } = env;
    server.suspend();
    const error = await rejectionOf(client.query('SELECT 1', undefined, { timeoutMs: 30_000 }));
    expect(error).toBeInstanceOf(E6DataClusterUnavailableError);
    expect((error as E6DataClusterUnavailableError).code).toBe('CONN_E6DATA_CLUSTER_UNAVAILABLE');
    expect((error as E6DataClusterUnavailableError).retryable).toBe(true);
    expect(server.callCount('clusterResume')).toBe(0);
    expect(server.clusterState).toBe('suspended');
  });
});
