import diagnosticsChannel from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventPublisher } from '../../../src/diagnostics.js';
import {
  AbortError,
  ConnError,
  ConnectionError,
  PoolClosedError,
  PoolDoubleReleaseError,
  PoolTimeoutError,
  ProtocolError,
  QueryError,
} from '../../../src/errors/index.js';
import { type Factory, type Lease, Pool, type PoolOptions } from '../../../src/pool/index.js';

// ---- a deterministic fake factory -------------------------------------------------------------

interface Conn {
  readonly id: number;
  /** What isReusable() answers. */
  reusable: boolean;
  destroyed: boolean;
}

/** One planned create: resolve (after delayMs), reject, hang until aborted, or finish late ignoring aborts. */
type Step =
  | { kind: 'ok'; delayMs?: number }
  | { kind: 'fail'; error: unknown; delayMs?: number }
  | { kind: 'hang' }
  | { kind: 'late'; delayMs: number };

class FakeFactory implements Factory<Conn> {
  readonly plan: Step[] = [];
  readonly alive = new Set<Conn>();
  readonly destroyed: Conn[] = [];
  readonly signals: AbortSignal[] = [];
  createCalls = 0;
  maxAlive = 0;
  doubleDestroys = 0;
  /** Delay of unplanned creates. */
  delayMs = 0;
  destroyError: unknown;
  private nextId = 1;

  create(signal: AbortSignal): Promise<Conn> {
    this.createCalls++;
    this.signals.push(signal);
    const step: Step = this.plan.shift() ?? { kind: 'ok', delayMs: this.delayMs };
    return new Promise<Conn>((resolve, reject) => {
      const finish = (): void => {
        if (step.kind === 'fail') reject(step.error);
        else resolve(this.make());
      };
      if (step.kind === 'hang') {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        return;
      }
      const delayMs = step.delayMs ?? 0;
      if (delayMs === 0) {
        finish();
        return;
      }
      const timer = setTimeout(finish, delayMs);
      if (step.kind !== 'late') {
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            reject(signal.reason);
          },
          { once: true },
        );
      }
    });
  }

  destroy(conn: Conn): void {
    if (conn.destroyed) this.doubleDestroys++;
    conn.destroyed = true;
    this.alive.delete(conn);
    this.destroyed.push(conn);
    if (this.destroyError !== undefined) throw this.destroyError;
  }

  failNext(count: number, error: unknown = refused()): this {
    for (let i = 0; i < count; i++) this.plan.push({ kind: 'fail', error });
    return this;
  }

  private make(): Conn {
    const conn: Conn = { id: this.nextId++, reusable: true, destroyed: false };
    this.alive.add(conn);
    this.maxAlive = Math.max(this.maxAlive, this.alive.size);
    return conn;
  }
}

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
}

/** Lets queued promise callbacks run (fake timers do not move). */
async function flush(): Promise<void> {
  for (let i = 0; i < 30; i++) await Promise.resolve();
}

/** Records how a promise settled without awaiting it; `settles` counts settlements. */
function track<T>(promise: Promise<T>): { status: string; value?: T; error?: unknown; settles: number } {
  const state: { status: string; value?: T; error?: unknown; settles: number } = {
    status: 'pending',
    settles: 0,
  };
  promise.then(
    (value) => {
      state.settles++;
      state.status = 'fulfilled';
      state.value = value;
    },
    (error: unknown) => {
      state.settles++;
      state.status = 'rejected';
      state.error = error;
    },
  );
  return state;
}

const pools: Pool<Conn>[] = [];

function makePool(factory: FakeFactory, options: PoolOptions = {}): Pool<Conn> {
  const pool = new Pool(factory, { idleTimeoutMs: 0, ...options });
  pools.push(pool);
  return pool;
}

/** Closes the pool and checks nothing leaked: every created resource destroyed exactly once, no timer left. */
async function closeAndCheck(pool: Pool<Conn>, factory: FakeFactory): Promise<void> {
  const closed = track(pool.close({ timeoutMs: 0 }));
  await vi.advanceTimersByTimeAsync(0);
  await flush();
  expect(closed.status).toBe('fulfilled');
  expect(factory.alive.size).toBe(0);
  expect(factory.doubleDestroys).toBe(0);
  expect(vi.getTimerCount()).toBe(0);
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(async () => {
  for (const pool of pools.splice(0)) await Promise.race([pool.close({ timeoutMs: 0 }), flush()]);
  vi.useRealTimers();
});

// ---- tests ------------------------------------------------------------------------------------

describe('Pool: order', () => {
  it('serves waiters first come, first served (FIFO)', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1 });
    const first = await pool.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      pool.acquire().then((lease) => {
        order.push(n);
        return lease;
      }),
    );
    first.release();
    (await waiters[0])?.release();
    (await waiters[1])?.release();
    (await waiters[2])?.release();
    expect(order).toEqual([1, 2, 3]);
    expect(factory.createCalls).toBe(1);
    await closeAndCheck(pool, factory);
  });

  it('reuses the most recently released idle resource first (LIFO by default)', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 3 });
    const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    const ids = leases.map((lease) => lease.resource.id);
    for (const lease of leases) lease.release();
    const next = await pool.acquire();
    expect(next.resource.id).toBe(ids[2]);
    next.release();
    await closeAndCheck(pool, factory);
  });

  it("idleOrder 'fifo' reuses the least recently released resource first", async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 3, idleOrder: 'fifo' });
    const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    const ids = leases.map((lease) => lease.resource.id);
    for (const lease of leases) lease.release();
    const next = await pool.acquire();
    expect(next.resource.id).toBe(ids[0]);
    next.release();
    await closeAndCheck(pool, factory);
  });

  it('acquire of an idle resource resolves at once and creates no timer', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { idleTimeoutMs: 0 });
    (await pool.acquire()).release();
    const timersBefore = vi.getTimerCount();
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const lease = await pool.acquire({ timeoutMs: 5_000 });
    expect(setTimeoutSpy).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(timersBefore);
    expect(pool.waiting).toBe(0);
    lease.release();
    setTimeoutSpy.mockRestore();
    await closeAndCheck(pool, factory);
  });
});

