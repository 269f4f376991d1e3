/**
 * The descriptor data of one test database, and how it takes part in the engine's transactions.
 *
 * Descriptors live in two places that must agree:
 * - the `DescriptorStore`, which owns the vectors and answers k-NN, set flags and validation;
 * - the engine's graph, which holds a mirror object per set (`_DescriptorSet`, with `_name` and
 *   `_dimensions`) and per descriptor (`_Descriptor`, with `_label` and the blob), linked by
 *   `_DescriptorSetToDescriptor`, so that `_uniqueid`, `_ref`, `connect`, `is_connected_to` and
 *   GetSchema see them (the storage convention in engine/extensions.ts).
 * The graph rolls itself back on a failed transaction. The store cannot, so before the first change
 * of a transaction this keeps a `DescriptorStore.snapshot()` (which copies only the per-set
 * containers, not the descriptors) and `rollback()` restores it. The id maps keep an undo log, as
 * the graph does, so a transaction costs what it changes plus the number of sets, never the number
 * of descriptors. Read-only transactions take no snapshot.
 */
import {
  type DescriptorRecord,
  DescriptorStore,
  type DescriptorStoreSnapshot,
} from '../descriptors/index.js';
import { JournaledMap } from '../engine/journaled-map.js';

export class DescriptorState {
  readonly store: DescriptorStore = new DescriptorStore();
  /** Set name → `_uniqueid` of its graph mirror. */
  readonly #setIds = new JournaledMap<string, string>();
  /** Descriptor record id → `_uniqueid` of its graph mirror. */
  readonly #descriptorIds = new JournaledMap<number, string>();
  #savedStore: DescriptorStoreSnapshot | undefined;

  begin(): void {
    this.#savedStore = undefined;
    this.#setIds.begin();
    this.#descriptorIds.begin();
  }

  commit(): void {
    this.#savedStore = undefined;
    this.#setIds.commit();
    this.#descriptorIds.commit();
  }

  rollback(): void {
    if (this.#savedStore !== undefined) this.store.restore(this.#savedStore);
    this.#savedStore = undefined;
    this.#setIds.rollback();
    this.#descriptorIds.rollback();
  }

  /** Called before every change to the store; only the first one of a transaction takes the snapshot. */
  willChange(): void {
    this.#savedStore ??= this.store.snapshot();
  }

  setGraphId(name: string): string | undefined {
    return this.#setIds.get(name);
  }

  descriptorGraphId(id: number): string | undefined {
    return this.#descriptorIds.get(id);
  }

  setNames(): string[] {
    return [...this.#setIds.keys()];
  }

  linkSet(name: string, graphId: string): void {
    this.#setIds.set(name, graphId);
  }

  linkDescriptor(id: number, graphId: string): void {
    this.#descriptorIds.set(id, graphId);
  }

  /** Forgets a deleted set and the descriptors it held. */
  unlinkSet(name: string, members: readonly DescriptorRecord[]): void {
    this.#setIds.delete(name);
    for (const descriptor of members) this.#descriptorIds.delete(descriptor.id);
  }

  /**
   * Removes single descriptors. The store has no such command, so this rewrites a snapshot
   * without them and restores it (records are immutable, so the rest is shared, not copied).
   */
  removeDescriptors(doomed: readonly DescriptorRecord[]): void {
    const ids = new Set(doomed.map((descriptor) => descriptor.id));
    const snapshot = this.store.snapshot();
    const members = new Map(
      [...snapshot.members].map(([name, list]) => [name, list.filter((d) => !ids.has(d.id))] as const),
    );
    this.store.restore({ ...snapshot, members });
    for (const id of ids) this.#descriptorIds.delete(id);
  }

  /** Every stored descriptor, set by set in creation order. */
  allDescriptors(): DescriptorRecord[] {
    return this.setNames().flatMap((name) => [...this.store.descriptorsIn(name)]);
  }
}
