import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AbortError, ConnectionError, CountWaiters } from '../../src/index.js';

/** A counter with its waiters, moved the way a test server moves it. */
function counter(): { waiters: CountWaiters; bump: () => void; value: () => number } {
  const waiters = new CountWaiters('Test server');
  let count = 0;
  return {
    waiters,
    bump: () => {
      count++;
      waiters.changed();
    },
    value: () => count,
  };
}

/** Records whether a promise has settled, without waiting on time. */
function track(promise: Promise<void>): { settled: () => boolean } {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { settled: () => settled };
}

describe('CountWaiters', () => {
  it('resolves at once when the condition already holds', async () => {
    const { waiters, bump, value } = counter();
    bump();
    await expect(waiters.until(() => value() >= 1, '1 bump')).resolves.toBeUndefined();
    expect(waiters.pending).toBe(0);
  });

  it('resolves when the count is reached, not before', async () => {
    const { waiters, bump, value } = counter();
    const waiting = waiters.until(() => value() >= 2, '2 bumps');
    const state = track(waiting);
    bump();
    await Promise.resolve();
    expect(state.settled()).toBe(false);
    expect(waiters.pending).toBe(1);
    bump();
    await expect(waiting).resolves.toBeUndefined();
    expect(waiters.pending).toBe(0);
  });

  it('resolves only the waits that are satisfied', async () => {
    const { waiters, bump, value } = counter();
    const one = waiters.until(() => value() >= 1, '1 bump');
    const three = track(waiters.until(() => value() >= 3, '3 bumps'));
    bump();
    await one;
    expect(three.settled()).toBe(false);
    expect(waiters.pending).toBe(1);
  });

  it("an abort rejects with an AbortError whose cause is the signal's reason", async () => {
    const { waiters, value } = counter();
    const controller = new AbortController();
    const waiting = waiters.until(() => value() >= 1, '1 bump', { signal: controller.signal });
    const why = new Error('test gave up');
    controller.abort(why);
    const error = await waiting.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ message: 'Test server: 1 bump was aborted', cause: why });
    expect(waiters.pending).toBe(0);
  });

  it('an already aborted signal rejects at once, even when the condition holds', async () => {
    const { waiters } = counter();
    const why = new Error('too late');
    await expect(
      waiters.until(() => true, 'anything', { signal: AbortSignal.abort(why) }),
    ).rejects.toMatchObject({ name: 'AbortError', cause: why });
    expect(waiters.pending).toBe(0);
  });

  it('close rejects open waits with a ConnectionError coded CONN_CONNECTION_CLOSED', async () => {
    const { waiters, value } = counter();
    const waiting = waiters.until(() => value() >= 1, '1 bump');
    waiters.close();
    const error = await waiting.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'CONN_CONNECTION_CLOSED', retryable: false });
    expect(waiters.pending).toBe(0);
  });

  it('a wait after close rejects at once unless already satisfied', async () => {
    const { waiters, value } = counter();
    waiters.close();
    await expect(waiters.until(() => value() >= 1, '1 bump')).rejects.toMatchObject({
      code: 'CONN_CONNECTION_CLOSED',
      message: 'Test server: closed before 1 bump was satisfied',
    });
    await expect(waiters.until(() => value() >= 0, 'nothing')).resolves.toBeUndefined();
    expect(waiters.pending).toBe(0);
  });

  it('leaves no abort listener behind, however a wait settles', async () => {
    const { waiters, bump, value } = counter();
    const controller = new AbortController();
    const { signal } = controller;

    const reached = waiters.until(() => value() >= 1, '1 bump', { signal });
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    bump();
    await reached;
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);

    const closed = waiters.until(() => value() >= 5, '5 bumps', { signal });
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    waiters.close();
    await expect(closed).rejects.toBeInstanceOf(ConnectionError);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    expect(waiters.pending).toBe(0);
  });
});
