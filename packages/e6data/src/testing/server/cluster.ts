/**
 * The cluster's life for auto-resume (docs/protocols/e6data.md, auto-resume): while suspended every
 * QueryEngineService call gets HTTP 503; `resume` moves to `resuming`, and the `resumeAfterPolls`-th
 * `status` call after it finds the cluster `active` again.
 * @internal
 */

/** What ClusterService.status reports. */
export type E6DataClusterState = 'active' | 'suspended' | 'resuming';

export class ClusterState {
  readonly #resumeAfterPolls: number;
  #state: E6DataClusterState = 'active';
  #pollsLeft = 0;

  constructor(resumeAfterPolls: number) {
    this.#resumeAfterPolls = resumeAfterPolls;
  }

  get state(): E6DataClusterState {
    return this.#state;
  }

  /** QueryEngineService calls are refused with HTTP 503 unless the cluster is active. */
  get serving(): boolean {
    return this.#state === 'active';
  }

  suspend(): void {
    this.#state = 'suspended';
  }

  resume(): E6DataClusterState {
    if (this.#state === 'suspended') {
      this.#pollsLeft = this.#resumeAfterPolls;
      this.#state = this.#pollsLeft <= 0 ? 'active' : 'resuming';
    }
    return this.#state;
  }

  /** A status call: counts a poll while resuming. */
  poll(): E6DataClusterState {
    if (this.#state === 'resuming') {
      this.#pollsLeft -= 1;
      if (this.#pollsLeft <= 0) this.#state = 'active';
    }
    return this.#state;
  }
}
