import diagnosticsChannel from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  type CallContext,
  CallRunner,
  type CallTracePayload,
  ClientClosedError,
  ConfigError,
  ConnError,
  ConnectionError,
  TimeoutError,
} from '../../../src/index.js';
import { rejection } from '../../support/settle.js';

let packageSeq = 0;
function runner(options: Partial<ConstructorParameters<typeof CallRunner>[0]> = {}): {
  runner: CallRunner;
  packageName: string;
  close(): void;
} {
  let closed = false;
  const packageName = `calltest${++packageSeq}`;
  return {
    packageName,
    runner: new CallRunner({ packageName, clientName: 'Test client', isClosed: () => closed, ...options }),
    close: () => {
      closed = true;
    },
  };
}

/** Work that settles only when the test says so. */
function pending<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('CallRunner: one deadline for the whole call', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects with a TimeoutError at the deadline even when the work never settles', async () => {
    const { runner: calls } = runner();
    const work = pending<string>();
    let seen: CallContext | undefined;
    const result = calls.run({ operation: 'query' }, { timeoutMs: 300 }, (call) => {
      seen = call;
      return work.promise;
    });
    const failure = rejection(result);
    await vi.advanceTimersByTimeAsync(299);
    expect(seen?.reason).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    const error = await failure;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('CONN_TIMEOUT');
    expect(error.message).toBe('Test client query timed out after 300 ms');
    expect(error.details).toMatchObject({ operation: 'query', timeoutMs: 300 });
    // The work's signal aborted with the same error, so the layers below stop too.
    expect(seen?.signal?.aborted).toBe(true);
    expect(seen?.signal?.reason).toBe(error);
  });

  it('spends one budget across every step of the call', async () => {
    const { runner: calls } = runner();
    const remaining: number[] = [];
    const result = calls.run({ operation: 'query' }, { timeoutMs: 1000 }, async (call) => {
      remaining.push(call.remainingMs());
      await new Promise((resolve) => setTimeout(resolve, 400));
      remaining.push(call.remainingMs());
      await new Promise((resolve) => setTimeout(resolve, 400));
      remaining.push(call.remainingMs());
      return 'done';
    });
    await vi.advanceTimersByTimeAsync(800);
    await expect(result).resolves.toBe('done');
    expect(remaining).toEqual([1000, 600, 200]);
  });

  it('uses the operation default, then the client default, and Infinity for none', async () => {
    const { runner: calls } = runner({ defaultTimeoutMs: 500 });
    const seen: (number | undefined)[] = [];
    const record = (call: CallContext): Promise<void> => {
      seen.push(call.timeoutMs);
      return Promise.resolve();
    };
    await calls.run({ operation: 'a' }, {}, record);
    await calls.run({ operation: 'b', defaultTimeoutMs: 100 }, undefined, record);
    await calls.run({ operation: 'c', defaultTimeoutMs: 100 }, { timeoutMs: 50 }, record);
    await calls.run({ operation: 'd' }, { timeoutMs: Number.POSITIVE_INFINITY }, record);
    expect(seen).toEqual([500, 100, 50, undefined]);
  });

  it('refuses a bad timeoutMs with a ConfigError before running anything', async () => {
    const { runner: calls } = runner();
    const work = vi.fn(() => Promise.resolve(1));
    for (const bad of [-1, Number.NaN, '5' as unknown as number]) {
      const error = await rejection(calls.run({ operation: 'q' }, { timeoutMs: bad }, work));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.details['field']).toBe('timeoutMs');
    }
    expect(work).not.toHaveBeenCalled();
  });

  it('lets the work settle during graceMs after the deadline and returns what really happened', async () => {
    const { runner: calls } = runner();
    const work = pending<string>();
    const result = calls.run({ operation: 'query', graceMs: 200 }, { timeoutMs: 100 }, (call) => {
      call.signal?.addEventListener('abort', () => setTimeout(() => work.resolve('completed anyway'), 50));
      return work.promise;
    });
    await vi.advanceTimersByTimeAsync(150);
    await expect(result).resolves.toBe('completed anyway');
  });

  it('rejects at the end of graceMs when the work still has not settled', async () => {
    const { runner: calls } = runner();
    const result = rejection(
      calls.run({ operation: 'query', graceMs: 200 }, { timeoutMs: 100 }, () => pending().promise),
    );
    await vi.advanceTimersByTimeAsync(299);
    let settled = false;
    void result.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toBeInstanceOf(TimeoutError);
  });
});

