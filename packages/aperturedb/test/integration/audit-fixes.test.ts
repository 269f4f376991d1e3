import net, { type AddressInfo, type Socket } from 'node:net';
import { AbortError, ConfigError, ProtocolError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import type { ParallelItem } from '../../src/parallel/index.js';
import { decodeQueryMessage, encodeQueryMessage, HELLO_FRAME_BYTES } from '../../src/protocol/index.js';
import { negotiateHello } from '../../src/testing/index.js';
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

  it('query() rejects with ProtocolError CONN_APERTUREDB_BAD_RESPONSE when entries and commands differ in number, and drops that connection', async () => {
    // The first request gets no entries at all; later ones one entry per command.
    const peer = await startScriptedPeer((commands, served) =>
      served === 0 ? [] : commands.map((command) => ({ [Object.keys(command)[0] ?? '']: { status: 0 } })),
    );
    const client = h.clientOf({ url: `aperturedb://127.0.0.1:${peer.port}?useSsl=false` });
    const commands = [{ FindEntity: { with_class: 'A' } }, { FindEntity: { with_class: 'B' } }];
    const short = client.query(commands);
    await expect(short).rejects.toBeInstanceOf(ProtocolError);
    await expect(short).rejects.toMatchObject({
      code: 'CONN_APERTUREDB_BAD_RESPONSE',
      message: expect.stringMatching(/0 entries for 2 commands/),
    });
    // The connection that gave the bad answer is not lent again: the next query goes out on a new one.
    await expect(client.query(commands)).resolves.toMatchObject({
      response: [{ FindEntity: { status: 0 } }, {}],
    });
    expect(peer.connections).toBe(2);
    await peer.firstClosed;
  });

  it('query() rejects with ConfigError CONN_APERTUREDB_QUERY_ARGUMENT for options or blobs of the wrong type, sending nothing', async () => {
    const server = await h.startServer();
    const client = h.clientOf(server);
    const commands = [{ FindEntity: { with_class: 'Audit' } }];
    const calls: [unknown, unknown, string][] = [
      [[], null, 'options'],
      [[], 5, 'options'],
      [5, {}, 'blobs'],
      [null, {}, 'blobs'],
      [[new Uint8Array(1), 'text'], {}, 'blobs'],
    ];
    for (const [blobs, options, field] of calls) {
      const failure = client.query(commands, blobs as Uint8Array[], options as object);
      await expect(failure).rejects.toBeInstanceOf(ConfigError);
      await expect(failure).rejects.toMatchObject({ code: 'CONN_APERTUREDB_QUERY_ARGUMENT', field });
    }
    expect(server.receivedMessages).toHaveLength(0);
  });

  it('parallel() rejects with ConfigError for items, sources and options of the wrong shape, sending nothing', async () => {
    const server = await h.startServer();
    const client = h.clientOf(server);
    const runs: [unknown, unknown, string, string][] = [
      [[null], {}, 'CONN_APERTUREDB_QUERY_ARGUMENT', 'source'],
      [[{}], {}, 'CONN_APERTUREDB_QUERY_ARGUMENT', 'source'],
      [[{ commands: null }], {}, 'CONN_APERTUREDB_QUERY_ARGUMENT', 'source'],
      [[{ commands: [null] }], {}, 'CONN_APERTUREDB_QUERY_ARGUMENT', 'source'],
      [[{ commands: [{}] }], {}, 'CONN_APERTUREDB_QUERY_ARGUMENT', 'source'],
      [[{ commands: [{ AddEntity: {} }], blobs: 5 }], {}, 'CONN_APERTUREDB_QUERY_ARGUMENT', 'source'],
      [5, {}, 'CONN_APERTUREDB_QUERY_ARGUMENT', 'source'],
      [null, {}, 'CONN_APERTUREDB_QUERY_ARGUMENT', 'source'],
      [[], null, 'CONN_CONFIG', 'options'],
      [[], { signal: 5 }, 'CONN_CONFIG', 'signal'],
      [[], { onProgress: 'log' }, 'CONN_CONFIG', 'onProgress'],
      [[], { successStatuses: 5 }, 'CONN_CONFIG', 'successStatuses'],
    ];
    for (const [source, options, code, field] of runs) {
      const failure = client.parallel(source as ParallelItem[], options as object);
      await expect(failure).rejects.toBeInstanceOf(ConfigError);
      await expect(failure).rejects.toMatchObject({ code, field });
    }
    expect(server.receivedMessages).toHaveLength(0);
  });
});

/** A TCP peer that speaks the hello and frames, answering each request with `answer`'s entries. */
async function startScriptedPeer(
  answer: (commands: Record<string, unknown>[], servedBefore: number) => unknown,
): Promise<{ readonly port: number; readonly connections: number; readonly firstClosed: Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let served = 0;
  let markFirstClosed!: () => void;
  const firstClosed = new Promise<void>((resolve) => {
    markFirstClosed = resolve;
  });
  const server = net.createServer((socket) => {
    const first = connections++ === 0;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      if (first) markFirstClosed();
    });
    let pending = Buffer.alloc(0);
    let greeted = false;
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (!greeted) {
        if (pending.length < HELLO_FRAME_BYTES) return;
        socket.write(negotiateHello(pending.subarray(0, HELLO_FRAME_BYTES), 'tcp').reply);
        pending = pending.subarray(HELLO_FRAME_BYTES);
        greeted = true;
      }
      while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32LE(0)) {
        const end = 4 + pending.readUInt32LE(0);
        const request = decodeQueryMessage(pending.subarray(4, end));
        pending = pending.subarray(end);
        const json = JSON.stringify(answer(JSON.parse(request.json) as Record<string, unknown>[], served++));
        const body = encodeQueryMessage({ json });
        const header = Buffer.alloc(4);
        header.writeUInt32LE(body.length, 0);
        socket.write(Buffer.concat([header, body]));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  h.onCleanup(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    firstClosed,
  };
}
