import { describe, expect, it, vi } from 'vitest';
import { AbortError, AuthenticationError, ConfigError, SessionCache, TimeoutError } from '../../src/index.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SessionCache', () => {
  it('reuses a valid session without authenticating again', async () => {
    const authenticate = vi.fn(async () => ({ value: 'token-1' }));
    const cache = new SessionCache({ authenticate });
    expect(await cache.get()).toBe('token-1');
    expect(await cache.get()).toBe('token-1');
    expect(authenticate).toHaveBeenCalledTimes(1);
    expect(cache.peek()).toBe('token-1');
  });

  it('refreshes skewMs before the expiry', async () => {
    let clock = 0;
    let n = 0;
    const cache = new SessionCache({
      authenticate: async () => ({ value: `token-${++n}`, expiresAt: clock + 60_000 }),
      skewMs: 10_000,
      now: () => clock,
    });
    expect(await cache.get()).toBe('token-1');
    clock = 49_999;
    expect(await cache.get()).toBe('token-1');
    clock = 50_000;
    expect(cache.peek()).toBeUndefined();
    expect(await cache.get()).toBe('token-2');
  });

  it('concurrent callers share one authentication (single flight)', async () => {
    const gate = deferred<{ value: string }>();
    const authenticate = vi.fn(() => gate.promise);
    const cache = new SessionCache({ authenticate });
    const callers = Promise.all([cache.get(), cache.get(), cache.get()]);
    gate.resolve({ value: 'shared' });
    expect(await callers).toEqual(['shared', 'shared', 'shared']);
    expect(authenticate).toHaveBeenCalledTimes(1);
  });

  it('a failed authentication reaches every waiting caller and the next get tries again', async () => {
    let n = 0;
    const cache = new SessionCache({
      authenticate: async () => {
        if (++n === 1) throw new AuthenticationError('bad key');
        return { value: 'second' };
      },
    });
    await expect(Promise.all([cache.get(), cache.get()])).rejects.toBeInstanceOf(AuthenticationError);
    expect(await cache.get()).toBe('second');
    expect(cache.authenticationCount).toBe(2);
  });

  it('invalidate(old) does not drop a newer session', async () => {
    let n = 0;
    const cache = new SessionCache({ authenticate: async () => ({ value: `s${++n}` }) });
    const old = await cache.get();
    cache.invalidate(old);
    const fresh = await cache.get();
    cache.invalidate(old);
    expect(cache.peek()).toBe(fresh);
    cache.invalidate();
    expect(cache.peek()).toBeUndefined();
  });

  it('withSession invalidates a rejected session, re-authenticates and retries once', async () => {
    let n = 0;
    const cache = new SessionCache({ authenticate: async () => ({ value: `s${++n}` }) });
    const seen: string[] = [];
    const result = await cache.withSession(
      async (session) => {
        seen.push(session);
        if (session === 's1') throw new AuthenticationError('session expired');
        return `ran with ${session}`;
      },
      { isAuthFailure: (e) => e instanceof AuthenticationError },
    );
    expect(result).toBe('ran with s2');
    expect(seen).toEqual(['s1', 's2']);
  });

  it('withSession does not retry other errors, nor a second auth failure', async () => {
    let n = 0;
    const cache = new SessionCache({ authenticate: async () => ({ value: `s${++n}` }) });
    const fn = vi.fn(async () => {
      throw new AuthenticationError('still rejected');
    });
    await expect(cache.withSession(fn, { isAuthFailure: () => true })).rejects.toThrow('still rejected');
    expect(fn).toHaveBeenCalledTimes(2);
    const other = vi.fn(async () => {
      throw new Error('query failed');
    });
    await expect(cache.withSession(other, { isAuthFailure: () => false })).rejects.toThrow('query failed');
    expect(other).toHaveBeenCalledTimes(1);
  });

  it("a caller's abort or timeout rejects that caller only", async () => {
    const gate = deferred<{ value: string }>();
    const cache = new SessionCache({ authenticate: () => gate.promise });
    const controller = new AbortController();
    const aborted = cache.get({ signal: controller.signal });
    const patient = cache.get();
    const timed = cache.get({ timeoutMs: 1 });
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    await expect(timed).rejects.toBeInstanceOf(TimeoutError);
    gate.resolve({ value: 'late but fine' });
    await expect(patient).resolves.toBe('late but fine');
  });

  it('clear() aborts an authentication in progress and drops the session', async () => {
    let seenSignal: AbortSignal | undefined;
    const cache = new SessionCache<string>({
      authenticate: (signal) => {
        seenSignal = signal;
        return new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      },
    });
    const pending = cache.get();
    cache.clear();
    expect(seenSignal?.aborted).toBe(true);
    await expect(pending).rejects.toBeDefined();
    expect(cache.peek()).toBeUndefined();
  });

  it('validates its options', () => {
    expect(() => new SessionCache({ authenticate: undefined as never })).toThrow(ConfigError);
    expect(() => new SessionCache({ authenticate: async () => ({ value: 1 }), skewMs: -1 })).toThrow(
      ConfigError,
    );
  });
});
