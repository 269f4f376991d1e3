import type { Deadline } from '../abort.js';
import type { PooledResource } from './pooled-resource.js';
import type { Waiter } from './wait-queue.js';

/**
 * One `factory.create()` in flight.
 * @internal
 */
export class CreateJob<T> {
  /** Generation at start; a result from an older generation is destroyed. */
  readonly generation: number;
  /** The pool's back-off round at start: only a failure of the current round starts a new back-off. */
  readonly backoffRound: number;
  /** True when started for a waiter (aborted when its last interested waiter gives up). */
  readonly demand: boolean;
  /** Aborts the create: owner gave up, pool closed. */
  readonly controller: AbortController = new AbortController();
  /** `controller` combined with the create timeout; its signal goes to `factory.create`. */
  deadline: Deadline | undefined = undefined;
  /** The waiter this create is for, if any; its errors go there. */
  owner: Waiter<T> | undefined;
  /** The resource once delivered, so the factory's `lost` callback can find it. */
  slot: PooledResource<T> | undefined = undefined;
  /** `lost` was called before the resource was delivered: the create fails with this. */
  lostBeforeDelivery: { error: unknown } | undefined = undefined;

  constructor(generation: number, owner: Waiter<T> | undefined, backoffRound: number) {
    this.generation = generation;
    this.backoffRound = backoffRound;
    this.demand = owner !== undefined;
    this.owner = owner;
  }
}

/**
 * One `factory.validate()` in flight for a waiter.
 * @internal
 */
export class Validation<T> {
  readonly slot: PooledResource<T>;
  readonly waiter: Waiter<T>;
  readonly controller: AbortController = new AbortController();

  constructor(slot: PooledResource<T>, waiter: Waiter<T>) {
    this.slot = slot;
    this.waiter = waiter;
  }
}
