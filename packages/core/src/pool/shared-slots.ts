import type { PooledResource } from './pooled-resource.js';

/**
 * The resources of a pool that are in shared use: carrying shared leases, or lingering after
 * their last one ended. Small (at most `max` entries), so a scan beats any index.
 * @internal
 */
export class SharedSlots<T> {
  /** Resources in shared use, in the order they became shared. */
  readonly list: PooledResource<T>[] = [];
  /** Shared leases out on them. */
  leases = 0;
  /** How many of them linger. */
  lingering = 0;

  add(slot: PooledResource<T>): void {
    slot.shared = true;
    this.list.push(slot);
  }

  remove(slot: PooledResource<T>): void {
    const index = this.list.indexOf(slot);
    if (index !== -1) this.list.splice(index, 1);
    slot.shared = false;
    slot.noShare = false;
    if (slot.lingering) {
      slot.lingering = false;
      this.lingering--;
    }
  }

  /**
   * The resource with the fewest shared leases below `capacity` that `fits` accepts (a
   * lingering one, with none, ends the search), or `undefined`.
   */
  leastLoaded(capacity: number, fits: (slot: PooledResource<T>) => boolean): PooledResource<T> | undefined {
    let best: PooledResource<T> | undefined;
    for (const slot of this.list) {
      if (slot.noShare || slot.shares >= capacity) continue;
      if (best !== undefined && slot.shares >= best.shares) continue;
      if (!fits(slot)) continue;
      best = slot;
      if (slot.shares === 0) break;
    }
    return best;
  }

  /** A lingering resource that `fits` accepts, taken out of shared use (for an exclusive lease). */
  takeLingering(fits: (slot: PooledResource<T>) => boolean): PooledResource<T> | undefined {
    for (const slot of this.list) {
      if (slot.lingering && !slot.noShare && fits(slot)) {
        this.remove(slot);
        return slot;
      }
    }
    return undefined;
  }
}
