import { AbortError, ClientClosedError, ConnectionError, TimeoutError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import type { ApertureDBQueryOptions, ApertureDBQueryResult } from '../../src/client.js';
import { ApertureDBErrorCode, ApertureDBTransactionError } from '../../src/errors.js';
import { type ParallelItem, type ParallelProgress, runParallel } from '../../src/parallel/index.js';
import type { ApertureDBCommand } from '../../src/query/commands.js';

interface PendingQuery {
  readonly commands: readonly ApertureDBCommand[];
  readonly options: ApertureDBQueryOptions | undefined;
  resolve(result: ApertureDBQueryResult): void;
  reject(error: unknown): void;
}

/** A client whose queries wait until the test answers them; tracks what is in flight. */
class ManualClient {
  readonly pending: PendingQuery[] = [];
  inFlight = 0;
  maxInFlight = 0;
  #waiters: (() => void)[] = [];

  query(
    commands: readonly ApertureDBCommand[],
    _blobs?: readonly Uint8Array[],
    options?: ApertureDBQueryOptions,
  ): Promise<ApertureDBQueryResult> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<ApertureDBQueryResult>((resolve, reject) => {
      const onAbort = (): void => entry.reject(new AbortError('aborted'));
      const done =
        <T>(settle: (value: T) => void) =>
        (value: T) => {
          this.inFlight--;
          options?.signal?.removeEventListener('abort', onAbort);
          settle(value);
        };
      const entry = { commands, options, resolve: done(resolve), reject: done(reject) };
      options?.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.push(entry);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Resolves once `count` queries are waiting. */
  async waitForPending(count: number): Promise<void> {
    while (this.pending.length < count) await new Promise<void>((wake) => this.#waiters.push(wake));
  }

  /** Answers the oldest waiting query with `status` for every command. */
  answerNext(status = 0): void {
    const next = this.pending.shift() as PendingQuery;
    next.resolve({
      response: next.commands.map((command) => ({ [Object.keys(command)[0] as string]: { status } })),
      blobs: [],
    });
  }
}

/** A counting source of one-command items, recording how many it has handed out. */
function countingSource(total: number): { source: Iterable<ParallelItem>; read: () => number } {
  let read = 0;
  function* items(): Generator<ParallelItem> {
    for (let index = 0; index < total; index++) {
      read++;
      yield { commands: [{ AddEntity: { class: 'T', properties: { index } } }] };
    }
  }
  return { source: items(), read: () => read };
}

describe('runParallel', () => {
  it('keeps at most `concurrency` transactions in flight and reads the source only as they free up', async () => {
    const client = new ManualClient();
    const { source, read } = countingSource(100);
    const run = runParallel(client, source, { batchSize: 5, concurrency: 3 });
    await client.waitForPending(3);
    // Three batches of five read, nothing more, while all three wait.
    expect(read()).toBe(15);
    client.answerNext();
    await client.waitForPending(3);
    expect(read()).toBe(20);
    while (client.pending.length > 0 || read() < 100) {
      if (client.pending.length === 0) await client.waitForPending(1);
      client.answerNext();
      await Promise.resolve();
    }
    const result = await run;
    expect(client.maxInFlight).toBe(3);
    expect(result).toMatchObject({ done: 100, succeeded: 100, existed: 0, failed: 0, transactions: 20 });
  });

  it('counts statuses like the SDK: 0 succeeded, 2 existed, others fail their item; a thrown batch fails all its items', async () => {
    const statuses = [0, 2, 3, -1];
    let call = 0;
    const client = {
      async query(commands: readonly ApertureDBCommand[]): Promise<ApertureDBQueryResult> {
        const status = statuses[call++] as number;
        if (status === -1)
          throw new ApertureDBTransactionError('bad', {
            serverCode: -1,
            serverMessage: 'bad',
            commandIndex: undefined,
            commandName: undefined,
          });
        return { response: commands.map(() => ({ AddEntity: { status } })), blobs: [] };
      },
    };
    const progress: ParallelProgress[] = [];
    const { source } = countingSource(8);
    const result = await runParallel(client, source, {
      batchSize: 2,
      concurrency: 1,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({
      done: 8,
      succeeded: 2,
      existed: 2,
      failed: 4,
      transactions: 4,
      failedTransactions: 2,
    });
    expect(result.errors.map((e) => [e.batchIndex, e.firstItem, e.error.code])).toEqual([
      [2, 4, ApertureDBErrorCode.COMMAND_FAILED],
      [3, 6, ApertureDBErrorCode.TRANSACTION_FAILED],
    ]);
    expect(progress.map((p) => p.done)).toEqual([2, 4, 6, 8]);
  });

  it('counts a connection failure as a failed batch and goes on', async () => {
    let call = 0;
    const client = {
      async query(commands: readonly ApertureDBCommand[]): Promise<ApertureDBQueryResult> {
        if (call++ === 0) throw new ConnectionError('reset');
        return { response: commands.map(() => ({ AddEntity: { status: 0 } })), blobs: [] };
      },
    };
    const result = await runParallel(client, countingSource(4).source, { batchSize: 2, concurrency: 1 });
    expect(result).toMatchObject({ succeeded: 2, failed: 2, failedTransactions: 1 });
    expect(result.errors[0]?.error).toBeInstanceOf(ConnectionError);
  });

  it('rejects with AbortError on the caller’s signal, cancelling the transactions in flight and closing the source', async () => {
    const client = new ManualClient();
    let closed = false;
    async function* source(): AsyncGenerator<ParallelItem> {
      try {
        for (;;) yield { commands: [{ AddEntity: { class: 'T' } }] };
      } finally {
        closed = true;
      }
    }
    const controller = new AbortController();
    const run = runParallel(client, source(), { concurrency: 2, signal: controller.signal });
    await client.waitForPending(2);
    controller.abort(new Error('stop'));
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(client.inFlight).toBe(0);
    expect(closed).toBe(true);
  });

  it('rejects on a transaction timeout and on a closed client, passing timeoutMs to each query', async () => {
    const seen: (number | undefined)[] = [];
    const timingOut = {
      async query(
        _c: unknown,
        _b?: unknown,
        options?: ApertureDBQueryOptions,
      ): Promise<ApertureDBQueryResult> {
        seen.push(options?.timeoutMs);
        throw new TimeoutError('late');
      },
    };
    await expect(
      runParallel(timingOut, countingSource(3).source, { timeoutMs: 1234 }),
    ).rejects.toBeInstanceOf(TimeoutError);
    expect(seen[0]).toBe(1234);
    const closed = {
      async query(): Promise<ApertureDBQueryResult> {
        throw new ClientClosedError('closed');
      },
    };
    await expect(runParallel(closed, countingSource(3).source)).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('rejects with the source’s own error', async () => {
    const client = {
      async query(commands: readonly ApertureDBCommand[]): Promise<ApertureDBQueryResult> {
        return { response: commands.map(() => ({ AddEntity: { status: 0 } })), blobs: [] };
      },
    };
    const failure = new Error('bad source');
    function* source(): Generator<ParallelItem> {
      yield { commands: [{ AddEntity: { class: 'T' } }] };
      throw failure;
    }
    await expect(runParallel(client, source(), { concurrency: 1 })).rejects.toBe(failure);
  });

  it('refuses a batchSize or concurrency that is not a positive integer', async () => {
    const client = new ManualClient();
    await expect(runParallel(client, [], { batchSize: 0 })).rejects.toMatchObject({ code: 'CONN_CONFIG' });
    await expect(runParallel(client, [], { concurrency: 1.5 })).rejects.toMatchObject({
      code: 'CONN_CONFIG',
    });
  });
});