describe('Pool: min, max, maxConnecting', () => {
  it('prefills min resources in the background without any acquire', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { min: 3, max: 5 });
    expect(factory.createCalls).toBe(0);
    await flush();
    await vi.advanceTimersByTimeAsync(0);
    await flush();
    expect(pool.size).toBe(3);
    expect(pool.idle).toBe(3);
    expect(factory.createCalls).toBe(3);
    await closeAndCheck(pool, factory);
  });

  it('keeps min resources in the background: a destroyed or evicted one is replaced', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { min: 2, max: 4, maxLifetimeMs: 1_000 });
    await flush();
    expect(pool.size).toBe(2);
    (await pool.acquire()).destroy(new ConnectionError('reset'));
    await flush();
    expect(pool.size).toBe(2);
    expect(factory.createCalls).toBe(3);
    await vi.advanceTimersByTimeAsync(1_000); // both reach their lifetime while idle
    await flush();
    expect(factory.destroyed.map((conn) => conn.id)).toEqual([2, 1, 3]);
    expect(pool.size).toBe(2);
    expect(factory.createCalls).toBe(5);
    await closeAndCheck(pool, factory);
  });

  it('prefill backs off exponentially (bounded) after failures and reports them to onError', async () => {
    const factory = new FakeFactory().failNext(6);
    const onError = vi.fn();
    const pool = makePool(factory, {
      min: 2,
      prefillRetry: { baseMs: 100, maxMs: 400 },
      random: () => 1,
      onError,
    });
    await flush();
    expect(factory.createCalls).toBe(2);
    await vi.advanceTimersByTimeAsync(99);
    expect(factory.createCalls).toBe(2);
    await vi.advanceTimersByTimeAsync(1); // t = 100: first back-off (100 ms)
    expect(factory.createCalls).toBe(4);
    await vi.advanceTimersByTimeAsync(399);
    expect(factory.createCalls).toBe(4);
    await vi.advanceTimersByTimeAsync(1); // t = 500: 400 ms (100 * 2^2, capped by maxMs)
    expect(factory.createCalls).toBe(6);
    await vi.advanceTimersByTimeAsync(399);
    expect(factory.createCalls).toBe(6);
    await vi.advanceTimersByTimeAsync(1); // t = 900: capped at 400 ms, now the creates succeed
    await flush();
    expect(factory.createCalls).toBe(8);
    expect(pool.size).toBe(2);
    expect(onError).toHaveBeenCalledTimes(6);
    const [error, context] = onError.mock.calls[0] as [ConnError, { pool: string; phase: string }];
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error.cause as Error).message).toContain('ECONNREFUSED');
    expect(context).toEqual({ pool: 'pool', phase: 'prefill' });
    await closeAndCheck(pool, factory);
  });

  it('a timer still fires while create keeps failing (no starvation)', async () => {
    // generic-pool's failure mode: a create that rejects in a microtask retried in a loop starves timers.
    let creates = 0;
    const factory: Factory<Conn> = {
      create: async () => {
        creates++;
        throw refused();
      },
      destroy: () => {},
    };
    const pool = new Pool(factory, { min: 3, max: 3, idleTimeoutMs: 0, prefillRetry: { baseMs: 50 } });
    pools.push(pool as Pool<Conn>);
    const acquires = Array.from({ length: 5 }, () => track(pool.acquire({ timeoutMs: 300 })));
    const fired = vi.fn();
    setTimeout(fired, 20);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fired).toHaveBeenCalledOnce();
    // Each acquire got the error of its own create; the prefill retried only on its back-off timer.
    for (const acquire of acquires) {
      expect(acquire.status).toBe('rejected');
      expect(acquire.error).toBeInstanceOf(ConnectionError);
    }
    expect(creates).toBeLessThan(40);
    const before = creates;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(creates - before).toBeLessThan(20);
    await pool.close({ timeoutMs: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a real timer still fires while create keeps failing (real event loop)', async () => {
    vi.useRealTimers();
    let creates = 0;
    const pool = new Pool<Conn>(
      {
        create: async () => {
          creates++;
          throw refused();
        },
        destroy: () => {},
      },
      { min: 2, idleTimeoutMs: 0, prefillRetry: { baseMs: 5, maxMs: 10 } },
    );
    pools.push(pool);
    const failed = pool.acquire({ timeoutMs: 1_000 }).catch((error: unknown) => error);
    await new Promise<void>((resolve) => setTimeout(resolve, 30));
    expect(await failed).toBeInstanceOf(ConnectionError);
    expect(creates).toBeGreaterThan(1);
    expect(creates).toBeLessThan(50);
    await pool.close();
  });

  it('never has more than max resources; extra acquires wait for a release', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 2, maxConnecting: 5 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    const c = track(pool.acquire());
    await flush();
    expect(c.status).toBe('pending');
    expect(factory.createCalls).toBe(2);
    expect(pool.stats()).toMatchObject({ size: 2, leased: 2, waiting: 1, pending: 0 });
    a.release();
    await flush();
    expect(c.status).toBe('fulfilled');
    expect((c.value as Lease<Conn>).resource).toBe(a.resource);
    b.release();
    (c.value as Lease<Conn>).release();
    expect(factory.maxAlive).toBe(2);
    await closeAndCheck(pool, factory);
  });

  it('maxConnecting caps concurrent creates', async () => {
    const factory = new FakeFactory();
    factory.delayMs = 100;
    const pool = makePool(factory, { max: 10, maxConnecting: 2 });
    const acquires = Array.from({ length: 5 }, () => track(pool.acquire()));
    await flush();
    expect(factory.createCalls).toBe(2);
    expect(pool.pending).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(factory.createCalls).toBe(4);
    await vi.advanceTimersByTimeAsync(100);
    expect(factory.createCalls).toBe(5);
    await vi.advanceTimersByTimeAsync(100);
    expect(acquires.every((acquire) => acquire.status === 'fulfilled')).toBe(true);
    for (const acquire of acquires) (acquire.value as Lease<Conn>).release();
    await closeAndCheck(pool, factory);
  });
});