describe('CallRunner: closed client, abort, errors', () => {
  it('fails every call after close with ClientClosedError (CONN_CLIENT_CLOSED), without running it', async () => {
    const { runner: calls, close } = runner();
    close();
    const work = vi.fn(() => Promise.resolve(1));
    const error = await rejection(calls.run({ operation: 'query' }, {}, work));
    expect(error).toBeInstanceOf(ClientClosedError);
    expect(error.code).toBe('CONN_CLIENT_CLOSED');
    expect(error.message).toBe('the Test client is closed');
    expect(work).not.toHaveBeenCalled();
  });

  it("rejects with an AbortError carrying the caller's reason, and aborts the work's signal", async () => {
    const { runner: calls } = runner();
    const controller = new AbortController();
    let workSignal: AbortSignal | undefined;
    const result = rejection(
      calls.run({ operation: 'insert' }, { signal: controller.signal }, (call) => {
        workSignal = call.signal;
        return pending().promise;
      }),
    );
    const why = new Error('user pressed cancel');
    controller.abort(why);
    const error = await result;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.cause).toBe(why);
    expect(workSignal?.aborted).toBe(true);
  });

  it('refuses a signal that is not an AbortSignal with ConfigError, without running the work', async () => {
    const { runner: calls } = runner();
    const work = vi.fn(() => Promise.resolve(1));
    for (const signal of [{}, 5, 'stop', { aborted: false }]) {
      const error = await rejection(
        calls.run({ operation: 'query' }, { signal: signal as unknown as AbortSignal }, work),
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).field).toBe('signal');
    }
    expect(work).not.toHaveBeenCalled();
  });

  it('rejects at once for an already aborted signal', async () => {
    const { runner: calls } = runner();
    const work = vi.fn(() => Promise.resolve(1));
    const error = await rejection(calls.run({ operation: 'q' }, { signal: AbortSignal.abort('stop') }, work));
    expect(error).toBeInstanceOf(AbortError);
    expect(work).not.toHaveBeenCalled();
  });

  it('creates no signal for a call that can neither time out nor be aborted', async () => {
    const { runner: calls } = runner();
    let signal: AbortSignal | undefined | null = null;
    await calls.run({ operation: 'q' }, {}, (call) => {
      signal = call.signal;
      return Promise.resolve();
    });
    expect(signal).toBeUndefined();
  });

  it('tells onCancel listeners once when the call ends, not those removed, and creates no signal for them', async () => {
    const { runner: calls } = runner();
    const work = pending<string>();
    const heard: ConnError[] = [];
    const removed = vi.fn();
    let seen: CallContext | undefined;
    const result = rejection(
      calls.run({ operation: 'q' }, { timeoutMs: 20 }, (call) => {
        seen = call;
        call.onCancel((reason) => heard.push(reason));
        call.onCancel(removed);
        call.offCancel(removed);
        return work.promise;
      }),
    );
    const error = await result;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(heard).toEqual([error]);
    expect(removed).not.toHaveBeenCalled();
    // Ended calls take no new listeners: nothing would ever call them.
    const late = vi.fn();
    seen?.onCancel(late);
    seen?.end(new TimeoutError('again', { code: 'CONN_TIMEOUT' }));
    expect(late).not.toHaveBeenCalled();
    expect(heard).toHaveLength(1);
  });

  it('turns an unknown failure into a ConnError with the original as cause, and a throw into a rejection', async () => {
    const { runner: calls } = runner();
    const bug = new TypeError('x is not a function');
    const error = await rejection(
      calls.run({ operation: 'q' }, {}, () => {
        throw bug;
      }),
    );
    expect(error).toBeInstanceOf(ConnError);
    expect(error.code).toBe('CONN_UNEXPECTED');
    expect(error.cause).toBe(bug);
  });

  it('says a write may have executed when it timed out, was aborted or lost its connection after being sent', async () => {
    const { runner: calls } = runner();
    const sentThenLost = await rejection(
      calls.run({ operation: 'insert', write: true }, {}, (call) => {
        call.markSent();
        return Promise.reject(new ConnectionError('connection lost', { retryable: true }));
      }),
    );
    expect(sentThenLost).toBeInstanceOf(ConnectionError);
    expect(sentThenLost.retryable).toBe(false);
    expect(sentThenLost.details['mayHaveExecuted']).toBe(true);

    // A transport message that already says so is not told twice.
    const alreadySaid = await rejection(
      calls.run({ operation: 'insert', write: true }, {}, (call) => {
        call.markSent();
        return Promise.reject(
          new ConnectionError('connection closed (the request was sent and may have been executed)'),
        );
      }),
    );
    expect(alreadySaid.message.match(/may have been executed/g)).toHaveLength(1);

    const timedOut = await rejection(
      calls.run({ operation: 'insert', write: true }, { timeoutMs: 20 }, (call) => {
        call.markSent();
        return pending().promise;
      }),
    );
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect(timedOut.details).toMatchObject({ mayHaveExecuted: true, timeoutMs: 20 });
    expect(timedOut.retryable).toBe(false);

    // Not sent yet, a read, or confirmed not executed: nothing to warn about.
    const notSent = await rejection(
      calls.run({ operation: 'insert', write: true }, { timeoutMs: 10 }, () => pending().promise),
    );
    expect(notSent.details['mayHaveExecuted']).toBeUndefined();
    const read = await rejection(
      calls.run({ operation: 'query' }, { timeoutMs: 10 }, (call) => {
        call.markSent();
        return pending().promise;
      }),
    );
    expect(read.details['mayHaveExecuted']).toBeUndefined();
    const cancelled = await rejection(
      calls.run({ operation: 'insert', write: true }, {}, (call) => {
        call.markSent();
        call.markNotExecuted();
        return Promise.reject(new ConnectionError('cancelled before it ran'));
      }),
    );
    expect(cancelled.details['mayHaveExecuted']).toBeUndefined();
  });
});

