import type { EventPublisher } from '@conn/core';

/** Writes one strategy event to a log. */
export type StrategyLog = (
  event: string,
  detail: { from?: string | undefined; to?: string | undefined; reason: string },
) => void;

/** The two deployments of a blue-green cluster. */
export type Strategy = 'blue' | 'green';

const STRATEGIES: readonly Strategy[] = ['blue', 'green'];

/** A strategy name from a server's `new_strategy`; anything else is ignored (case-insensitive). */
export function parseStrategy(value: string | null | undefined): Strategy | undefined {
  const lower = value?.toLowerCase();
  return lower === 'blue' || lower === 'green' ? lower : undefined;
}

/**
 * One client's blue-green state (docs/protocols/e6data.md, blue-green): never shared between
 * clients, unlike the Python connector's process-wide dictionary.
 *
 * - The active strategy is trusted for `cacheTimeoutMs`, then detected again at the next
 *   authentication (blue first, green on HTTP 456).
 * - A `new_strategy` announcement waits for the query boundary: it is applied when no query of
 *   this client is open, so a running stream finishes on its own strategy. Applying it ends the
 *   session (the new deployment authenticates afresh).
 */
export class StrategyState {
  readonly #cacheTimeoutMs: number;
  readonly #events: EventPublisher | undefined;
  readonly #log: StrategyLog | undefined;
  readonly #now: () => number;
  readonly #onSwitch: () => void;
  #active: Strategy | undefined;
  #detectedAt = 0;
  #pending: Strategy | undefined;
  #openQueries = 0;

  constructor(options: {
    readonly cacheTimeoutMs: number;
    readonly events: EventPublisher | undefined;
    /** Called when an announced switch is applied: the session of the old strategy must go. */
    readonly onSwitch: () => void;
    /** Also writes each event to a log (`strategyLogLevel`). */
    readonly log?: StrategyLog | undefined;
    readonly now?: () => number;
  }) {
    this.#cacheTimeoutMs = options.cacheTimeoutMs;
    this.#events = options.events;
    this.#log = options.log;
    this.#onSwitch = options.onSwitch;
    this.#now = options.now ?? Date.now;
  }

  /** The strategy calls go out with; `undefined` before the first detection. */
  get active(): Strategy | undefined {
    return this.#active;
  }

  /** An announced strategy waiting for the query boundary. */
  get pending(): Strategy | undefined {
    return this.#pending;
  }

  /** The order in which authentication tries the strategies: the cached one first while fresh. */
  candidates(): readonly Strategy[] {
    const active = this.#active;
    if (active === undefined || this.#now() - this.#detectedAt > this.#cacheTimeoutMs) return STRATEGIES;
    return active === 'blue' ? STRATEGIES : ['green', 'blue'];
  }

  /** `strategy` was accepted by authentication. */
  confirm(strategy: Strategy): void {
    const previous = this.#active;
    this.#active = strategy;
    this.#detectedAt = this.#now();
    if (this.#pending === strategy) this.#pending = undefined;
    if (previous !== strategy) this.#publish('strategy:detected', previous, strategy, 'authentication');
  }

  /** `strategy` was refused with HTTP 456: forget it, so the next authentication detects again. */
  refused(strategy: Strategy): void {
    if (this.#active === strategy) {
      this.#active = undefined;
      this.#publish('strategy:refused', strategy, undefined, 'http-456');
    }
  }

  /** A response announced `next`. */
  announce(next: string | null | undefined): void {
    const strategy = parseStrategy(next);
    if (strategy === undefined || strategy === this.#active || strategy === this.#pending) return;
    this.#pending = strategy;
    this.#publish('strategy:announced', this.#active, strategy, 'new_strategy');
    if (this.#openQueries === 0) this.#applyPending();
  }

  /** A query opened: an announced switch waits until it ends. */
  queryOpened(): void {
    this.#openQueries++;
  }

  /** A query ended (cleared, cancelled or failed): at the boundary, a pending switch applies. */
  queryClosed(): void {
    this.#openQueries = Math.max(0, this.#openQueries - 1);
    if (this.#openQueries === 0 && this.#pending !== undefined) this.#applyPending();
  }

  #applyPending(): void {
    const next = this.#pending as Strategy;
    const previous = this.#active;
    this.#pending = undefined;
    this.#active = next;
    this.#detectedAt = this.#now();
    this.#publish('strategy:switch', previous, next, 'query-boundary');
    this.#onSwitch();
  }

  #publish(event: string, from: Strategy | undefined, to: Strategy | undefined, reason: string): void {
    this.#events?.publish(event, () => ({ from, to, reason }));
    this.#log?.(event, { from, to, reason });
  }
}