describe('Pool: retirement', () => {
  it('destroys idle resources above min after idleTimeoutMs, never going below min', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { min: 1, max: 4, idleTimeoutMs: 1_000 });
    const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    for (const lease of leases) lease.release();
    expect(pool.idle).toBe(3);
    await vi.advanceTimersByTimeAsync(999);
    expect(pool.idle).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(pool.size).toBe(1);
    expect(factory.destroyed).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pool.size).toBe(1);
    await closeAndCheck(pool, factory);
  });

  it('idleTimeoutMs 0 keeps idle resources forever', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { idleTimeoutMs: 0 });
    (await pool.acquire()).release();
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(pool.idle).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    await closeAndCheck(pool, factory);
  });

  it('retires resources at maxLifetimeMs minus jitter: on release and while idle', async () => {
    const factory = new FakeFactory();
    // random() = 0.5: lifetime = 1000 - 0.5 * 200 = 900 ms.
    const pool = makePool(factory, { maxLifetimeMs: 1_000, lifetimeJitterMs: 200, random: () => 0.5 });
    const leased = await pool.acquire();
    const idle = await pool.acquire();
    idle.release();
    await vi.advanceTimersByTimeAsync(899);
    expect(pool.idle).toBe(1);
    await vi.advanceTimersByTimeAsync(1); // the idle one expires on its own
    expect(pool.idle).toBe(0);
    expect(factory.destroyed.map((conn) => conn.id)).toEqual([idle.resource.id]);
    leased.release(); // expired while leased: destroyed on release
    expect(leased.resource.destroyed).toBe(true);
    expect(pool.size).toBe(0);
    const fresh = await pool.acquire();
    expect(fresh.resource.id).toBe(3);
    fresh.release();
    await closeAndCheck(pool, factory);
  });

  it('retires a resource after maxUses leases', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { maxUses: 3 });
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) {
      const lease = await pool.acquire();
      ids.push(lease.resource.id);
      lease.release();
    }
    expect(ids).toEqual([1, 1, 1, 2, 2, 2, 3]);
    expect(factory.destroyed.map((conn) => conn.id)).toEqual([1, 2]);
    await closeAndCheck(pool, factory);
  });

  it('isReusable() false on borrow or on release destroys the resource instead of reusing it', async () => {
    const factory = new FakeFactory();
    const isReusable = vi.fn((conn: Conn) => conn.reusable);
    const pool = makePool(Object.assign(factory, { isReusable }), { max: 2 });
    const lease = await pool.acquire();
    const first = lease.resource;
    lease.release();
    first.reusable = false; // died while idle
    const second = await pool.acquire();
    expect(second.resource).not.toBe(first);
    expect(first.destroyed).toBe(true);
    second.resource.reusable = false; // died while leased
    second.release();
    expect(second.resource.destroyed).toBe(true);
    expect(pool.size).toBe(0);
    await closeAndCheck(pool, factory);
  });
});

