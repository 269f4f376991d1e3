import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeadline } from '../../src/abort.js';
import type { EventPublisher } from '../../src/diagnostics.js';
import {
  AuthenticationError,
  ConfigError,
  ConnectionError,
  PoolClosedError,
  PoolDoubleReleaseError,
  TimeoutError,
} from '../../src/errors/index.js';
import type { HostSpec } from '../../src/hosts/host-selector.js';
import { HostPool, type HostPoolOptions } from '../../src/hosts/index.js';
import { seededRandom } from '../../src/random.js';
import { type FakeConn, FakeFactory, flush, refused, track } from '../support/fake-factory.js';

interface Host extends HostSpec {
  readonly host: string;
  readonly port: number;
}

const a: Host = { host: 'a', port: 1 };
const b: Host = { host: 'b', port: 2, weight: 3 };
const backup: Host = { host: 'c', port: 3, backup: true };

/** Per-host fake factories and every published event. */
class Fixture {
  readonly factories = new Map<string, FakeFactory>();
  readonly events: Array<{ event: string; payload: Record<string, unknown> }> = [];
  readonly publisher: EventPublisher = {
    channelName: (event) => event,
    publish: (event, payload) => {
      if (event.startsWith('host:'))
        this.events.push({ event, payload: payload() as Record<string, unknown> });
    },
    hasSubscribers: () => true,
  };
  readonly pools: HostPool<Host, FakeConn>[] = [];

  factory(host: string): FakeFactory {
    const factory = this.factories.get(host);
    if (factory === undefined) throw new Error(`no factory for ${host}`);
    return factory;
  }

  make(hosts: readonly Host[], options: HostPoolOptions<Host> = {}): HostPool<Host, FakeConn> {
    const pool = new HostPool<Host, FakeConn>(
      hosts,
      (host) => {
        const factory = this.factories.get(host.host) ?? new FakeFactory(host.host);
        this.factories.set(host.host, factory);
        return factory;
      },
      {
        events: this.publisher,
        random: seededRandom(42),
        ...options,
        pool: { idleTimeoutMs: 0, ...options.pool },
      },
    );
    this.pools.push(pool);
    return pool;
  }

  named(event: string): Array<Record<string, unknown>> {
    return this.events.filter((entry) => entry.event === event).map((entry) => entry.payload);
  }

  /** Every resource ever created is destroyed exactly once, and no timer is left. */
  async closeAndCheck(pool: HostPool<Host, FakeConn>): Promise<void> {
    const closed = track(pool.close({ timeoutMs: 0 }));
    await vi.advanceTimersByTimeAsync(0);
    await flush();
    expect(closed.status).toBe('fulfilled');
    for (const factory of this.factories.values()) {
      expect(factory.alive.size).toBe(0);
      expect(factory.doubleDestroys).toBe(0);
    }
    expect(vi.getTimerCount()).toBe(0);
  }
}

let fixture: Fixture;

beforeEach(() => {
  vi.useFakeTimers();
  fixture = new Fixture();
});

afterEach(async () => {
  for (const pool of fixture.pools) await Promise.race([pool.close({ timeoutMs: 0 }), flush()]);
  vi.useRealTimers();
});

function auth(): AuthenticationError {
  return new AuthenticationError('invalid credentials for user iris');
}

