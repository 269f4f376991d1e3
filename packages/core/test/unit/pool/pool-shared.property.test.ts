import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { PoolDoubleReleaseError } from '../../../src/errors/index.js';
import { type Lease, Pool, type PoolOptions } from '../../../src/pool/index.js';
import { seededRandom } from '../../../src/random.js';
import { type FakeConn, FakeFactory, flush, nextTick, type Step } from '../../support/fake-factory.js';

// Random sequences of shared and exclusive acquires, releases, destroys, losses (the factory's
// lost callback), aborts, timeouts and clear() against creates that succeed, fail, hang or finish
// late: no resource ever carries more than `capacity` leases, an exclusive lease is always alone,
// every waiter settles exactly once, and close() leaves nothing behind.

type Op =
  | { type: 'acquire'; shared: boolean; timeoutMs: number | undefined; abortAfterMs: number | undefined }
  | { type: 'try'; shared: boolean }
  | { type: 'release'; index: number }
  | { type: 'destroy'; index: number }
  | { type: 'lose'; index: number }
  | { type: 'release-again'; index: number }
  | { type: 'advance'; ms: number }
  | { type: 'tick' }
  | { type: 'clear' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      type: fc.constant('acquire' as const),
      // Mostly shared, so resources fill up to capacity.
      shared: fc.constantFrom(true, true, true, false),
      timeoutMs: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined, freq: 2 }),
      abortAfterMs: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined, freq: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('try' as const), shared: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('release' as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('destroy' as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('lose' as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('release-again' as const), index: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 400 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'tick' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'clear' as const }) },
);

const configArb = fc
  .record({
    max: fc.integer({ min: 1, max: 4 }),
    minShare: fc.integer({ min: 0, max: 4 }),
    capacity: fc.integer({ min: 1, max: 4 }),
    sharing: fc.constantFrom('when-full' as const, 'always' as const),
    lingerShared: fc.boolean(),
    maxConnecting: fc.integer({ min: 1, max: 3 }),
    acquireTimeoutMs: fc.integer({ min: 20, max: 500 }),
    maxUses: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    seed: fc.integer(),
  })
  .map(
    ({ minShare, seed, ...rest }): PoolOptions => ({
      ...rest,
      min: Math.min(minShare, rest.max),
      idleTimeoutMs: 0,
      prefillRetry: { baseMs: 20, maxMs: 200 },
      random: seededRandom(seed),
    }),
  );

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'ok' as const, delayMs: 0 }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('ok' as const), delayMs: fc.integer({ min: 1, max: 100 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('fail' as const),
      error: fc.constant(new Error('ECONNREFUSED')),
      delayMs: fc.integer({ min: 0, max: 50 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'hang' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('late' as const), delayMs: fc.integer({ min: 1, max: 150 }) }),
  },
);

interface Tracked {
  status: 'pending' | 'fulfilled' | 'rejected';
  settles: number;
}

