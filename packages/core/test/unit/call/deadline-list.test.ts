import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { armDeadline, DeadlineEntry, disarmDeadline } from '../../../src/call/deadline-list.js';
import { CallRunner, TimeoutError } from '../../../src/index.js';
import { rejection } from '../../support/settle.js';

/** An entry that records when it expired (fake `performance.now()`). */
class Recorder extends DeadlineEntry {
  constructor(
    readonly name: string,
    readonly expired: { name: string; at: number }[],
  ) {
    super();
  }
  expire(): void {
    this.expired.push({ name: this.name, at: performance.now() });
  }
}

/** Every timer `setTimeout` made since the spy was set, with its delay. */
function timersMade(spy: { mock: { calls: unknown[][]; results: { value: unknown }[] } }) {
  return spy.mock.results.map((result, i) => ({
    delay: spy.mock.calls[i]?.[1] as number,
    timer: result.value as NodeJS.Timeout,
  }));
}

const runner = (defaultTimeoutMs?: number): CallRunner =>
  new CallRunner({
    packageName: 'deadlinetest',
    clientName: 'Test client',
    isClosed: () => false,
    defaultTimeoutMs,
  });

describe('deadline lists: one timer per duration for every call', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    // Spies first: restoring one after the real timers are back would put a fake one back.
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('expires entries of one duration in order, each at its own deadline, and never a disarmed one', async () => {
    const expired: { name: string; at: number }[] = [];
    const start = performance.now();
    const a = new Recorder('a', expired);
    const b = new Recorder('b', expired);
    const c = new Recorder('c', expired);
    armDeadline(a, 100);
    await vi.advanceTimersByTimeAsync(30);
    armDeadline(b, 100);
    await vi.advanceTimersByTimeAsync(30);
    armDeadline(c, 100);
    disarmDeadline(b);
    await vi.advanceTimersByTimeAsync(99);
    expect(expired.map(({ name }) => name)).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(200);
    expect(expired.map(({ name }) => name)).toEqual(['a', 'c']);
    expect(expired.map(({ at }) => Math.round(at - start))).toEqual([100, 160]);
  });

  it('keeps durations apart: a short deadline armed after a long one fires first', async () => {
    const expired: { name: string; at: number }[] = [];
    const start = performance.now();
    armDeadline(new Recorder('long', expired), 500);
    armDeadline(new Recorder('short', expired), 50);
    await vi.advanceTimersByTimeAsync(600);
    expect(expired.map(({ name, at }) => [name, Math.round(at - start)])).toEqual([
      ['short', 50],
      ['long', 500],
    ]);
  });

  it('runs 100 sequential calls on one timer, ref\u2019d only while a call is pending', async () => {
    const calls = runner(60_000);
    const spy = vi.spyOn(globalThis, 'setTimeout');
    for (let k = 0; k < 100; k++) {
      let release!: () => void;
      const running = calls.run(
        { operation: 'query' },
        undefined,
        () => new Promise<void>((r) => (release = r)),
      );
      const timers = timersMade(spy);
      expect(timers).toHaveLength(1);
      // A script awaiting the call must stay alive until it settles.
      expect(timers[0]?.timer.hasRef()).toBe(true);
      release();
      await running;
      // Settled: the kept timer no longer holds the process (a script ends at once).
      expect(timers[0]?.timer.hasRef()).toBe(false);
    }
  });

  it('still fires when the next call comes after the kept timer went unref\u2019d', async () => {
    const calls = runner(300);
    await calls.run({ operation: 'query' }, undefined, async () => 'quick');
    await vi.advanceTimersByTimeAsync(200);
    const failure = rejection(
      calls.run({ operation: 'query' }, undefined, () => new Promise<never>(() => {})),
    );
    // The kept timer was due 300 ms after the first call: it fires, finds this call not yet due,
    // and a new timer takes it to its own deadline.
    await vi.advanceTimersByTimeAsync(299);
    const settledEarly = await Promise.race([failure.then(() => true), Promise.resolve(false)]);
    expect(settledEarly).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await failure;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe('Test client query timed out after 300 ms');
  });

  it('survives fake timers being removed: a call armed after the switch still times out', async () => {
    const calls = runner(40);
    // Leaves a kept timer made by the fake clock, which will never fire once it is gone.
    await calls.run({ operation: 'query' }, undefined, async () => 'quick');
    vi.useRealTimers();
    const error = await rejection(
      calls.run({ operation: 'query' }, undefined, () => new Promise<never>(() => {})),
    );
    expect(error).toBeInstanceOf(TimeoutError);
  });
});