describe('CallRunner: tracing', () => {
  it('publishes start, end, asyncStart, asyncEnd with one payload and the statement masked', async () => {
    const { runner: calls, packageName } = runner({ maskStatement: (s) => s.replace(/"[^"]*"/g, '"***"') });
    const seen: [string, CallTracePayload][] = [];
    const channel = diagnosticsChannel.tracingChannel<object, CallTracePayload>(`conn:${packageName}:query`);
    const record =
      (name: string) =>
      (p: CallTracePayload): void => {
        seen.push([name, { ...p }]);
      };
    const handlers = {
      start: record('start'),
      end: record('end'),
      asyncStart: record('asyncStart'),
      asyncEnd: record('asyncEnd'),
      error: record('error'),
    };
    channel.subscribe(handlers);
    try {
      await calls.run(
        { operation: 'query', statement: 'alter user "a" set password "hunter2"' },
        {},
        (call) => {
          call.target = { host: '127.0.0.1', port: 9000 };
          return Promise.resolve('ok');
        },
      );
    } finally {
      channel.unsubscribe(handlers);
    }
    expect(seen.map(([name]) => name)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(seen[0]?.[1]).toMatchObject({
      package: packageName,
      operation: 'query',
      statement: 'alter user "***" set password "***"',
    });
    expect(JSON.stringify(seen)).not.toContain('hunter2');
    const last = seen[3]?.[1];
    expect(last).toMatchObject({ host: '127.0.0.1', port: 9000, error: undefined });
    expect(typeof last?.durationMs).toBe('number');
  });

  it('publishes the error the caller gets on :error', async () => {
    const { runner: calls, packageName } = runner();
    const errors: unknown[] = [];
    const channel = diagnosticsChannel.tracingChannel<object, CallTracePayload>(`conn:${packageName}:insert`);
    const ignore = (): void => {};
    const handlers = {
      start: ignore,
      end: ignore,
      asyncStart: ignore,
      asyncEnd: ignore,
      error: (p: CallTracePayload) => {
        errors.push(p.error);
      },
    };
    channel.subscribe(handlers);
    try {
      const error = await rejection(
        calls.run({ operation: 'insert', write: true }, {}, (call) => {
          call.markSent();
          return Promise.reject(new ConnectionError('lost'));
        }),
      );
      expect(errors).toEqual([error]);
      expect((errors[0] as ConnError).details['mayHaveExecuted']).toBe(true);
    } finally {
      channel.unsubscribe(handlers);
    }
  });

  it('does no tracing work (not even masking) when nobody subscribes', async () => {
    const mask = vi.fn((s: string) => s);
    const { runner: calls } = runner({ maskStatement: mask });
    await calls.run({ operation: 'query', statement: 'select 1' }, {}, () => Promise.resolve());
    expect(mask).not.toHaveBeenCalled();
  });
});
