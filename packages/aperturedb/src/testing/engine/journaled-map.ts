/** One change made inside a transaction, with what undoing it needs. */
type UndoEntry<K, V> =
  | { readonly kind: 'added'; readonly key: K }
  | { readonly kind: 'replaced'; readonly key: K; readonly previous: V }
  | { readonly kind: 'deleted'; readonly key: K }
  | { readonly kind: 'revived'; readonly key: K };

/**
 * A Map whose changes inside a transaction can be undone, at a cost proportional to the changes.
 *
 * Every change appends its inverse to an undo log, which `rollback` replays backwards. Iteration
 * order is part of the state (FindEntity lists records in insertion order), and a Map cannot put a
 * key back where it was, so a delete inside a transaction only marks the key (reads skip it) and
 * `commit` removes it for real. The one change that moves a key, re-adding a key deleted earlier in
 * the same transaction, saves the key order once so that `rollback` can rebuild it.
 *
 * Outside a transaction changes apply directly and nothing is logged.
 */
export class JournaledMap<K, V> {
  readonly #entries = new Map<K, V>();
  /** Keys deleted in the open transaction, still in `#entries` to keep their place. */
  readonly #deleted = new Set<K>();
  #undo: Array<UndoEntry<K, V>> = [];
  /** The key order before the transaction, saved only if a key had to move. */
  #orderBefore: K[] | undefined;
  #inTransaction = false;

  begin(): void {
    this.#inTransaction = true;
    this.#undo = [];
    this.#orderBefore = undefined;
  }

  commit(): void {
    for (const key of this.#deleted) this.#entries.delete(key);
    this.#end();
  }

  rollback(): void {
    for (let i = this.#undo.length - 1; i >= 0; i--) {
      const entry = this.#undo[i] as UndoEntry<K, V>;
      switch (entry.kind) {
        case 'added':
          this.#entries.delete(entry.key);
          break;
        case 'replaced':
          this.#entries.set(entry.key, entry.previous);
          break;
        case 'deleted':
          this.#deleted.delete(entry.key);
          break;
        case 'revived':
          this.#deleted.add(entry.key);
          break;
      }
    }
    if (this.#orderBefore !== undefined) this.#reorder(this.#orderBefore);
    this.#end();
  }

  get size(): number {
    return this.#entries.size - this.#deleted.size;
  }

  has(key: K): boolean {
    return this.#entries.has(key) && !this.#deleted.has(key);
  }

  get(key: K): V | undefined {
    return this.#deleted.size > 0 && this.#deleted.has(key) ? undefined : this.#entries.get(key);
  }

  /** Replaces in place (the key keeps its position) or appends. */
  set(key: K, value: V): void {
    if (!this.#inTransaction) {
      this.#entries.set(key, value);
      return;
    }
    if (this.#deleted.has(key)) {
      // Re-adding a key deleted in this transaction moves it to the end, as a plain Map would.
      this.#orderBefore ??= [...this.#entries.keys()];
      this.#deleted.delete(key);
      this.#undo.push({ kind: 'revived', key });
      this.#undo.push({ kind: 'replaced', key, previous: this.#entries.get(key) as V });
      this.#entries.delete(key);
      this.#entries.set(key, value);
      return;
    }
    if (this.#entries.has(key)) {
      this.#undo.push({ kind: 'replaced', key, previous: this.#entries.get(key) as V });
    } else {
      this.#undo.push({ kind: 'added', key });
    }
    this.#entries.set(key, value);
  }

  /** Returns false when there was no such key. */
  delete(key: K): boolean {
    if (!this.has(key)) return false;
    if (!this.#inTransaction) return this.#entries.delete(key);
    this.#deleted.add(key);
    this.#undo.push({ kind: 'deleted', key });
    return true;
  }

  /** The live values in order, as a new array (the fast path when nothing is marked deleted). */
  valueList(): V[] {
    return this.#deleted.size === 0 ? [...this.#entries.values()] : [...this.values()];
  }

  *keys(): IterableIterator<K> {
    for (const key of this.#entries.keys()) if (!this.#deleted.has(key)) yield key;
  }

  *values(): IterableIterator<V> {
    if (this.#deleted.size === 0) {
      yield* this.#entries.values();
      return;
    }
    for (const [key, value] of this.#entries) if (!this.#deleted.has(key)) yield value;
  }

  #end(): void {
    this.#inTransaction = false;
    this.#deleted.clear();
    this.#undo = [];
    this.#orderBefore = undefined;
  }

  /** Puts the surviving keys back in `order`; only after a transaction moved a key. */
  #reorder(order: readonly K[]): void {
    const kept = order
      .filter((key) => this.#entries.has(key))
      .map((key) => [key, this.#entries.get(key) as V] as const);
    this.#entries.clear();
    for (const [key, value] of kept) this.#entries.set(key, value);
  }
}
