import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  ConfigError,
  ConnectionError,
  exponentialBackoff,
  QueryError,
  retry,
  seededRandom,
} from '../../src/index.js';

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

  it('rejects invalid attempts', async () => {
    await expect(retry(async () => 1, { attempts: 0 })).rejects.toBeInstanceOf(ConfigError);
  });
});
