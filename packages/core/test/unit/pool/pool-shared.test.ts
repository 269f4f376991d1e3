import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventPublisher } from '../../../src/diagnostics.js';
import {
  ConfigError,
  ConnectionError,
  PoolClosedError,
  PoolDoubleReleaseError,
} from '../../../src/errors/index.js';
import { type Lease, Pool, type PoolObserver, type PoolOptions } from '../../../src/pool/index.js';
import { type FakeConn, FakeFactory, flush, nextTick, refused, track } from '../../support/fake-factory.js';

const pools: Pool<FakeConn>[] = [];

function makePool(factory: FakeFactory, options: PoolOptions = {}): Pool<FakeConn> {
  const pool = new Pool(factory, { idleTimeoutMs: 0, ...options });
  pools.push(pool);
  return pool;
}

/** Closes the pool and checks nothing leaked: every resource destroyed exactly once, no timer left. */
async function closeAndCheck(pool: Pool<FakeConn>, factory: FakeFactory): Promise<void> {
  const closed = track(pool.close({ timeoutMs: 0 }));
  await vi.advanceTimersByTimeAsync(0);
  await flush();
  expect(closed.status).toBe('fulfilled');
  expect(factory.alive.size).toBe(0);
  expect(factory.doubleDestroys).toBe(0);
  expect(vi.getTimerCount()).toBe(0);
}

/** Leases per resource id, to check capacity. */
function loadOf(leases: readonly Lease<FakeConn>[]): Map<number, number> {
  const load = new Map<number, number>();
  for (const lease of leases) load.set(lease.resource.id, (load.get(lease.resource.id) ?? 0) + 1);
  return load;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(async () => {
  for (const pool of pools.splice(0)) await Promise.race([pool.close({ timeoutMs: 0 }), flush()]);
  vi.useRealTimers();
});

describe("Pool shared leases: 'when-full' (pipelining)", () => {
  it('takes an idle resource or creates one while under max, then shares the least loaded', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 2, capacity: 3 });
    const first = await pool.acquire({ shared: true });
    const second = await pool.acquire({ shared: true });
    expect(first.shared).toBe(true);
    expect(first.resource).not.toBe(second.resource);
    expect(factory.createCalls).toBe(2);

    // The pool is full now: shared acquires join the least loaded resource, alternating.
    const more: Lease<FakeConn>[] = [];
    for (let i = 0; i < 4; i++) more.push(await pool.acquire({ shared: true }));
    expect(factory.createCalls).toBe(2);
    const all = [first, second, ...more];
    expect([...loadOf(all).values()].sort()).toEqual([3, 3]);
    expect(pool.stats()).toMatchObject({
      size: 2,
      leased: 2,
      shared: 2,
      sharedLeases: 6,
      idle: 0,
      capacity: 3,
    });

    // Both at capacity: the next one waits for a slot, and gets the one that frees.
    const waiting = track(pool.acquire({ shared: true, timeoutMs: 1_000 }));
    await flush();
    expect(waiting.status).toBe('pending');
    second.release();
    await flush();
    expect(waiting.status).toBe('fulfilled');
    expect(waiting.value?.resource).toBe(second.resource);

    for (const lease of [first, ...more, waiting.value as Lease<FakeConn>]) lease.release();
    expect(pool.stats()).toMatchObject({ idle: 2, leased: 0, shared: 0, sharedLeases: 0 });
    await closeAndCheck(pool, factory);
  });

  it('prefers an idle resource to sharing a lent one', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 2, capacity: 4 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    b.release(); // one idle resource, the pool is at max
    const shared = await pool.acquire({ shared: true });
    expect(shared.resource).toBe(b.resource);
    const joined = await pool.acquire({ shared: true });
    expect(joined.resource).toBe(b.resource); // full, nothing idle: joins the shared one
    expect(factory.createCalls).toBe(2);
    a.release();
    shared.release();
    joined.release();
    await closeAndCheck(pool, factory);
  });

  it('an exclusive lease never gets a resource that carries shared leases, and is never shared', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1, capacity: 8 });
    const shared = await pool.acquire({ shared: true });
    const exclusive = track(pool.acquire({ timeoutMs: 500 }));
    await flush();
    expect(exclusive.status).toBe('pending');
    shared.release();
    await flush();
    expect(exclusive.status).toBe('fulfilled');
    const lease = exclusive.value as Lease<FakeConn>;
    expect(lease.shared).toBe(false);
    // While it is held, shared acquires wait instead of joining it.
    const sharedWaiter = track(pool.acquire({ shared: true, timeoutMs: 500 }));
    expect(pool.tryAcquire({ shared: true })).toBeUndefined();
    await flush();
    expect(sharedWaiter.status).toBe('pending');
    lease.release();
    await flush();
    expect(sharedWaiter.status).toBe('fulfilled');
    (sharedWaiter.value as Lease<FakeConn>).release();
    await closeAndCheck(pool, factory);
  });
});

