import type { CallOptions, Lease, Pool } from '@conn/core';
import type { CockroachConnection } from './connection.js';

interface SharedSlot {
  readonly lease: Lease<CockroachConnection>;
  inFlight: number;
  /** A give-back is scheduled (process.nextTick). */
  lingering: boolean;
}

/**
 * Lends connections to single statements outside transactions. While the pool still has an idle
 * connection or room for a new one, each statement gets its own; once it is full, statements are
 * pipelined (up to `depth` in flight) on connections already lent this way, instead of queueing
 * behind whole round trips. A connection whose last statement finished stays lent until the promise
 * jobs queued at that moment have run (unless someone waits for the pool), so a caller awaiting
 * statements one after another keeps it without a pool round trip per statement.
 */
export class SharedConnections {
  private readonly slots: SharedSlot[] = [];

  constructor(
    private readonly pool: Pool<CockroachConnection>,
    private readonly depth: number,
    private readonly maxConnections: number,
  ) {}

  /** Runs `fn` on a connection lent for it alone or shared with other single statements. */
  run<T>(fn: (connection: CockroachConnection) => Promise<T>, options: CallOptions): Promise<T> {
    // Not async: a lent slot is used without an extra promise layer per statement.
    const slot = this.pick();
    if (slot !== undefined) return this.runOn(slot, fn);
    return this.lease(options).then((leased) => this.runOn(leased, fn));
  }

  private runOn<T>(slot: SharedSlot, fn: (connection: CockroachConnection) => Promise<T>): Promise<T> {
    slot.inFlight++;
    let pending: Promise<T>;
    try {
      pending = fn(slot.lease.resource);
    } catch (error) {
      this.finish(slot);
      return Promise.reject(error);
    }
    return pending.then(
      (value) => {
        this.finish(slot);
        return value;
      },
      (error: unknown) => {
        this.finish(slot);
        throw error;
      },
    );
  }

  private finish(slot: SharedSlot): void {
    slot.inFlight--;
    if (slot.inFlight === 0) this.linger(slot);
  }

  private pick(): SharedSlot | undefined {
    let busiest: SharedSlot | undefined;
    for (const slot of this.slots) {
      if (!slot.lease.resource.usable) continue;
      if (slot.inFlight === 0) return slot; // lent but idle: reuse before anything else
      if (slot.inFlight < this.depth && (busiest === undefined || slot.inFlight < busiest.inFlight))
        busiest = slot;
    }
    if (busiest === undefined || this.depth <= 1) return undefined;
    // Pipeline only when the pool cannot hand out another connection right away.
    const pool = this.pool;
    if (pool.idle > 0 || pool.size + pool.pending < this.maxConnections) return undefined;
    return busiest;
  }

  private async lease(options: CallOptions): Promise<SharedSlot> {
    const slot: SharedSlot = { lease: await this.pool.acquire(options), inFlight: 0, lingering: false };
    this.slots.push(slot);
    return slot;
  }

  private linger(slot: SharedSlot): void {
    // Somebody waits for a connection (a transaction, a stream, a statement): never keep it from them.
    if (!slot.lease.resource.usable || this.pool.waiting > 0) {
      this.giveBack(slot);
      return;
    }
    if (slot.lingering) return;
    slot.lingering = true;
    // After the promise jobs queued now (a caller's next statement is one of them), not later.
    process.nextTick(() => {
      slot.lingering = false;
      if (slot.inFlight === 0) this.giveBack(slot);
    });
  }

  private giveBack(slot: SharedSlot): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    if (slot.lease.resource.usable && slot.lease.resource.transactionStatus === 'I') slot.lease.release();
    else slot.lease.destroy();
  }
}
