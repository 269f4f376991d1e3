import type { CallOptions, Lease, Pool } from '@conn/core';
import type { CockroachConnection } from './connection.js';

interface SharedSlot {
  readonly lease: Lease<CockroachConnection>;
  inFlight: number;
}

/**
 * Lends connections to single statements outside transactions. While the pool still has an idle
 * connection or room for a new one, each statement gets its own; once it is full, statements are
 * pipelined (up to `depth` in flight) on connections already lent this way, instead of queueing
 * behind whole round trips. A connection goes back to the pool when its last statement finishes.
 */
export class SharedConnections {
  private readonly slots: SharedSlot[] = [];

  constructor(
    private readonly pool: Pool<CockroachConnection>,
    private readonly depth: number,
  ) {}

  /** Runs `fn` on a connection lent for it alone or shared with other single statements. */
  async run<T>(fn: (connection: CockroachConnection) => Promise<T>, options: CallOptions): Promise<T> {
    const slot = this.pick() ?? (await this.lease(options));
    slot.inFlight++;
    try {
      return await fn(slot.lease.resource);
    } finally {
      slot.inFlight--;
      if (slot.inFlight === 0) this.giveBack(slot);
    }
  }

  private pick(): SharedSlot | undefined {
    if (this.depth <= 1 || this.slots.length === 0) return undefined;
    const stats = this.pool.stats();
    if (stats.idle > 0 || stats.size + stats.pending < stats.max) return undefined;
    let best: SharedSlot | undefined;
    for (const slot of this.slots) {
      if (!slot.lease.resource.usable || slot.inFlight >= this.depth) continue;
      if (best === undefined || slot.inFlight < best.inFlight) best = slot;
    }
    return best;
  }

  private async lease(options: CallOptions): Promise<SharedSlot> {
    const slot: SharedSlot = { lease: await this.pool.acquire(options), inFlight: 0 };
    this.slots.push(slot);
    return slot;
  }

  private giveBack(slot: SharedSlot): void {
    const index = this.slots.indexOf(slot);
    if (index !== -1) this.slots.splice(index, 1);
    if (slot.lease.resource.usable) slot.lease.release();
    else slot.lease.destroy();
  }
}