describe("Pool shared leases: 'always' (multiplexing)", () => {
  it('shares the least loaded resource and creates only when every one is at capacity', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 3, capacity: 2, sharing: 'always' });
    const leases: Lease<FakeConn>[] = [];
    leases.push(await pool.acquire({ shared: true }));
    leases.push(await pool.acquire({ shared: true }));
    expect(factory.createCalls).toBe(1); // room under max, yet the first resource is shared
    leases.push(await pool.acquire({ shared: true }));
    expect(factory.createCalls).toBe(2); // the first one is at capacity
    leases.push(await pool.acquire({ shared: true }));
    expect(factory.createCalls).toBe(2);
    expect([...loadOf(leases).values()]).toEqual([2, 2]);
    // A freed slot is used before anything new is created.
    (leases.shift() as Lease<FakeConn>).release();
    leases.push(await pool.acquire({ shared: true }));
    expect(factory.createCalls).toBe(2);
    expect([...loadOf(leases).values()]).toEqual([2, 2]);
    for (const lease of leases) lease.release();
    await closeAndCheck(pool, factory);
  });

  it('waiters that queued for the first resource all join it once it exists', async () => {
    const factory = new FakeFactory();
    factory.plan.push({ kind: 'ok', delayMs: 50 });
    const pool = makePool(factory, { max: 1, capacity: 10, sharing: 'always' });
    const waiters = Array.from({ length: 5 }, () => track(pool.acquire({ shared: true, timeoutMs: 1_000 })));
    await vi.advanceTimersByTimeAsync(50);
    expect(waiters.map((waiter) => waiter.status)).toEqual(Array(5).fill('fulfilled'));
    expect(new Set(waiters.map((waiter) => waiter.value?.resource.id)).size).toBe(1);
    expect(pool.stats()).toMatchObject({ size: 1, shared: 1, sharedLeases: 5, waiting: 0 });
    for (const waiter of waiters) waiter.value?.release();
    await closeAndCheck(pool, factory);
  });
});

