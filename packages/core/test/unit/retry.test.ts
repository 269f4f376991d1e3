import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  CallContext,
  ConfigError,
  ConnectionError,
  exponentialBackoff,
  QueryError,
  retry,
  seededRandom,
  TimeoutError,
} from '../../src/index.js';
import { rejection } from '../support/settle.js';

describe('exponentialBackoff', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    const ceilings = exponentialBackoff({ baseMs: 100, maxMs: 1000, random: () => 0.999_999 });
    expect([0, 1, 2, 3, 4, 10].map((n) => Math.round(ceilings(n)))).toEqual([100, 200, 400, 800, 1000, 1000]);
    const floor = exponentialBackoff({ baseMs: 100, random: () => 0 });
    expect(floor(5)).toBe(0);
  });

  it('with a seeded source gives repeatable delays within [0, ceiling)', () => {
    const a = exponentialBackoff({ random: seededRandom(42) });
    const b = exponentialBackoff({ random: seededRandom(42) });
    const delays = [0, 1, 2, 3].map((n) => a(n));
    expect([0, 1, 2, 3].map((n) => b(n))).toEqual(delays);
    delays.forEach((delay, n) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(100 * 2 ** n);
    });
  });

  it('rejects non-positive settings', () => {
    expect(() => exponentialBackoff({ baseMs: 0 })).toThrow(ConfigError);
    expect(() => exponentialBackoff({ maxMs: -5 })).toThrow(ConfigError);
    expect(() => exponentialBackoff({ jitter: 'half' as never })).toThrow(ConfigError);
  });

  it("'equal' jitter waits in [ceiling/2, ceiling); 'none' waits exactly the ceiling", () => {
    const random = seededRandom(3);
    const equal = exponentialBackoff({ baseMs: 1_000, maxMs: 8_000, jitter: 'equal', random });
    for (let attempt = 0; attempt < 200; attempt++) {
      const ceiling = Math.min(8_000, 1_000 * 2 ** attempt);
      const delay = equal(attempt);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThan(ceiling);
    }
    const none = exponentialBackoff({ baseMs: 10, maxMs: 50, jitter: 'none' });
    expect([0, 1, 2, 3].map(none)).toEqual([10, 20, 40, 50]);
  });
});