describe('HostPool: host choice', () => {
  it('spreads shared leases over connected primaries by weight (1:3), never to the backup', async () => {
    const pool = fixture.make([a, b, backup], {
      minPerHost: 1,
      pool: { max: 1, capacity: 1_000, sharing: 'always' },
    });
    await flush();
    expect(pool.stats().hosts.map((host) => host.pool.size)).toEqual([1, 1, 1]);
    const counts = new Map<string, number>();
    for (let i = 0; i < 4_000; i++) {
      const lease = await pool.acquire({ shared: true });
      counts.set(lease.host.host, (counts.get(lease.host.host) ?? 0) + 1);
      lease.release();
    }
    expect(counts.get('c')).toBeUndefined();
    const shareOfB = (counts.get('b') ?? 0) / 4_000;
    expect(shareOfB).toBeGreaterThan(0.71);
    expect(shareOfB).toBeLessThan(0.79);
    await fixture.closeAndCheck(pool);
  });

  it('uses a backup only while no primary can serve, and goes back to the primary when it can', async () => {
    const pool = fixture.make([a, backup], { reconnect: { baseMs: 1_000, maxMs: 1_000 } });
    fixture.factories.get('a')?.failNext(1);
    // First acquire: a is tried (fails), then c serves.
    const first = await pool.acquire({ timeoutMs: 5_000 });
    expect(first.host).toBe(backup);
    expect(fixture.factory('a').createCalls).toBe(1);
    first.release();
    // While a backs off, c serves; once the back-off ended, a is chosen again (it can create).
    expect((await pool.acquire()).host).toBe(backup);
    await vi.advanceTimersByTimeAsync(1_000);
    const again = await pool.acquire();
    expect(again.host).toBe(a);
    again.release();
    await fixture.closeAndCheck(pool);
  });

  it('prefers a host with an idle connection to one that would have to connect', async () => {
    const pool = fixture.make([a, { host: 'b', port: 2 }]);
    const first = await pool.acquire();
    first.release();
    const hosts = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const lease = await pool.acquire();
      hosts.add(lease.host.host);
      lease.release();
    }
    expect(hosts).toEqual(new Set([first.host.host]));
    expect([...fixture.factories.values()].reduce((sum, factory) => sum + factory.createCalls, 0)).toBe(1);
    await fixture.closeAndCheck(pool);
  });

  it('exclude never uses a host; avoid uses it only when nothing else can serve', async () => {
    const hostB: Host = { host: 'b', port: 2 };
    const pool = fixture.make([a, hostB], { pool: { max: 1 } });
    const onA = await pool.acquire({ exclude: new Set([hostB]) });
    expect(onA.host).toBe(a);
    onA.release();
    const avoided = await pool.acquire({ avoid: new Set([a]) });
    expect(avoided.host).toBe(hostB);
    const fallback = await pool.acquire({ avoid: new Set([a]) });
    expect(fallback.host).toBe(a); // b is busy: the avoided host serves
    const excluded = track(pool.acquire({ exclude: new Set([a]), timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(excluded.error).toBeInstanceOf(TimeoutError);
    expect((excluded.error as TimeoutError).details['hosts']).toContain('a:1 excluded');
    avoided.release();
    fallback.release();
    await fixture.closeAndCheck(pool);
  });

  it('markInactive keeps a host out (allowInactive uses it) until its period ends', async () => {
    const pool = fixture.make([a], { inactiveMs: 5_000 });
    (await pool.acquire()).release(); // connected first: a new connection would end the period
    pool.markInactive(a);
    expect(fixture.named('host:inactive')).toEqual([{ host: 'a', port: 1, inactiveMs: 5_000 }]);
    expect(pool.isInactive(a)).toBe(true);
    const allowed = await pool.acquire({ allowInactive: true });
    expect(allowed.host).toBe(a);
    allowed.release();
    const waiting = track(pool.acquire({ timeoutMs: 10_000 }));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(waiting.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(waiting.status).toBe('fulfilled');
    waiting.value?.release();
    expect(() => pool.markInactive({ host: 'a', port: 1 })).toThrow(ConfigError);
    await fixture.closeAndCheck(pool);
  });
});

describe('HostPool: one host', () => {
  it('tryAcquire lends at once unless the host is excluded, sits out (without allowInactive) or is busy', async () => {
    const pool = fixture.make([a], { pool: { max: 1 } });
    expect(pool.tryAcquire()).toBeUndefined(); // not connected yet
    (await pool.acquire()).release();
    const first = pool.tryAcquire();
    expect(first?.host).toBe(a);
    expect(pool.tryAcquire()).toBeUndefined(); // its one connection is lent exclusively
    first?.release();
    expect(pool.tryAcquire({ exclude: new Set([a]) })).toBeUndefined();
    const avoided = pool.tryAcquire({ avoid: new Set([a]) });
    expect(avoided?.host).toBe(a); // avoid is a preference: nothing else can serve
    avoided?.release();
    pool.markInactive(a);
    expect(pool.tryAcquire()).toBeUndefined();
    const allowed = pool.tryAcquire({ allowInactive: true });
    expect(allowed?.host).toBe(a);
    allowed?.release();
    await fixture.closeAndCheck(pool);
  });
});

describe('HostPool: a burst of requests before the first connection', () => {
  it('serves every waiter once connected, opens one connection, and tells them one shared error meanwhile', async () => {
    // As a multiplexing driver sets it up: one shared connection, opened in the background.
    const factory = new FakeFactory('a');
    factory.plan.push({ kind: 'ok', delayMs: 50 });
    fixture.factories.set('a', factory);
    const pool = fixture.make([a], { minPerHost: 1, pool: { max: 1, capacity: 5_000, sharing: 'always' } });
    const told: unknown[] = [];
    const waiters = Array.from({ length: 3_000 }, () =>
      track(pool.acquire({ shared: true, onFailure: (error) => told.push(error) })),
    );
    await vi.advanceTimersByTimeAsync(0);
    // Every waiter that found no host was told (the first may have joined the connection under way).
    expect(told.length).toBeGreaterThanOrEqual(2_999);
    expect(new Set(told).size).toBe(1);
    expect((told[0] as Error).message).toBe('no host can serve now: a:1 connecting');
    await vi.advanceTimersByTimeAsync(50);
    expect(waiters.every((waiter) => waiter.status === 'fulfilled')).toBe(true);
    expect(fixture.factory('a').createCalls).toBe(1);
    for (const waiter of waiters) waiter.value?.release();
    await fixture.closeAndCheck(pool);
  });
});

describe('HostPool: reconnection', () => {
  it('reconnects in the background with exponential back-off and equal jitter, reset after a success', async () => {
    const random = seededRandom(7);
    const pool = fixture.make([a], {
      minPerHost: 1,
      reconnect: { baseMs: 1_000, maxMs: 8_000 },
      random,
    });
    fixture.factories.get('a')?.failNext(6);
    await flush();
    for (let i = 0; i < 6; i++) await vi.advanceTimersByTimeAsync(8_000);
    const delays = fixture.named('host:reconnect-scheduled').map((event) => event['delayMs'] as number);
    expect(delays).toHaveLength(6);
    delays.forEach((delay, n) => {
      const ceiling = Math.min(8_000, 1_000 * 2 ** n);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThan(ceiling);
    });
    // The attempts happened exactly when scheduled.
    const times = fixture.factory('a').createTimes;
    const gaps = times.slice(1).map((time, n) => time - (times[n] as number));
    expect(gaps).toHaveLength(6);
    gaps.forEach((gap, n) => {
      expect(Math.abs(gap - (delays[n] as number))).toBeLessThanOrEqual(1);
    });
    expect(pool.stats().hosts[0]?.pool.size).toBe(1);
    expect(fixture.named('host:connect')).toHaveLength(1);

    // A lost connection is replaced at once; a failure after that starts from the base again.
    fixture.factory('a').failNext(1);
    const [connection] = [...fixture.factory('a').alive] as [FakeConn];
    connection.lose(refused());
    await flush();
    expect(fixture.named('host:disconnect')).toHaveLength(1);
    const lastDelay = fixture.named('host:reconnect-scheduled').at(-1)?.['delayMs'] as number;
    expect(lastDelay).toBeGreaterThanOrEqual(500);
    expect(lastDelay).toBeLessThan(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(pool.stats().hosts[0]?.pool.size).toBe(1);
    await fixture.closeAndCheck(pool);
  });

  it('a waiter gets a connection as soon as a refusing host comes back', async () => {
    const pool = fixture.make([a], { reconnect: { baseMs: 200, maxMs: 200 }, random: () => 0 });
    fixture.factories.get('a')?.failNext(2);
    const waiting = track(pool.acquire({ timeoutMs: 1_000 }));
    await flush();
    expect(waiting.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(100); // back-off: 200/2 + 0
    await flush();
    expect(waiting.status).toBe('pending'); // second attempt failed too
    await vi.advanceTimersByTimeAsync(100);
    expect(waiting.status).toBe('fulfilled');
    expect(fixture.factory('a').createCalls).toBe(3);
    waiting.value?.release();
    await fixture.closeAndCheck(pool);
  });

  it('a lost shared connection ends its leases as no-ops and a new one serves', async () => {
    const pool = fixture.make([a], { minPerHost: 1, pool: { max: 1, capacity: 8, sharing: 'always' } });
    await flush();
    const first = await pool.acquire({ shared: true });
    const second = await pool.acquire({ shared: true });
    expect(second.resource).toBe(first.resource);
    first.resource.lose(new Error('peer closed'));
    await flush();
    first.release();
    second.destroy();
    expect(() => first.release()).toThrow(PoolDoubleReleaseError);
    const next = await pool.acquire({ shared: true });
    expect(next.resource).not.toBe(first.resource);
    next.release();
    expect(fixture.named('host:disconnect')).toHaveLength(1);
    await fixture.closeAndCheck(pool);
  });
});

describe('HostPool: connectAll', () => {
  it('tries every host once and reports each outcome; a host in back-off is tried again at once', async () => {
    const pool = fixture.make([a, b], {
      minPerHost: 1,
      reconnect: { baseMs: 60_000, maxMs: 60_000 },
      pool: { max: 1, capacity: 8, sharing: 'always' },
    });
    fixture.factories.get('a')?.plan.push({ kind: 'fail', error: refused(), delayMs: 50 });
    const first = track(pool.connectAll());
    await vi.advanceTimersByTimeAsync(49);
    expect(first.status).toBe('pending'); // waits for a's attempt under way, not only for b
    await vi.advanceTimersByTimeAsync(1);
    expect(first.value?.map((attempt) => attempt.host)).toEqual([a, b]);
    expect(first.value?.[0]?.error).toBeInstanceOf(ConnectionError);
    expect(first.value?.[1]?.error).toBeUndefined();
    // The background attempts were taken over: one create per host so far.
    expect(fixture.factory('a').createCalls).toBe(1);
    expect(fixture.factory('b').createCalls).toBe(1);
    expect(pool.stats().hosts[0]?.backoffMs).toBeGreaterThan(0);

    // a backs off for at least 30 s; connectAll tries it now, and b's live connection counts as it is.
    const second = track(pool.connectAll());
    await flush();
    expect(second.value?.map((attempt) => attempt.error)).toEqual([undefined, undefined]);
    expect(fixture.factory('a').createCalls).toBe(2);
    expect(fixture.factory('b').createCalls).toBe(1);
    expect(pool.stats().hosts.map((host) => host.pool.size)).toEqual([1, 1]);
    await fixture.closeAndCheck(pool);
  });

  it('rejects with the abort reason, and with PoolClosedError when the pool closes meanwhile', async () => {
    const pool = fixture.make([a], { minPerHost: 1 });
    fixture.factories.get('a')?.plan.push({ kind: 'hang' }, { kind: 'hang' });
    const controller = new AbortController();
    const aborted = track(pool.connectAll({ signal: controller.signal }));
    await flush();
    controller.abort();
    await flush();
    expect((aborted.error as Error).name).toBe('AbortError');
    const closing = track(pool.connectAll());
    await flush();
    const closed = track(pool.close({ timeoutMs: 0 }));
    await flush();
    expect(closing.error).toBeInstanceOf(PoolClosedError);
    expect(closed.status).toBe('fulfilled');
    await expect(pool.connectAll()).rejects.toBeInstanceOf(PoolClosedError);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('HostPool: failures and deadlines', () => {
  it('fails at once with the permanent error when every host refuses the credentials', async () => {
    const pool = fixture.make([a, b]);
    fixture.factories.get('a')?.failNext(1, auth());
    fixture.factories.get('b')?.failNext(1, auth());
    const started = Date.now();
    const acquire = track(pool.acquire({ timeoutMs: 60_000 }));
    await flush();
    expect(acquire.error).toBeInstanceOf(AuthenticationError);
    expect(Date.now()).toBe(started);
    // Later acquires fail at once too while both back off, without a new attempt.
    const again = track(pool.acquire({ timeoutMs: 60_000 }));
    await flush();
    expect(again.error).toBeInstanceOf(AuthenticationError);
    expect(fixture.factory('a').createCalls + fixture.factory('b').createCalls).toBe(2);
    await fixture.closeAndCheck(pool);
  });

  it('a waiter already waiting gets the permanent error when the last host fails permanently', async () => {
    const pool = fixture.make([a], { minPerHost: 1, pool: { max: 1 } });
    fixture.factories.get('a')?.plan.push({ kind: 'fail', error: auth(), delayMs: 50 });
    await flush();
    const waiting = track(pool.acquire({ timeoutMs: 60_000 }));
    await vi.advanceTimersByTimeAsync(49);
    expect(waiting.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(waiting.error).toBeInstanceOf(AuthenticationError);
    await fixture.closeAndCheck(pool);
  });

  it('transient failures wait until the deadline, then a TimeoutError names each host', async () => {
    const pool = fixture.make([a, b], { reconnect: { baseMs: 100, maxMs: 400 } });
    fixture.factories.get('a')?.failNext(1_000);
    fixture.factories.get('b')?.failNext(1_000, auth());
    const onFailure = vi.fn();
    const acquire = track(pool.acquire({ timeoutMs: 5_000, onFailure }));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(acquire.status).toBe('pending'); // a may still come back: b's permanent error alone is not enough
    await vi.advanceTimersByTimeAsync(1);
    const error = acquire.error as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.retryable).toBe(true);
    expect(error.details['timeoutMs']).toBe(5_000);
    expect(error.details['hosts']).toBe(
      'a:1 CONN_CONNECTION_FAILED: pool hosts a:1: create failed (ECONNREFUSED); ' +
        'b:2 CONN_AUTH_FAILED: invalid credentials for user iris',
    );
    expect(error.message).toContain('no host could serve within 5000 ms');
    const summary = error.cause as ConnectionError;
    expect(summary.code).toBe('CONN_NO_HOST_AVAILABLE');
    const lastErrors = pool.stats().hosts.map((host) => host.lastError);
    expect(lastErrors).toContain(summary.cause);
    expect(fixture.factory('a').createCalls).toBeGreaterThan(3); // retried with back-off meanwhile
    expect(fixture.factory('a').createCalls).toBeLessThan(40);
    expect(onFailure).toHaveBeenCalled();
    const told = onFailure.mock.calls.at(-1) as [ConnectionError];
    expect(told[0].message).toContain('b:2 CONN_AUTH_FAILED');
    await fixture.closeAndCheck(pool);
  });

  it("a deadline signal's TimeoutError gets the per-host summary as its cause", async () => {
    const pool = fixture.make([a]);
    fixture.factories.get('a')?.failNext(100);
    const deadline = createDeadline({ timeoutMs: 300 }, { what: 'query' });
    const acquire = track(pool.acquire({ signal: deadline.signal, timeoutMs: Number.POSITIVE_INFINITY }));
    await vi.advanceTimersByTimeAsync(300);
    const error = acquire.error as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/^query timed out after 300 ms \(a:1 CONN_CONNECTION_FAILED/);
    expect((error.cause as ConnectionError).code).toBe('CONN_NO_HOST_AVAILABLE');
    deadline.dispose();
    await fixture.closeAndCheck(pool);
  });

  it('an abort rejects with AbortError and leaves nothing waiting', async () => {
    const pool = fixture.make([a], { pool: { max: 1 } });
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = track(pool.acquire({ signal: controller.signal }));
    await flush();
    controller.abort();
    await flush();
    expect((waiting.error as Error).name).toBe('AbortError');
    expect(pool.stats().waiting).toBe(0);
    held.release();
    await fixture.closeAndCheck(pool);
  });
});

describe('HostPool: fairness, close, stats, options', () => {
  it('an exclusive waiter is served before shared acquires that came after it', async () => {
    const pool = fixture.make([a], { pool: { max: 1, capacity: 4, sharing: 'always' } });
    const first = await pool.acquire({ shared: true });
    const exclusive = track(pool.acquire({ timeoutMs: 1_000 }));
    await flush();
    const later = Array.from({ length: 5 }, () => track(pool.acquire({ shared: true, timeoutMs: 1_000 })));
    expect(pool.tryAcquire({ shared: true })).toBeUndefined();
    await flush();
    expect(later.every((waiter) => waiter.status === 'pending')).toBe(true);
    first.release();
    await flush();
    expect(exclusive.status).toBe('fulfilled');
    exclusive.value?.release();
    await flush();
    expect(later.filter((waiter) => waiter.status === 'fulfilled')).toHaveLength(4);
    for (const waiter of later) waiter.value?.release();
    await flush();
    expect(later.every((waiter) => waiter.status === 'fulfilled')).toBe(true);
    for (const waiter of later.slice(4)) waiter.value?.release();
    await fixture.closeAndCheck(pool);
  });

  it('close() rejects waiters, aborts connection attempts and leaves no timer', async () => {
    const pool = fixture.make([a, b], { minPerHost: 1 });
    fixture.factories.get('a')?.plan.push({ kind: 'hang' });
    fixture.factories.get('b')?.failNext(1);
    await flush();
    const waiting = track(pool.acquire({ timeoutMs: 60_000 }));
    await flush();
    const closed = track(pool.close());
    await flush();
    expect(closed.status).toBe('fulfilled');
    expect(waiting.error).toBeInstanceOf(PoolClosedError);
    expect(vi.getTimerCount()).toBe(0);
    await expect(pool.acquire()).rejects.toBeInstanceOf(PoolClosedError);
    expect(() => pool.tryAcquire()).toThrow(PoolClosedError);
    expect(pool.close()).toBe(pool.close());
  });

  it('stats() reports each host', async () => {
    const pool = fixture.make([a, backup], { reconnect: { baseMs: 1_000 }, random: () => 0 });
    fixture.factories.get('c')?.failNext(1);
    const lease = await pool.acquire();
    pool.markInactive(backup);
    const failed = track(pool.acquire({ exclude: new Set([a]), allowInactive: true, timeoutMs: 10 }));
    await flush();
    const stats = pool.stats();
    expect(stats).toMatchObject({ name: 'hosts', closed: false, waiting: 1 });
    expect(stats.hosts[0]).toMatchObject({ host: 'a', port: 1, weight: 1, backup: false, inactive: false });
    expect(stats.hosts[0]?.pool).toMatchObject({ name: 'hosts a:1', size: 1, leased: 1 });
    expect(stats.hosts[1]).toMatchObject({ host: 'c', backup: true, inactive: true, backoffMs: 500 });
    expect(stats.hosts[1]?.lastError).toBeInstanceOf(ConnectionError);
    await vi.advanceTimersByTimeAsync(10);
    expect(failed.error).toBeInstanceOf(TimeoutError);
    lease.release();
    await fixture.closeAndCheck(pool);
  });

  it.each([
    [{ pool: { min: 1 } }, 'pool.min'],
    [{ pool: { name: 'x' } }, 'pool.name'],
    [{ minPerHost: -1 }, 'minPerHost'],
    [{ minPerHost: 2, pool: { max: 1 } }, 'minPerHost'],
    [{ reconnect: { baseMs: 0 } }, 'reconnect.baseMs'],
    [{ reconnect: { baseMs: 500, maxMs: 100 } }, 'reconnect.maxMs'],
    [{ inactiveMs: -1 }, 'inactiveMs'],
    [{ isPermanent: 'yes' }, 'isPermanent'],
  ] as const)('rejects %j with a ConfigError on %s', (options, field) => {
    let caught: unknown;
    try {
      fixture.make([a], options as unknown as HostPoolOptions<Host>);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).field).toBe(field);
  });
});