describe('Pool: validation', () => {
  it('validates only after validateAfterIdleMs idle; a failed validation destroys it and tries the next', async () => {
    const factory = new FakeFactory();
    const answers = new Map<number, boolean>();
    const validate = vi.fn(async (conn: Conn) => answers.get(conn.id) ?? true);
    const pool = makePool(Object.assign(factory, { validate }), { max: 3, validateAfterIdleMs: 1_000 });
    const leases = await Promise.all([pool.acquire(), pool.acquire()]);
    for (const lease of leases) lease.release();
    // Fresh from release: no validation.
    const quick = await pool.acquire();
    expect(validate).not.toHaveBeenCalled();
    quick.release();
    await vi.advanceTimersByTimeAsync(1_000);
    answers.set(quick.resource.id, false); // the LIFO candidate fails its ping
    const checked = await pool.acquire();
    expect(validate).toHaveBeenCalledTimes(2);
    expect(quick.resource.destroyed).toBe(true);
    expect(checked.resource.id).not.toBe(quick.resource.id);
    expect(checked.resource.destroyed).toBe(false);
    checked.release();
    await closeAndCheck(pool, factory);
  });

  it('a validation that throws is reported and the waiter gets a newly created resource', async () => {
    const factory = new FakeFactory();
    const onError = vi.fn();
    const validate = vi.fn(() => {
      throw new Error('ping failed');
    });
    const pool = makePool(Object.assign(factory, { validate }), { validateAfterIdleMs: 0, onError });
    const first = await pool.acquire();
    first.release();
    const second = await pool.acquire();
    expect(validate).toHaveBeenCalledOnce();
    expect(first.resource.destroyed).toBe(true);
    expect(second.resource.id).toBe(2);
    expect(onError).toHaveBeenCalledWith(expect.any(ConnError), { pool: 'pool', phase: 'validate' });
    second.release();
    await closeAndCheck(pool, factory);
  });

  it('a waiter that times out during validation leaves the validated resource in the pool', async () => {
    const factory = new FakeFactory();
    const validate = (_conn: Conn, signal: AbortSignal): Promise<boolean> =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve(true), 500);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    const pool = makePool(Object.assign(factory, { validate }), { validateAfterIdleMs: 0 });
    (await pool.acquire()).release();
    const waiter = track(pool.acquire({ timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(waiter.error).toBeInstanceOf(PoolTimeoutError);
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 1, validating: 0, waiting: 0, leased: 0 });
    await closeAndCheck(pool, factory);
  });
});

describe('Pool: generations', () => {
  it('clear() destroys idle now, leased on release and creates in flight when they finish', async () => {
    const factory = new FakeFactory();
    factory.plan.push({ kind: 'ok' }, { kind: 'ok' }, { kind: 'ok', delayMs: 100 });
    const pool = makePool(factory, { min: 3, max: 3 });
    await flush();
    expect(pool.stats()).toMatchObject({ size: 2, idle: 2, pending: 1 });
    const leased = await pool.acquire();
    expect(leased.resource.id).toBe(2);
    pool.clear();
    expect(pool.generation).toBe(1);
    expect(factory.destroyed.map((conn) => conn.id)).toEqual([1]);
    await flush();
    leased.release();
    expect(factory.destroyed.map((conn) => conn.id)).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(100);
    await flush();
    // The old-generation create in flight was destroyed on arrival (ids count arrivals: the refills
    // #3 and #4 arrived first); min was refilled with new-generation ones.
    expect(factory.destroyed.map((conn) => conn.id)).toEqual([1, 2, 5]);
    expect(pool.size).toBe(3);
    const fresh = await pool.acquire();
    expect([3, 4, 6]).toContain(fresh.resource.id);
    fresh.release();
    await closeAndCheck(pool, factory);
  });
});