describe('Pool shared leases: linger', () => {
  it('a resource whose last shared lease ended stays shared until the next tick, then goes idle', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 2, capacity: 4, lingerShared: true });
    const lease = await pool.acquire({ shared: true });
    lease.release();
    expect(pool.stats()).toMatchObject({ idle: 0, leased: 1, shared: 1, sharedLeases: 0 });
    // The caller's next statement (same tick) gets it back without a trip through the idle list.
    const again = pool.tryAcquire({ shared: true });
    expect(again?.resource).toBe(lease.resource);
    again?.release();
    await nextTick();
    expect(pool.stats()).toMatchObject({ idle: 1, leased: 0, shared: 0 });
    await closeAndCheck(pool, factory);
  });

  it('a caller awaiting statements one after another keeps one resource and never idles it', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 4, capacity: 4, lingerShared: true });
    const idleSeen: number[] = [];
    const ids = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const lease = await pool.acquire({ shared: true });
      ids.add(lease.resource.id);
      await Promise.resolve(); // the "statement"
      lease.release();
      idleSeen.push(pool.idle);
    }
    expect(ids.size).toBe(1);
    expect(factory.createCalls).toBe(1);
    expect(idleSeen.every((idle) => idle === 0)).toBe(true);
    await nextTick();
    expect(pool.idle).toBe(1);
    await closeAndCheck(pool, factory);
  });

  it('does not linger when someone is waiting: the waiter gets the resource at once', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1, capacity: 2, lingerShared: true });
    const shared = await pool.acquire({ shared: true });
    const exclusive = track(pool.acquire({ timeoutMs: 100 }));
    await flush();
    shared.release();
    expect(pool.stats()).toMatchObject({ shared: 0, sharedLeases: 0, leased: 1, waiting: 0 });
    await flush();
    expect(exclusive.value?.resource).toBe(shared.resource);
    exclusive.value?.release();
    await closeAndCheck(pool, factory);
  });

  it('an exclusive acquire takes a lingering resource at once', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1, capacity: 2, lingerShared: true });
    const shared = await pool.acquire({ shared: true });
    shared.release();
    expect(pool.availability()).toBe('now');
    const exclusive = pool.tryAcquire();
    expect(exclusive?.resource).toBe(shared.resource);
    expect(pool.stats()).toMatchObject({ shared: 0, leased: 1 });
    await nextTick();
    expect(pool.stats()).toMatchObject({ idle: 0, leased: 1 }); // the tick left it alone
    exclusive?.release();
    await closeAndCheck(pool, factory);
  });

  it('close() destroys lingering resources at once', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1, capacity: 2, lingerShared: true });
    (await pool.acquire({ shared: true })).release();
    await closeAndCheck(pool, factory);
    await nextTick();
    expect(factory.destroyed).toHaveLength(1);
  });
});

describe('Pool shared leases: fairness', () => {
  it('an exclusive waiter is not starved by a stream of shared acquires (they queue behind it)', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1, capacity: 4 });
    const first = await pool.acquire({ shared: true });
    const exclusive = track(pool.acquire({ timeoutMs: 1_000 }));
    const later = Array.from({ length: 6 }, () => track(pool.acquire({ shared: true, timeoutMs: 1_000 })));
    await flush();
    // The resource carries one shared lease with room for three more, yet nobody joins it.
    expect(pool.tryAcquire({ shared: true })).toBeUndefined();
    expect(later.every((waiter) => waiter.status === 'pending')).toBe(true);
    expect(pool.stats().sharedLeases).toBe(1);
    first.release();
    await flush();
    expect(exclusive.status).toBe('fulfilled');
    expect(later.every((waiter) => waiter.status === 'pending')).toBe(true);
    exclusive.value?.release();
    await flush();
    // Then the shared waiters, in order, up to capacity.
    expect(later.map((waiter) => waiter.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'pending',
      'pending',
    ]);
    for (const waiter of later.slice(0, 4)) waiter.value?.release();
    await flush();
    expect(later.every((waiter) => waiter.status === 'fulfilled')).toBe(true);
    for (const waiter of later.slice(4)) waiter.value?.release();
    await closeAndCheck(pool, factory);
  });

  it('shared waiters ahead of an exclusive one are served first', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1, capacity: 2 });
    const held = await pool.acquire();
    const sharedA = track(pool.acquire({ shared: true, timeoutMs: 1_000 }));
    const sharedB = track(pool.acquire({ shared: true, timeoutMs: 1_000 }));
    const exclusive = track(pool.acquire({ timeoutMs: 1_000 }));
    await flush();
    held.release();
    await flush();
    expect([sharedA.status, sharedB.status, exclusive.status]).toEqual(['fulfilled', 'fulfilled', 'pending']);
    sharedA.value?.release();
    sharedB.value?.release();
    await flush();
    expect(exclusive.status).toBe('fulfilled');
    exclusive.value?.release();
    await closeAndCheck(pool, factory);
  });
});

