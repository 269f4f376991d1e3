import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { PoolDoubleReleaseError } from '../../../src/errors/index.js';
import { type Factory, type Lease, Pool, type PoolOptions } from '../../../src/pool/index.js';
import { seededRandom } from '../../../src/random.js';

// Random sequences of acquire / release / destroy / abort / timeouts / clear against a fake
// factory whose creates succeed, fail, hang or finish late, and whose destroys may be async or fail.

interface Res {
  readonly id: number;
  broken: boolean;
  destroyed: boolean;
}

type CreateStep = { kind: 'ok' | 'fail' | 'hang' | 'late'; delayMs: number };
type DestroyMode = 'sync' | 'async' | 'throw' | 'reject';

class RandomFactory implements Factory<Res> {
  readonly alive = new Set<Res>();
  maxAlive = 0;
  created = 0;
  destroyedCount = 0;
  doubleDestroys = 0;
  private nextId = 1;
  private createStep = 0;
  private validateStep = 0;
  private destroyStep = 0;

  constructor(
    private readonly creates: CreateStep[],
    private readonly destroys: DestroyMode[],
    private readonly validity: boolean[],
  ) {}

  /** Answers from `validity` in turn, every other one asynchronously. */
  check(): Promise<boolean> | boolean {
    const ok = this.validity[this.validateStep++ % this.validity.length] as boolean;
    return this.validateStep % 2 === 0 ? ok : new Promise((resolve) => setTimeout(() => resolve(ok), 10));
  }

  create(signal: AbortSignal): Promise<Res> {
    const step = this.creates[this.createStep++ % this.creates.length] as CreateStep;
    return new Promise<Res>((resolve, reject) => {
      const finish = (): void => {
        if (step.kind === 'fail') reject(new Error('ECONNREFUSED'));
        else resolve(this.make());
      };
      if (step.kind === 'hang') {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        return;
      }
      if (step.delayMs === 0) {
        finish();
        return;
      }
      const timer = setTimeout(finish, step.delayMs);
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

  destroy(res: Res): Promise<void> | undefined {
    if (res.destroyed) this.doubleDestroys++;
    res.destroyed = true;
    this.alive.delete(res);
    this.destroyedCount++;
    const mode = this.destroys[this.destroyStep++ % this.destroys.length] as DestroyMode;
    if (mode === 'throw') throw new Error('close failed');
    if (mode === 'reject') return Promise.reject(new Error('close failed'));
    if (mode === 'async') return new Promise((resolve) => setTimeout(resolve, 5));
    return undefined;
  }

  isReusable(res: Res): boolean {
    return !res.broken;
  }

  private make(): Res {
    this.created++;
    const res: Res = { id: this.nextId++, broken: false, destroyed: false };
    this.alive.add(res);
    this.maxAlive = Math.max(this.maxAlive, this.alive.size);
    return res;
  }
}

type Op =
  | { type: 'acquire'; timeoutMs: number | undefined; abortAfterMs: number | undefined }
  | { type: 'release'; index: number }
  | { type: 'destroy'; index: number }
  | { type: 'break'; index: number }
  | { type: 'release-again'; index: number }
  | { type: 'advance'; ms: number }
  | { type: 'clear' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('acquire' as const),
      timeoutMs: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
      abortAfterMs: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('release' as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('destroy' as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('break' as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('release-again' as const), index: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 400 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'clear' as const }) },
);

const configArb = fc
  .record({
    max: fc.integer({ min: 1, max: 4 }),
    minShare: fc.integer({ min: 0, max: 4 }),
    maxConnecting: fc.integer({ min: 1, max: 3 }),
    acquireTimeoutMs: fc.integer({ min: 20, max: 500 }),
    idleTimeoutMs: fc.oneof(fc.constant(0), fc.integer({ min: 10, max: 500 })),
    maxLifetimeMs: fc.option(fc.integer({ min: 50, max: 1_000 }), { nil: undefined }),
    maxUses: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    validateAfterIdleMs: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
    idleOrder: fc.constantFrom('lifo' as const, 'fifo' as const),
    seed: fc.integer(),
  })
  .map(
    ({ minShare, maxLifetimeMs, seed, ...rest }): PoolOptions => ({
      ...rest,
      min: Math.min(minShare, rest.max),
      maxLifetimeMs,
      lifetimeJitterMs: maxLifetimeMs === undefined ? 0 : Math.floor(maxLifetimeMs / 4),
      prefillRetry: { baseMs: 20, maxMs: 200 },
      random: seededRandom(seed),
    }),
  );

const createArb = fc.array(
  fc.record({
    kind: fc.constantFrom(
      'ok' as const,
      'ok' as const,
      'ok' as const,
      'fail' as const,
      'hang' as const,
      'late' as const,
    ),
    delayMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 150 })),
  }),
  { minLength: 1, maxLength: 8 },
);
const destroyArb = fc.array(fc.constantFrom<DestroyMode>('sync', 'sync', 'async', 'throw', 'reject'), {
  minLength: 1,
  maxLength: 4,
});
const validityArb = fc.option(fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }), { nil: undefined });