describe('Pool: close', () => {
  it('close() rejects waiters and new acquires with PoolClosedError and waits for the lease', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1 });
    const held = await pool.acquire();
    const waiter = track(pool.acquire());
    await flush();
    const closing = track(pool.close());
    await flush();
    expect(waiter.error).toBeInstanceOf(PoolClosedError);
    expect((waiter.error as PoolClosedError).code).toBe('CONN_POOL_CLOSED');
    await expect(pool.acquire()).rejects.toBeInstanceOf(PoolClosedError);
    expect(pool.closed).toBe(true);
    expect(closing.status).toBe('pending');
    held.release();
    await flush();
    expect(held.resource.destroyed).toBe(true);
    expect(closing.status).toBe('fulfilled');
    expect(pool.close()).toBe(pool.close());
    expect(vi.getTimerCount()).toBe(0);
  });

  it('close with leases out waits, then force-destroys at its timeout', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 3 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    const c = await pool.acquire();
    c.release();
    const closing = track(pool.close({ timeoutMs: 1_000 }));
    await flush();
    expect(c.resource.destroyed).toBe(true); // idle: destroyed at once
    await vi.advanceTimersByTimeAsync(500);
    a.release(); // returned in time: destroyed on release
    expect(a.resource.destroyed).toBe(true);
    await vi.advanceTimersByTimeAsync(499);
    expect(b.resource.destroyed).toBe(false);
    expect(closing.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(b.resource.destroyed).toBe(true);
    expect(closing.status).toBe('fulfilled');
    expect(() => b.release()).not.toThrow(); // revoked lease: a late release is a no-op
    expect(pool.stats()).toMatchObject({ size: 0, leased: 0, idle: 0 });
    expect(factory.doubleDestroys).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('close aborts creates in flight and destroys ones that still arrive', async () => {
    const factory = new FakeFactory();
    factory.plan.push({ kind: 'hang' }, { kind: 'late', delayMs: 300 });
    const pool = makePool(factory, { max: 2 });
    const first = track(pool.acquire());
    const second = track(pool.acquire());
    await flush();
    const closing = track(pool.close({ timeoutMs: 100 }));
    await flush();
    expect(factory.signals.every((signal) => signal.aborted)).toBe(true);
    expect(factory.signals[0]?.reason).toBeInstanceOf(PoolClosedError);
    expect(first.error).toBeInstanceOf(PoolClosedError);
    expect(second.error).toBeInstanceOf(PoolClosedError);
    await vi.advanceTimersByTimeAsync(100);
    expect(closing.status).toBe('fulfilled'); // stopped waiting for the create that ignores aborts
    await vi.advanceTimersByTimeAsync(200);
    expect(factory.alive.size).toBe(0);
    expect(factory.destroyed).toHaveLength(1);
  });

  it('background timers are unref\u2019d, the acquire and close timers are ref\u2019d, and close() clears all', async () => {
    const factory = new FakeFactory();
    factory.plan.push({ kind: 'fail', error: refused() }, { kind: 'hang' });
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const pool = makePool(factory, {
      min: 1,
      max: 1,
      idleTimeoutMs: 1_000,
      maxLifetimeMs: 60_000,
      prefillRetry: { baseMs: 10 },
    });
    await flush(); // prefill fails: back-off timer
    const waiter = track(pool.acquire({ timeoutMs: 5_000 })); // waiter timer + create deadline (hang)
    await flush();
    const closing = track(pool.close({ timeoutMs: 10_000 }));
    await flush();
    const timers = setTimeoutSpy.mock.results.map((result, i) => ({
      callback: (setTimeoutSpy.mock.calls[i]?.[0] as { name?: string } | undefined)?.name ?? '',
      timer: result.value as NodeJS.Timeout,
    }));
    expect(timers.length).toBeGreaterThanOrEqual(4);
    // A caller awaiting acquire() or close() must get its answer even when nothing else keeps
    // the process alive; background work (prefill back-off, create deadline) must not hold it.
    const callerFacing = new Set(['onWaiterTimeout', 'onCloseTimer']);
    expect(timers.filter(({ callback }) => callerFacing.has(callback))).toHaveLength(2);
    for (const { callback, timer } of timers) expect(timer.hasRef()).toBe(callerFacing.has(callback));
    expect(waiter.error).toBeInstanceOf(PoolClosedError);
    expect(closing.status).toBe('fulfilled');
    expect(vi.getTimerCount()).toBe(0);
    setTimeoutSpy.mockRestore();
  });

  it('[Symbol.asyncDispose] closes the pool', async () => {
    const factory = new FakeFactory();
    {
      await using pool = new Pool(factory, { idleTimeoutMs: 0 });
      (await pool.acquire()).release();
      expect(factory.alive.size).toBe(1);
    }
    expect(factory.alive.size).toBe(0);
  });
});