describe('Pool shared leases: destroy, loss, double release', () => {
  it('destroying one shared lease removes the resource for every holder; their leases end as no-ops', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1, capacity: 3, sharing: 'always' });
    const [a, b, c] = [
      await pool.acquire({ shared: true }),
      await pool.acquire({ shared: true }),
      await pool.acquire({ shared: true }),
    ] as [Lease<FakeConn>, Lease<FakeConn>, Lease<FakeConn>];
    a.destroy(new Error('socket reset'));
    expect(factory.destroyed).toEqual([a.resource]);
    expect(pool.stats()).toMatchObject({ size: 0, leased: 0, shared: 0, sharedLeases: 0 });
    b.release();
    c.destroy();
    expect(factory.destroyed).toHaveLength(1);
    expect(pool.stats()).toMatchObject({ size: 0, leased: 0, shared: 0, sharedLeases: 0 });
    expect(() => b.release()).toThrow(PoolDoubleReleaseError);
    expect(() => a.release()).toThrow(PoolDoubleReleaseError);
    const next = await pool.acquire({ shared: true });
    expect(next.resource).not.toBe(a.resource);
    next.release();
    await closeAndCheck(pool, factory);
  });

  it("the factory's lost callback drops a resource wherever it is; min refills at once", async () => {
    const factory = new FakeFactory();
    const lost = vi.fn();
    const pool = makePool(factory, { min: 1, max: 3, capacity: 2, observer: { lost } });
    await flush();
    const [idle] = [...factory.alive] as [FakeConn];
    idle.lose(refused());
    await flush();
    expect(idle.destroyed).toBe(true);
    expect(lost).toHaveBeenCalledWith(expect.any(ConnectionError));
    expect(pool.size).toBe(1); // replaced by the prefill
    expect(factory.createCalls).toBe(2);

    const shared = await pool.acquire({ shared: true });
    const exclusive = await pool.acquire();
    shared.resource.lose();
    exclusive.resource.lose();
    expect(pool.stats()).toMatchObject({ leased: 0, sharedLeases: 0 });
    shared.release();
    exclusive.release();
    expect(() => exclusive.release()).toThrow(PoolDoubleReleaseError);
    expect(factory.doubleDestroys).toBe(0);
    await closeAndCheck(pool, factory);
  });

  it('a resource lost before it was delivered fails its create instead of reaching the waiter', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1 });
    const create = factory.create.bind(factory);
    factory.create = (signal, lost) => {
      lost(new Error('closed during handshake'));
      return create(signal, lost);
    };
    const acquire = track(pool.acquire({ timeoutMs: 100 }));
    await flush();
    expect(acquire.error).toBeInstanceOf(ConnectionError);
    expect(((acquire.error as ConnectionError).cause as Error).message).toBe('closed during handshake');
    expect(factory.alive.size).toBe(0);
    await closeAndCheck(pool, factory);
  });

  it('pool:destroy says why (lost, destroyed) and pool:acquire says shared', async () => {
    const seen: Array<[string, Record<string, unknown>]> = [];
    const events: EventPublisher = {
      channelName: (event) => event,
      publish: (event, payload) => seen.push([event, payload() as Record<string, unknown>]),
      hasSubscribers: () => true,
    };
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 2, capacity: 2, events });
    const lease = await pool.acquire({ shared: true });
    lease.resource.lose();
    const other = await pool.acquire({ shared: true });
    other.destroy();
    expect(seen.filter(([event]) => event === 'pool:acquire').map(([, p]) => p['shared'])).toEqual([
      true,
      true,
    ]);
    expect(seen.filter(([event]) => event === 'pool:destroy').map(([, p]) => p['reason'])).toEqual([
      'lost',
      'destroyed',
    ]);
    await closeAndCheck(pool, factory);
  });
});