describe('Pool shared-lease properties (fast-check)', () => {
  it('never more than capacity per resource, exclusive leases alone, every waiter settles once, no leak', async () => {
    // What the runs exercised, so a generator change that stops sharing cannot pass unnoticed.
    const seen = { fullResources: 0, lingering: 0, orphanedReleases: 0 };
    await fc.assert(
      fc
        .asyncProperty(
          configArb,
          fc.array(stepArb, { minLength: 1, maxLength: 8 }),
          fc.array(opArb, { maxLength: 80 }),
          fc.integer({ min: 0, max: 300 }),
          async (options, steps, ops, closeTimeoutMs) => {
            const factory = new FakeFactory();
            let stepIndex = 0;
            const planned = factory.create.bind(factory);
            factory.create = (signal, lost) => {
              factory.plan.push(steps[stepIndex++ % steps.length] as Step);
              return planned(signal, lost);
            };
            const pool = new Pool<FakeConn>(factory, { ...options, onError: () => {} });
            const max = options.max as number;
            const capacity = options.capacity as number;
            const acquires: Tracked[] = [];
            /** Leases whose resource is still in the pool. */
            let held: Lease<FakeConn>[] = [];
            /** Leases whose resource was destroyed under them: their first release is a no-op. */
            const orphaned: Lease<FakeConn>[] = [];
            const ended: Lease<FakeConn>[] = [];

            const orphan = (resource: FakeConn): void => {
              orphaned.push(...held.filter((lease) => lease.resource === resource));
              held = held.filter((lease) => lease.resource !== resource);
            };
            const take = (lease: Lease<FakeConn>): void => {
              held.push(lease);
            };
            const checkInvariants = (): void => {
              const stats = pool.stats();
              expect(factory.alive.size).toBeLessThanOrEqual(max);
              expect(stats.size + stats.pending).toBeLessThanOrEqual(max);
              expect(stats.idle + stats.leased + stats.validating).toBe(stats.size);
              const byResource = new Map<FakeConn, Lease<FakeConn>[]>();
              for (const lease of held) {
                expect(lease.resource.destroyed).toBe(false);
                byResource.set(lease.resource, [...(byResource.get(lease.resource) ?? []), lease]);
              }
              let exclusive = 0;
              let sharedResources = 0;
              for (const leases of byResource.values()) {
                if (leases.some((lease) => !lease.shared)) {
                  expect(leases).toHaveLength(1);
                  exclusive++;
                } else {
                  expect(leases.length).toBeLessThanOrEqual(capacity);
                  if (capacity > 1 && leases.length === capacity) seen.fullResources++;
                  sharedResources++;
                }
              }
              if (stats.shared > sharedResources) seen.lingering++;
              expect(stats.sharedLeases).toBe(held.filter((lease) => lease.shared).length);
              // Lingering resources are shared without leases: leased = exclusive + shared.
              expect(stats.shared).toBeGreaterThanOrEqual(sharedResources);
              expect(stats.leased).toBe(exclusive + stats.shared);
              expect(stats.waiting).toBe(acquires.filter((acquire) => acquire.status === 'pending').length);
            };

            for (const op of ops) {
              switch (op.type) {
                case 'acquire': {
                  const controller = op.abortAfterMs === undefined ? undefined : new AbortController();
                  if (controller !== undefined) setTimeout(() => controller.abort(), op.abortAfterMs);
                  const tracked: Tracked = { status: 'pending', settles: 0 };
                  acquires.push(tracked);
                  pool
                    .acquire({ shared: op.shared, timeoutMs: op.timeoutMs, signal: controller?.signal })
                    .then(
                      (lease) => {
                        tracked.settles++;
                        tracked.status = 'fulfilled';
                        take(lease);
                      },
                      () => {
                        tracked.settles++;
                        tracked.status = 'rejected';
                      },
                    );
                  break;
                }
                case 'try': {
                  const lease = pool.tryAcquire({ shared: op.shared });
                  if (lease !== undefined) take(lease);
                  break;
                }
                case 'release':
                case 'destroy': {
                  const all = [...held, ...orphaned];
                  const lease = all[op.index % Math.max(1, all.length)];
                  if (lease === undefined) break;
                  const wasOrphan = orphaned.includes(lease);
                  if (wasOrphan) {
                    orphaned.splice(orphaned.indexOf(lease), 1);
                    seen.orphanedReleases++;
                  } else held.splice(held.indexOf(lease), 1);
                  if (op.type === 'release') lease.release();
                  else {
                    lease.destroy(new Error('broken'));
                    if (!wasOrphan) orphan(lease.resource);
                  }
                  ended.push(lease);
                  break;
                }
                case 'lose': {
                  const alive = [...factory.alive];
                  const resource = alive[op.index % Math.max(1, alive.length)];
                  if (resource === undefined) break;
                  orphan(resource);
                  resource.lose(new Error('peer closed'));
                  break;
                }
                case 'release-again': {
                  const lease = ended[op.index % Math.max(1, ended.length)];
                  if (lease !== undefined) expect(() => lease.release()).toThrow(PoolDoubleReleaseError);
                  break;
                }
                case 'advance':
                  await vi.advanceTimersByTimeAsync(op.ms);
                  break;
                case 'tick':
                  await nextTick();
                  break;
                case 'clear':
                  pool.clear();
                  break;
              }
              await flush();
              checkInvariants();
            }

            const closed: Tracked = { status: 'pending', settles: 0 };
            pool.close({ timeoutMs: closeTimeoutMs }).then(() => {
              closed.settles++;
              closed.status = 'fulfilled';
            });
            for (let i = 0; i < 10 && (closed.status === 'pending' || vi.getTimerCount() > 0); i++) {
              await vi.advanceTimersByTimeAsync(1_000);
            }
            await flush();
            expect(closed.status).toBe('fulfilled');
            for (const lease of [...held, ...orphaned]) lease.release(); // no-ops after the forced close
            expect(acquires.every((acquire) => acquire.status !== 'pending' && acquire.settles === 1)).toBe(
              true,
            );
            expect(factory.maxAlive).toBeLessThanOrEqual(max);
            expect(factory.alive.size).toBe(0);
            expect(factory.destroyed).toHaveLength(factory.made);
            expect(factory.doubleDestroys).toBe(0);
            expect(pool.stats()).toMatchObject({
              size: 0,
              idle: 0,
              leased: 0,
              pending: 0,
              waiting: 0,
              shared: 0,
              sharedLeases: 0,
            });
            expect(vi.getTimerCount()).toBe(0);
          },
        )
        .beforeEach(() => {
          vi.useFakeTimers();
        })
        .afterEach(() => {
          vi.clearAllTimers();
          vi.useRealTimers();
        }),
      // Seeded, so the coverage counts below are the same on every run.
      { numRuns: 1_000, seed: 20_250_607 },
    );
    expect(seen.fullResources).toBeGreaterThan(0);
    expect(seen.lingering).toBeGreaterThan(0);
    expect(seen.orphanedReleases).toBeGreaterThan(0);
  });
});