describe('Pool: acquire deadlines and cancellation', () => {
  it('acquire with an aborted or aborting signal rejects with AbortError carrying the reason', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1 });
    const reason = new Error('user cancelled');
    await expect(pool.acquire({ signal: AbortSignal.abort(reason) })).rejects.toSatisfy(
      (error: unknown) => error instanceof AbortError && error.cause === reason,
    );
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiter = track(pool.acquire({ signal: controller.signal }));
    await flush();
    expect(pool.waiting).toBe(1);
    controller.abort(reason);
    await flush();
    expect(waiter.error).toBeInstanceOf(AbortError);
    expect((waiter.error as AbortError).cause).toBe(reason);
    expect(pool.waiting).toBe(0);
    held.release();
    expect(pool.idle).toBe(1);
    await closeAndCheck(pool, factory);
  });

  it('acquire timeout rejects with PoolTimeoutError; the cause is the last create error', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1, acquireTimeoutMs: 200 });
    const held = await pool.acquire();
    const plain = track(pool.acquire());
    await vi.advanceTimersByTimeAsync(200);
    expect(plain.error).toBeInstanceOf(PoolTimeoutError);
    expect((plain.error as PoolTimeoutError).code).toBe('CONN_POOL_TIMEOUT');
    expect((plain.error as PoolTimeoutError).cause).toBeUndefined();
    held.destroy();
    // Now every create fails: the first waiter gets its create's error, the second one times out
    // with that error as cause (its own create could not start before the timeout: max 1).
    factory.plan.push({ kind: 'fail', error: refused(), delayMs: 50 });
    const owner = track(pool.acquire({ timeoutMs: 1_000 }));
    const other = track(pool.acquire({ timeoutMs: 60 }));
    factory.plan.push({ kind: 'hang' });
    await vi.advanceTimersByTimeAsync(60);
    expect(owner.error).toBeInstanceOf(ConnectionError);
    expect(other.error).toBeInstanceOf(PoolTimeoutError);
    expect((other.error as PoolTimeoutError).cause).toBe(owner.error);
    await closeAndCheck(pool, factory);
  });

  it('timeoutMs 0 fails at once unless a resource is idle (try-acquire)', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1 });
    const held = await pool.acquire();
    const attempt = track(pool.acquire({ timeoutMs: 0 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(attempt.error).toBeInstanceOf(PoolTimeoutError);
    held.release();
    const idle = await pool.acquire({ timeoutMs: 0 });
    expect(idle.resource).toBe(held.resource);
    idle.release();
    await closeAndCheck(pool, factory);
  });

  it('a cancelled or timed-out waiter is skipped without leaking the resource', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1 });
    const held = await pool.acquire();
    const controller = new AbortController();
    const cancelled = track(pool.acquire({ signal: controller.signal }));
    const timedOut = track(pool.acquire({ timeoutMs: 100 }));
    const patient = track(pool.acquire());
    await flush();
    controller.abort();
    await vi.advanceTimersByTimeAsync(100);
    expect(cancelled.error).toBeInstanceOf(AbortError);
    expect(timedOut.error).toBeInstanceOf(PoolTimeoutError);
    held.release();
    await flush();
    expect(patient.status).toBe('fulfilled');
    expect((patient.value as Lease<Conn>).resource).toBe(held.resource);
    expect([cancelled.settles, timedOut.settles, patient.settles]).toEqual([1, 1, 1]);
    expect(vi.getTimerCount()).toBe(0); // the served waiter's timer was cleared too
    (patient.value as Lease<Conn>).release();
    expect(pool.stats()).toMatchObject({ idle: 1, leased: 0, waiting: 0, size: 1 });
    await closeAndCheck(pool, factory);
  });

  it('a thousand timed-out waiters leave nothing behind', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1 });
    const held = await pool.acquire();
    const waiters = Array.from({ length: 1_000 }, () => track(pool.acquire({ timeoutMs: 10 })));
    vi.advanceTimersByTime(10); // synchronous: the async variant yields per timer (slow with many)
    await flush();
    expect(waiters.every((waiter) => waiter.error instanceof PoolTimeoutError)).toBe(true);
    expect(pool.waiting).toBe(0);
    held.release();
    expect(pool.idle).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    await closeAndCheck(pool, factory);
  });
});