describe('Pool: tryAcquire, availability, back-off', () => {
  it('tryAcquire never waits or creates; it throws after close', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1 });
    expect(pool.tryAcquire()).toBeUndefined();
    expect(factory.createCalls).toBe(0);
    (await pool.acquire()).release();
    const lease = pool.tryAcquire();
    expect(lease?.shared).toBe(false);
    expect(pool.tryAcquire()).toBeUndefined();
    lease?.release();
    await closeAndCheck(pool, factory);
    expect(() => pool.tryAcquire()).toThrow(PoolClosedError);
  });

  it('availability says now, create, wait or closed', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1, capacity: 2 });
    expect(pool.availability()).toBe('create');
    const shared = await pool.acquire({ shared: true });
    expect(pool.availability({ shared: true })).toBe('now'); // full: joins
    expect(pool.availability()).toBe('wait');
    const second = await pool.acquire({ shared: true });
    expect(pool.availability({ shared: true })).toBe('wait'); // at capacity
    shared.release();
    second.release();
    expect(pool.availability()).toBe('now');
    await closeAndCheck(pool, factory);
    expect(pool.availability()).toBe('closed');
  });

  it('failed creates start a back-off with equal jitter; a success resets it; the observer hears all', async () => {
    const factory = new FakeFactory().failNext(3);
    const calls: string[] = [];
    const observer: PoolObserver = {
      created: () => calls.push('created'),
      createFailed: (error, backoffMs) => calls.push(`failed ${error.code} ${backoffMs}`),
      retryScheduled: (delayMs) => calls.push(`retry ${delayMs}`),
    };
    const pool = makePool(factory, {
      min: 1,
      prefillRetry: { baseMs: 100, maxMs: 1_000 },
      random: () => 0.5,
      observer,
    });
    await flush();
    expect(pool.backoffRemainingMs).toBe(75); // 100/2 + 0.5 * 100/2
    await vi.advanceTimersByTimeAsync(75);
    expect(pool.backoffRemainingMs).toBe(150);
    await vi.advanceTimersByTimeAsync(150);
    await vi.advanceTimersByTimeAsync(300);
    expect(pool.size).toBe(1);
    expect(pool.backoffRemainingMs).toBe(0);
    expect(calls).toEqual([
      'failed CONN_CONNECTION_FAILED 75',
      'retry 75',
      'failed CONN_CONNECTION_FAILED 150',
      'retry 150',
      'failed CONN_CONNECTION_FAILED 300',
      'retry 300',
      'created',
    ]);
    await closeAndCheck(pool, factory);
  });
});

describe('Pool shared leases: close, clear, limits', () => {
  it('close waits for shared leases; a forced close makes them no-ops', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 1, capacity: 2 });
    const a = await pool.acquire({ shared: true });
    const b = await pool.acquire({ shared: true });
    const closed = track(pool.close({ timeoutMs: 100 }));
    a.release();
    await flush();
    expect(closed.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(100);
    expect(closed.status).toBe('fulfilled');
    expect(factory.alive.size).toBe(0);
    b.release(); // the resource was force-destroyed: a no-op
    expect(factory.doubleDestroys).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('after clear() an old shared resource takes no new shared lease and leaves when its last one ends', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 2, capacity: 4, sharing: 'always' });
    const old = await pool.acquire({ shared: true });
    pool.clear();
    const fresh = await pool.acquire({ shared: true });
    expect(fresh.resource).not.toBe(old.resource);
    old.release();
    expect(old.resource.destroyed).toBe(true);
    fresh.release();
    await closeAndCheck(pool, factory);
  });

  it('a shared resource stops taking leases at maxUses and is retired when they end', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 2, capacity: 4, sharing: 'always', maxUses: 2 });
    const a = await pool.acquire({ shared: true });
    const b = await pool.acquire({ shared: true });
    const c = await pool.acquire({ shared: true });
    expect(b.resource).toBe(a.resource);
    expect(c.resource).not.toBe(a.resource);
    a.release();
    b.release();
    expect(a.resource.destroyed).toBe(true);
    c.release();
    await closeAndCheck(pool, factory);
  });

  it('a shared resource found unusable takes no new lease', async () => {
    const factory = new FakeFactory();
    const pool = makePool(factory, { max: 2, capacity: 4, sharing: 'always' });
    const a = await pool.acquire({ shared: true });
    a.resource.reusable = false;
    const b = await pool.acquire({ shared: true });
    expect(b.resource).not.toBe(a.resource);
    a.release();
    expect(a.resource.destroyed).toBe(true);
    b.release();
    await closeAndCheck(pool, factory);
  });

  it.each([
    [{ capacity: 0 }, 'capacity'],
    [{ capacity: 1.5 }, 'capacity'],
    [{ sharing: 'sometimes' }, 'sharing'],
    [{ lingerShared: 'yes' }, 'lingerShared'],
    [{ observer: 'x' }, 'observer'],
  ] as const)('rejects %j with a ConfigError on %s', (options, field) => {
    let caught: unknown;
    try {
      new Pool(new FakeFactory(), options as unknown as PoolOptions);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).field).toBe(field);
  });
});
