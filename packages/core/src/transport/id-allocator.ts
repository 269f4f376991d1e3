import { ConfigError } from '../errors/index.js';

/**
 * Hands out request ids cyclically in `[0, maxId]` and never hands out an id that is still in
 * use. An id whose request was given up while its answer may still come (a timeout) can be
 * quarantined: it stays unused until {@link IdAllocator.release} is called for it (the late
 * answer arrived), unless every other id is taken, in which case the oldest quarantined id is
 * reused rather than making callers wait.
 */
export class IdAllocator {
  /** Largest id handed out. */
  readonly maxId: number;
  /** Ids in use or quarantined. */
  readonly #taken = new Set<number>();
  /** Quarantined ids, oldest first. */
  readonly #quarantined = new Set<number>();
  #next: number;

  /**
   * @param maxId - largest id (for example 65535 for a uint16 id).
   * @param firstId - id tried first. Default 0.
   */
  constructor(maxId: number, firstId = 0) {
    if (!Number.isSafeInteger(maxId) || maxId < 0) {
      throw new ConfigError(`maxId must be a non-negative integer, got ${String(maxId)}`, { field: 'maxId' });
    }
    if (!Number.isSafeInteger(firstId) || firstId < 0 || firstId > maxId) {
      throw new ConfigError(`firstId must be an integer from 0 to maxId, got ${String(firstId)}`, {
        field: 'firstId',
      });
    }
    this.maxId = maxId;
    this.#next = firstId;
  }

  /** Ids in use or quarantined. */
  get size(): number {
    return this.#taken.size;
  }

  /** Ids quarantined (given up, late answer still possible). */
  get quarantinedCount(): number {
    return this.#quarantined.size;
  }

  /** True when `id` is in use or quarantined. */
  has(id: number): boolean {
    return this.#taken.has(id);
  }

  /**
   * The next free id after the last one handed out (wrapping to 0), or the oldest quarantined id
   * when no other is free, or `undefined` when every id is in use.
   */
  allocate(): number | undefined {
    const span = this.maxId + 1;
    if (this.#taken.size < span) {
      let id = this.#next;
      while (this.#taken.has(id)) id = id === this.maxId ? 0 : id + 1;
      return this.#use(id);
    }
    for (const id of this.#quarantined) {
      this.#quarantined.delete(id);
      return this.#use(id);
    }
    return undefined;
  }

  /** Marks an in-use id as given up: not reused until released, unless ids run out. */
  quarantine(id: number): void {
    if (this.#taken.has(id)) this.#quarantined.add(id);
  }

  /** Frees an id (answer received or request never sent). */
  release(id: number): void {
    this.#taken.delete(id);
    this.#quarantined.delete(id);
  }

  #use(id: number): number {
    this.#taken.add(id);
    this.#next = id === this.maxId ? 0 : id + 1;
    return id;
  }
}