describe('Pool: create failures', () => {
  it('create errors go to the waiter that caused the create: ConnErrors as they are, others wrapped', async () => {
    const factory = new FakeFactory();
    const authError = new QueryError('bad database');
    const raw = refused();
    factory.plan.push({ kind: 'fail', error: authError }, { kind: 'fail', error: raw });
    const pool = makePool(factory, { max: 5 });
    const first = track(pool.acquire());
    const second = track(pool.acquire());
    await flush();
    expect(first.error).toBe(authError);
    expect(second.error).toBeInstanceOf(ConnectionError);
    expect((second.error as ConnectionError).cause).toBe(raw);
    expect((second.error as ConnectionError).retryable).toBe(true);
    await closeAndCheck(pool, factory);
  });

  it('a failed create is never retried in a loop: each waiter gets one create, then its error', async () => {
    const factory = new FakeFactory().failNext(100);
    const onError = vi.fn();
    const pool = makePool(factory, { max: 2, onError });
    const waiters = Array.from({ length: 10 }, () => track(pool.acquire()));
    await flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(waiters.every((waiter) => waiter.error instanceof ConnectionError)).toBe(true);
    expect(factory.createCalls).toBe(10);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(factory.createCalls).toBe(10);
    expect(onError).not.toHaveBeenCalled(); // every error had a waiter to receive it
    await closeAndCheck(pool, factory);
  });

  it('a create that finishes after its waiter timed out goes to the next waiter or is destroyed', async () => {
    const factory = new FakeFactory();
    factory.plan.push({ kind: 'late', delayMs: 500 });
    const pool = makePool(factory, { max: 1 });
    const impatient = track(pool.acquire({ timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(50);
    const patient = track(pool.acquire({ timeoutMs: 1_000 }));
    await vi.advanceTimersByTimeAsync(50);
    expect(impatient.error).toBeInstanceOf(PoolTimeoutError);
    expect(factory.signals[0]?.aborted).toBe(false); // another waiter still wants it
    await vi.advanceTimersByTimeAsync(400);
    expect(patient.status).toBe('fulfilled');
    expect((patient.value as Lease<Conn>).resource.id).toBe(1);
    (patient.value as Lease<Conn>).release();

    // Once the pool is closed, a late arrival is destroyed.
    factory.plan.push({ kind: 'late', delayMs: 500 });
    pool.clear(); // idle #1 destroyed, next acquire creates #2
    const lonely = track(pool.acquire({ timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(lonely.error).toBeInstanceOf(PoolTimeoutError);
    const closing = track(pool.close({ timeoutMs: 1_000 }));
    await vi.advanceTimersByTimeAsync(400);
    await flush();
    expect(factory.createCalls).toBe(2);
    expect(factory.destroyed.map((conn) => conn.id)).toEqual([1, 2]);
    expect(closing.status).toBe('fulfilled');
    expect(factory.alive.size).toBe(0);
  });

  it('a late create whose waiters all left goes idle; after clear() it is destroyed instead', async () => {
    const factory = new FakeFactory();
    factory.plan.push({ kind: 'late', delayMs: 300 }, { kind: 'late', delayMs: 300 });
    const pool = makePool(factory, { max: 2 });
    const gone = track(pool.acquire({ timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(gone.error).toBeInstanceOf(PoolTimeoutError);
    // No other waiter: the create's signal aborts at the acquire deadline, with the timeout as reason.
    expect(factory.signals[0]?.aborted).toBe(true);
    expect(factory.signals[0]?.reason).toBeInstanceOf(PoolTimeoutError);
    await vi.advanceTimersByTimeAsync(200);
    expect(pool.idle).toBe(1); // it arrived anyway (factory ignored the abort): kept for reuse
    const held = await pool.acquire();
    const goneToo = track(pool.acquire({ timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(goneToo.error).toBeInstanceOf(PoolTimeoutError);
    pool.clear();
    await vi.advanceTimersByTimeAsync(200);
    expect(factory.destroyed.map((conn) => conn.id)).toEqual([2]); // arrived stale: destroyed
    expect(pool.idle).toBe(0);
    held.release(); // stale too
    expect(held.resource.destroyed).toBe(true);
    await closeAndCheck(pool, factory);
  });

  it('the create deadline (createTimeoutMs) aborts a hanging background create', async () => {
    const factory = new FakeFactory();
    factory.plan.push({ kind: 'hang' });
    const onError = vi.fn();
    const pool = makePool(factory, { min: 1, createTimeoutMs: 500, onError });
    await flush();
    await vi.advanceTimersByTimeAsync(500);
    expect(factory.signals[0]?.aborted).toBe(true);
    expect(onError).toHaveBeenCalledOnce();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'CONN_CONNECT_TIMEOUT' }), {
      pool: 'pool',
      phase: 'prefill',
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pool.size).toBe(1); // retried after its back-off
    await closeAndCheck(pool, factory);
  });
});

describe('Pool: leases', () => {
  it('double release or destroy throws PoolDoubleReleaseError and never touches the next borrower', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1 });
    const lease = await pool.acquire();
    lease.release();
    const next = await pool.acquire();
    expect(() => lease.release()).toThrow(PoolDoubleReleaseError);
    expect(() => lease.destroy()).toThrow(PoolDoubleReleaseError);
    try {
      lease.release();
    } catch (error) {
      expect((error as PoolDoubleReleaseError).code).toBe('CONN_POOL_DOUBLE_RELEASE');
    }
    expect(pool.leased).toBe(1);
    next.destroy(new Error('broken'));
    expect(() => next.destroy()).toThrow(PoolDoubleReleaseError);
    expect(pool.size).toBe(0);
    await closeAndCheck(pool, factory);
  });

  it('lease [Symbol.asyncDispose] releases (await using), and is a no-op after an explicit release', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory);
    {
      await using lease = await pool.acquire();
      expect(pool.leased).toBe(1);
      expect(lease.resource.id).toBe(1);
    }
    expect(pool.stats()).toMatchObject({ leased: 0, idle: 1 });
    {
      await using lease = await pool.acquire();
      lease.release();
    }
    expect(pool.stats()).toMatchObject({ leased: 0, idle: 1 });
    await closeAndCheck(pool, factory);
  });

  it('destroying a lease frees capacity: the next waiter gets a new resource', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1 });
    const lease = await pool.acquire();
    const waiter = track(pool.acquire());
    lease.destroy(new ConnectionError('reset'));
    await flush();
    expect(lease.resource.destroyed).toBe(true);
    expect((waiter.value as Lease<Conn>).resource.id).toBe(2);
    (waiter.value as Lease<Conn>).release();
    await closeAndCheck(pool, factory);
  });

  it('use() releases on success and ordinary errors, destroys on connection-kind errors', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1 });
    expect(await pool.use(async (conn) => conn.id)).toBe(1);
    await expect(
      pool.use(async () => {
        throw new QueryError('syntax');
      }),
    ).rejects.toBeInstanceOf(QueryError);
    expect(pool.stats()).toMatchObject({ idle: 1, size: 1 });
    await expect(
      pool.use(async () => {
        throw new ProtocolError('bad frame');
      }),
    ).rejects.toBeInstanceOf(ProtocolError);
    expect(pool.size).toBe(0);
    expect(factory.destroyed.map((conn) => conn.id)).toEqual([1]);
    expect(await pool.use((conn) => conn.id)).toBe(2);
    await closeAndCheck(pool, factory);
  });

  it('factory.destroy errors never crash: they go to onError and pool:error', async () => {
    const factory = new FakeFactory();
    factory.destroyError = new Error('close failed');
    const onError = vi.fn(() => {
      throw new Error('and the hook throws too');
    });
    const published: unknown[] = [];
    const listener = (message: unknown): void => {
      published.push(message);
    };
    diagnosticsChannel.subscribe('conn:core:pool:error', listener);
    try {
      const pool = makePool(factory, { onError, name: 'p1' });
      (await pool.acquire()).destroy();
      const asyncFactory = new FakeFactory();
      const rejecting = Object.assign(asyncFactory, {
        destroy: (conn: Conn) => {
          FakeFactory.prototype.destroy.call(asyncFactory, conn);
          return Promise.reject(new Error('async close failed'));
        },
      });
      const pool2 = makePool(rejecting, { onError, name: 'p2' });
      (await pool2.acquire()).release();
      await pool2.close();
      await flush();
      expect(onError).toHaveBeenCalledTimes(2);
      expect(onError.mock.calls.map((call) => (call as unknown[])[1])).toEqual([
        { pool: 'p1', phase: 'destroy' },
        { pool: 'p2', phase: 'destroy' },
      ]);
      expect(published).toHaveLength(2);
      expect(published[0]).toMatchObject({ pool: 'p1', phase: 'destroy', error: expect.any(ConnError) });
      factory.destroyError = undefined;
      await closeAndCheck(pool, factory);
    } finally {
      diagnosticsChannel.unsubscribe('conn:core:pool:error', listener);
    }
  });
});