describe('retry', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries retryable errors and returns the first success', async () => {
    const fn = vi.fn(async (attempt: number) => {
      if (attempt < 2) throw new ConnectionError('refused');
      return `ok after ${attempt}`;
    });
    const result = retry(fn, { attempts: 5, backoff: () => 10 });
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('ok after 2');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('does not retry a non-retryable error', async () => {
    const error = new QueryError('syntax');
    const fn = vi.fn(async () => {
      throw error;
    });
    await expect(retry(fn, { attempts: 5 })).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('throws the last error unchanged after the attempts are used up', async () => {
    let n = 0;
    const result = retry(
      async () => {
        throw new ConnectionError(`failure ${n++}`);
      },
      { attempts: 3, backoff: () => 1 },
    );
    const settled = expect(result).rejects.toThrow('failure 2');
    await vi.runAllTimersAsync();
    await settled;
  });

  it('stops before a wait that would pass the deadline', async () => {
    const start = Date.now();
    const fn = vi.fn(async () => {
      throw new ConnectionError('down');
    });
    const result = retry(fn, { attempts: 100, deadline: start + 250, backoff: () => 100 });
    const settled = expect(result).rejects.toThrow('down');
    await vi.runAllTimersAsync();
    await settled;
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('a custom isRetryable decides, and onRetry sees each wait', async () => {
    const onRetry = vi.fn();
    const fn = vi.fn(async (attempt: number) => {
      if (attempt === 0) throw new Error('transient');
      return 'done';
    });
    const result = retry(fn, {
      isRetryable: (e) => (e as Error).message === 'transient',
      backoff: () => 5,
      onRetry,
    });
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('done');
    expect(onRetry).toHaveBeenCalledWith(expect.any(Error), 0, 5);
  });

  it('an abort during the back-off wait rejects with AbortError at once', async () => {
    const controller = new AbortController();
    const fn = vi.fn(async () => {
      throw new ConnectionError('down');
    });
    const result = retry(fn, { attempts: 10, backoff: () => 60_000, signal: controller.signal });
    const settled = expect(result).rejects.toBeInstanceOf(AbortError);
    await vi.advanceTimersByTimeAsync(1);
    controller.abort();
    await settled;
    expect(fn).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a call's cancel source ending during the wait rejects with its reason at once; an ended one stops before trying", async () => {
    const fn = vi.fn(async () => {
      throw new ConnectionError('down');
    });
    const call = new CallContext('query', undefined, undefined);
    const result = retry(fn, { attempts: 10, backoff: () => 60_000, cancel: call });
    const settled = rejection(result);
    await vi.advanceTimersByTimeAsync(1);
    const reason = new TimeoutError('query timed out', { code: 'CONN_TIMEOUT' });
    call.end(reason);
    expect(await settled).toBe(reason);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);

    const again = vi.fn(async () => 'never');
    expect(await rejection(retry(again, { cancel: call }))).toBe(reason);
    expect(again).not.toHaveBeenCalled();
  });

  it('rejects invalid attempts', async () => {
    await expect(retry(async () => 1, { attempts: 0 })).rejects.toBeInstanceOf(ConfigError);
  });

  it('decide chooses per error: back-off, an exact delay, or fail', async () => {
    const waits: number[] = [];
    const errors = [new ConnectionError('host down'), new Error('pool busy'), new QueryError('syntax')];
    const fn = vi.fn(async (attempt: number) => {
      throw errors[attempt] as Error;
    });
    const result = retry(fn, {
      attempts: 10,
      backoff: () => 7,
      decide: (error) => {
        if (error instanceof ConnectionError) return 'retry';
        if (error instanceof QueryError) return 'fail';
        return 2_000;
      },
      onRetry: (_error, _attempt, delayMs) => waits.push(delayMs),
    });
    const settled = expect(result).rejects.toBe(errors[2]);
    await vi.runAllTimersAsync();
    await settled;
    expect(fn).toHaveBeenCalledTimes(3);
    expect(waits).toEqual([7, 2_000]);
  });

  it('a decide that throws fails with its error (e.g. too many retries, with the cause)', async () => {
    const last = new ConnectionError('still down');
    const result = retry(
      async () => {
        throw last;
      },
      {
        attempts: Number.POSITIVE_INFINITY,
        backoff: () => 1,
        decide: (error, attempt) => {
          if (attempt >= 4) throw new QueryError('gave up', { cause: error });
          return 'retry';
        },
      },
    );
    const settled = expect(result).rejects.toMatchObject({ message: 'gave up', cause: last });
    await vi.runAllTimersAsync();
    await settled;
  });

  it('attempts: Infinity retries until the signal aborts, waiting on a timer even for 0 ms', async () => {
    const controller = new AbortController();
    let calls = 0;
    const result = retry(
      async () => {
        calls++;
        throw new ConnectionError('down');
      },
      { attempts: Number.POSITIVE_INFINITY, decide: () => 0, signal: controller.signal },
    );
    const settled = expect(result).rejects.toBeInstanceOf(AbortError);
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(0);
    const afterTwoTurns = calls;
    expect(afterTwoTurns).toBeGreaterThanOrEqual(2);
    expect(afterTwoTurns).toBeLessThan(5); // one try per timer turn: never a microtask loop
    controller.abort();
    await settled;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects decide together with isRetryable, and a decision that is not a delay', async () => {
    await expect(
      retry(async () => 1, { decide: () => 'retry', isRetryable: () => true }),
    ).rejects.toBeInstanceOf(ConfigError);
    const result = retry(
      async () => {
        throw new ConnectionError('down');
      },
      { decide: () => -1 },
    );
    await expect(result).rejects.toMatchObject({ field: 'decide' });
  });
});