interface Tracked {
  status: 'pending' | 'fulfilled' | 'rejected';
  settles: number;
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('Pool properties (fast-check)', () => {
  it('never more than max alive, every waiter settles exactly once, nothing leaks after close', async () => {
    await fc.assert(
      fc
        .asyncProperty(
          configArb,
          createArb,
          destroyArb,
          validityArb,
          fc.array(opArb, { maxLength: 80 }),
          fc.integer({ min: 0, max: 500 }),
          async (options, creates, destroys, validity, ops, closeTimeoutMs) => {
            const factory = new RandomFactory(creates, destroys, validity ?? [true]);
            const withValidate: Factory<Res> =
              validity === undefined ? factory : Object.assign(factory, { validate: () => factory.check() });
            const pool = new Pool<Res>(withValidate, { ...options, onError: () => {} });
            const max = options.max as number;
            const acquires: Tracked[] = [];
            const held: Lease<Res>[] = [];
            const ended: Lease<Res>[] = [];

            const checkInvariants = (): void => {
              const stats = pool.stats();
              expect(factory.alive.size).toBeLessThanOrEqual(max);
              expect(stats.size + stats.pending).toBeLessThanOrEqual(max);
              expect(stats.idle + stats.leased + stats.validating).toBe(stats.size);
              expect(stats.leased).toBe(held.length);
              expect(stats.waiting).toBe(acquires.filter((acquire) => acquire.status === 'pending').length);
            };

            for (const op of ops) {
              switch (op.type) {
                case 'acquire': {
                  const controller = op.abortAfterMs === undefined ? undefined : new AbortController();
                  if (controller !== undefined) setTimeout(() => controller.abort(), op.abortAfterMs);
                  const tracked: Tracked = { status: 'pending', settles: 0 };
                  acquires.push(tracked);
                  pool.acquire({ timeoutMs: op.timeoutMs, signal: controller?.signal }).then(
                    (lease) => {
                      tracked.settles++;
                      tracked.status = 'fulfilled';
                      held.push(lease);
                    },
                    () => {
                      tracked.settles++;
                      tracked.status = 'rejected';
                    },
                  );
                  break;
                }
                case 'release':
                case 'destroy': {
                  const lease = held.splice(op.index % Math.max(1, held.length), 1)[0];
                  if (lease === undefined) break;
                  if (op.type === 'release') lease.release();
                  else lease.destroy(new Error('broken'));
                  ended.push(lease);
                  break;
                }
                case 'break': {
                  const lease = held[op.index % Math.max(1, held.length)];
                  if (lease !== undefined) lease.resource.broken = true;
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
            for (const lease of held) lease.release(); // revoked by the forced close: no-ops
            expect(acquires.every((acquire) => acquire.status !== 'pending' && acquire.settles === 1)).toBe(
              true,
            );
            expect(factory.maxAlive).toBeLessThanOrEqual(max);
            expect(factory.alive.size).toBe(0);
            expect(factory.destroyedCount).toBe(factory.created);
            expect(factory.doubleDestroys).toBe(0);
            expect(pool.stats()).toMatchObject({ size: 0, idle: 0, leased: 0, pending: 0, waiting: 0 });
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
      { numRuns: 500 },
    );
  });
});
