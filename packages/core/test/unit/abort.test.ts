import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  abortReason,
  ConfigError,
  ConnError,
  createDeadline,
  raceWithSignal,
  sleep,
  TimeoutError,
} from '../../src/index.js';

describe('abort: caller signal combined with a timeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a timeout becomes a TimeoutError with the chosen code', () => {
    const deadline = createDeadline(
      { timeoutMs: 50 },
      { what: 'query', timeoutCode: 'CONN_REQUEST_TIMEOUT' },
    );
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(49);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    const reason = deadline.signal.reason;
    expect(reason).toBeInstanceOf(TimeoutError);
    expect(reason.code).toBe('CONN_REQUEST_TIMEOUT');
    expect(reason.message).toBe('query timed out after 50 ms');
    expect(() => deadline.throwIfAborted()).toThrow(TimeoutError);
  });

  it("a caller's abort becomes an AbortError whose cause is the signal's reason", () => {
    const controller = new AbortController();
    const deadline = createDeadline({ signal: controller.signal, timeoutMs: 1000 });
    const why = new Error('user pressed cancel');
    controller.abort(why);
    expect(deadline.signal.reason).toBeInstanceOf(AbortError);
    expect(deadline.signal.reason.cause).toBe(why);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an already aborted signal aborts the deadline at once', () => {
    const deadline = createDeadline({ signal: AbortSignal.abort('gone') });
    expect(deadline.signal.aborted).toBe(true);
    expect(abortReason(deadline.signal)).toBeInstanceOf(AbortError);
    expect(abortReason(deadline.signal).cause).toBe('gone');
  });

  it('dispose clears the timer and detaches from the caller', () => {
    const controller = new AbortController();
    const deadline = createDeadline({ signal: controller.signal, timeoutMs: 100 });
    expect(vi.getTimerCount()).toBe(1);
    deadline.dispose();
    expect(vi.getTimerCount()).toBe(0);
    controller.abort();
    expect(deadline.signal.aborted).toBe(false);
  });

  it('remainingMs counts down and is Infinity without a timeout', () => {
    expect(createDeadline({}).remainingMs()).toBe(Number.POSITIVE_INFINITY);
    const deadline = createDeadline({ timeoutMs: 100 });
    expect(deadline.remainingMs()).toBeLessThanOrEqual(100);
    deadline.dispose();
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects timeoutMs %s with a ConfigError',
    (timeoutMs) => {
      expect(() => createDeadline({ timeoutMs })).toThrow(ConfigError);
    },
  );

  it('raceWithSignal rejects with the deadline reason and leaves the work running', async () => {
    const deadline = createDeadline({ timeoutMs: 10 });
    let finish: (value: string) => void = () => {};
    const work = new Promise<string>((resolve) => {
      finish = resolve;
    });
    const raced = raceWithSignal(work, deadline.signal);
    vi.advanceTimersByTime(10);
    await expect(raced).rejects.toBeInstanceOf(TimeoutError);
    finish('late');
    await expect(work).resolves.toBe('late');
  });

  it('raceWithSignal passes results through when not aborted', async () => {
    await expect(raceWithSignal(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
    await expect(raceWithSignal(Promise.reject(new Error('x')), undefined)).rejects.toThrow('x');
  });

  it('sleep resolves after its time and rejects early on abort', async () => {
    const slept = sleep(100);
    vi.advanceTimersByTime(100);
    await expect(slept).resolves.toBeUndefined();
    const controller = new AbortController();
    const interrupted = sleep(100, controller.signal);
    controller.abort();
    await expect(interrupted).rejects.toBeInstanceOf(ConnError);
    expect(vi.getTimerCount()).toBe(0);
  });
});