describe('Pool: observability', () => {
  it('publishes events on diagnostics channels conn:core:pool:*', async () => {
    const events = [
      'pool:create',
      'pool:acquire',
      'pool:release',
      'pool:destroy',
      'pool:clear',
      'pool:close',
      'pool:create-error',
      'pool:acquire-error',
    ];
    const seen: [string, unknown][] = [];
    const listeners = events.map((event) => {
      const listener = (message: unknown): void => {
        seen.push([event, message]);
      };
      diagnosticsChannel.subscribe(`conn:core:${event}`, listener);
      return [event, listener] as const;
    });
    try {
      const factory = new FakeFactory().failNext(1);
      const pool = makePool(factory, { name: 'events' });
      await pool.acquire().catch(() => {});
      (await pool.acquire()).release();
      pool.clear();
      await pool.close();
      expect(seen.map(([event]) => event)).toEqual([
        'pool:create-error',
        'pool:acquire-error',
        'pool:create',
        'pool:acquire',
        'pool:release',
        'pool:clear',
        'pool:destroy',
        'pool:close',
      ]);
      expect(seen.every(([, message]) => (message as { pool: string }).pool === 'events')).toBe(true);
      expect(seen[6]?.[1]).toMatchObject({ reason: 'stale' });
    } finally {
      for (const [event, listener] of listeners)
        diagnosticsChannel.unsubscribe(`conn:core:${event}`, listener);
    }
  });

  it('builds no event payload when nobody subscribes (cheap hot path)', async () => {
    const publish = vi.fn();
    const events: EventPublisher = {
      channelName: (event) => `test:${event}`,
      publish,
      hasSubscribers: () => false,
    };
    const factory = new FakeFactory();
    const pool = makePool(factory, { events });
    for (let i = 0; i < 10; i++) (await pool.acquire()).release();
    const hotEvents = publish.mock.calls.filter(
      ([event]) => event === 'pool:acquire' || event === 'pool:release',
    );
    expect(hotEvents).toHaveLength(0);
    // Rare events go through publish(), whose payload function only runs for subscribers.
    expect(publish).toHaveBeenCalledWith('pool:create', expect.any(Function));
    await closeAndCheck(pool, factory);
  });

  it('stats() and the getters report the counters', async () => {
    const factory = new FakeFactory();
    factory.plan.push({ kind: 'ok' }, { kind: 'ok' }, { kind: 'hang' });
    const pool = makePool(factory, { max: 3, min: 0, name: 'stats' });
    const a = await pool.acquire();
    (await pool.acquire()).release();
    const pendingAcquire = track(pool.acquire());
    const second = track(pool.acquire({ timeoutMs: 10 }));
    await flush();
    expect(pendingAcquire.status).toBe('fulfilled');
    expect(pool.stats()).toEqual({
      name: 'stats',
      size: 2,
      idle: 0,
      leased: 2,
      validating: 0,
      pending: 1,
      waiting: 1,
      generation: 0,
      min: 0,
      max: 3,
      closed: false,
      shared: 0,
      sharedLeases: 0,
      capacity: 1,
    });
    expect([pool.size, pool.idle, pool.leased, pool.pending, pool.waiting, pool.generation]).toEqual([
      2, 0, 2, 1, 1, 0,
    ]);
    expect(pool.name).toBe('stats');
    await vi.advanceTimersByTimeAsync(10);
    expect(second.error).toBeInstanceOf(PoolTimeoutError);
    a.release();
    (pendingAcquire.value as Lease<Conn>).release();
    await closeAndCheck(pool, factory);
    expect(pool.closed).toBe(true);
  });
});
