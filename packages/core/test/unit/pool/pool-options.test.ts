import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/index.js';
import { type Factory, Pool, type PoolOptions } from '../../../src/pool/index.js';

const factory: Factory<object> = { create: async () => ({}), destroy: () => {} };
const pools: Pool<object>[] = [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('Pool options', () => {
  it('applies the documented defaults', () => {
    const pool = new Pool(factory);
    pools.push(pool);
    expect(pool.stats()).toMatchObject({
      name: 'pool',
      min: 0,
      max: 10,
      size: 0,
      generation: 0,
      closed: false,
    });
  });

  it.each<[string, PoolOptions]>([
    ['min', { min: -1 }],
    ['min', { min: 1.5 }],
    ['min', { min: 5, max: 2 }],
    ['max', { max: 0 }],
    ['max', { max: Number.NaN }],
    ['maxConnecting', { maxConnecting: 0 }],
    ['acquireTimeoutMs', { acquireTimeoutMs: -1 }],
    ['createTimeoutMs', { createTimeoutMs: Number.NaN }],
    ['idleTimeoutMs', { idleTimeoutMs: Number.POSITIVE_INFINITY }],
    ['maxLifetimeMs', { maxLifetimeMs: 0 }],
    ['lifetimeJitterMs', { maxLifetimeMs: 100, lifetimeJitterMs: 100 }],
    ['lifetimeJitterMs', { lifetimeJitterMs: 10 }],
    ['maxUses', { maxUses: 0 }],
    ['validateAfterIdleMs', { validateAfterIdleMs: -5 }],
    ['idleOrder', { idleOrder: 'random' as 'lifo' }],
    ['prefillRetry.baseMs', { prefillRetry: { baseMs: 0 } }],
    ['prefillRetry.maxMs', { prefillRetry: { baseMs: 500, maxMs: 100 } }],
    ['closeTimeoutMs', { closeTimeoutMs: -1 }],
    ['name', { name: '' }],
    ['onError', { onError: 'log' as never }],
    ['events', { events: {} as never }],
    ['random', { random: 4 as never }],
  ])('rejects an invalid %s with a ConfigError naming the field (%j)', (field, options) => {
    const error = configErrorOf(() => new Pool(factory, options));
    expect(error.field).toBe(field);
    expect(error.code).toBe('CONN_CONFIG');
    expect(error.message).toContain(field);
  });

  it('rejects a factory without create/destroy, or with a non-function hook', () => {
    expect(configErrorOf(() => new Pool({ create: async () => ({}) } as never)).field).toBe('factory');
    expect(configErrorOf(() => new Pool({ ...factory, validate: true } as never)).field).toBe(
      'factory.validate',
    );
  });

  it('accepts Infinity where "never" makes sense and undefined for every option', () => {
    const pool = new Pool(factory, {
      acquireTimeoutMs: Number.POSITIVE_INFINITY,
      maxLifetimeMs: Number.POSITIVE_INFINITY,
      maxUses: Number.POSITIVE_INFINITY,
      closeTimeoutMs: Number.POSITIVE_INFINITY,
      min: undefined,
      max: undefined,
      name: undefined,
    });
    pools.push(pool);
    expect(pool.stats().max).toBe(10);
  });

  it('rejects an invalid per-call timeoutMs with a ConfigError', async () => {
    const pool = new Pool(factory);
    pools.push(pool);
    await expect(pool.acquire({ timeoutMs: -1 })).rejects.toMatchObject({ field: 'timeoutMs' });
    await expect(pool.close({ timeoutMs: Number.NaN })).rejects.toMatchObject({ field: 'timeoutMs' });
  });
});
