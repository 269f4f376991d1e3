import type { EventPublisher, PoolOptions } from '@conn/core';
import type { ResolvedOptions } from './options.js';

/** Options of each node's `Pool`, from the client's options. */
export function nodePoolOptions(options: ResolvedOptions, events: EventPublisher): PoolOptions {
  const { pool } = options;
  return {
    max: pool.max,
    idleTimeoutMs: pool.idleTimeoutMs,
    maxLifetimeMs: pool.maxLifetimeMs,
    lifetimeJitterMs: pool.lifetimeJitterMs,
    acquireTimeoutMs: pool.acquireTimeoutMs,
    validateAfterIdleMs: pool.validateAfterIdleMs,
    createTimeoutMs: options.connectTimeoutMs,
    // Statements outside transactions pipeline on a session once no other one can be had.
    capacity: options.pipelineDepth,
    sharing: 'when-full',
    // A caller awaiting statements one after another keeps its session without a trip to the pool.
    lingerShared: true,
    events,
    ...(options.random === undefined ? {} : { random: options.random }),
  };
}
