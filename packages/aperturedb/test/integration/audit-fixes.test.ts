import { AbortError, ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import type { ParallelItem } from '../../src/parallel/index.js';
import { harness } from '../support/client-harness.js';

const h = harness();

describe('audit fixes', () => {
  it('parallel() rejects with AbortError at once when aborted while the async source is stalled', async () => {
    const server = await h.startServer();
    const client = h.clientOf(server);
    let reachStall!: () => void;
    const stalled = new Promise<void>((resolve) => {
      reachStall = resolve;
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let markClosed!: () => void;
    const sourceClosed = new Promise<void>((resolve) => {
      markClosed = resolve;
    });
    async function* source(): AsyncGenerator<ParallelItem> {
      try {
        yield { commands: [{ AddEntity: { class: 'Audit' } }] };
        reachStall();
        await gate; // a source that stops producing, e.g. a stalled network stream
        yield { commands: [{ AddEntity: { class: 'Audit' } }] };
      } finally {
        markClosed();
      }
    }
    h.onCleanup(() => release());
    const controller = new AbortController();
    const run = client.parallel(source(), { concurrency: 1, signal: controller.signal });
    await stalled;
    controller.abort(new Error('caller gave up'));
    await expect(run).rejects.toBeInstanceOf(AbortError);
    // The pending read is not lost: once it returns, the source is closed.
    release();
    await sourceClosed;
  });

  it('query() rejects with ConfigError CONN_APERTUREDB_QUERY_ARGUMENT for a BigInt or a cycle, sending nothing', async () => {
    const server = await h.startServer();
    const client = h.clientOf(server);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    // Plain JavaScript callers (or a BigInt column from another database) get past the types.
    for (const properties of [{ id: 1n }, cyclic] as Record<string, never>[]) {
      const failure = client.query([{ AddEntity: { class: 'Audit', properties } }]);
      await expect(failure).rejects.toBeInstanceOf(ConfigError);
      await expect(failure).rejects.toMatchObject({ code: 'CONN_APERTUREDB_QUERY_ARGUMENT', field: 'query' });
    }
    expect(server.receivedMessages).toHaveLength(0);
  });
});
