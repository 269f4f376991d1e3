import { ConfigError } from '../errors/index.js';
import type { RandomSource } from '../random.js';

/** One server of a host list. */
export interface HostSpec {
  readonly host: string;
  readonly port: number;
  /** Relative share of the traffic, an integer 1..9. Default 1. */
  readonly weight?: number | undefined;
  /** A backup is used only when no primary is available. Default false. */
  readonly backup?: boolean | undefined;
}

/** Options of {@link HostSelector}. */
export interface HostSelectorOptions {
  /** How long `markInactive` keeps a host out of rotation, in ms. Default 30_000. */
  inactiveMs?: number;
  /** Randomness for the weighted choice; inject `seededRandom()` in tests. */
  random?: RandomSource;
  /** Clock, injectable for tests. Default `performance.now`. */
  now?: () => number;
}

/** Options of {@link HostSelector.pick}. */
export interface PickOptions<H> {
  /** Whether a host can take requests now (e.g. connected and authenticated). Default: all can. */
  isAvailable?: (host: H) => boolean;
  /** When no active host is available, fall back to an available host that is marked inactive. */
  allowInactive?: boolean;
  /** Hosts to leave out (e.g. the one that just failed). */
  exclude?: ReadonlySet<H>;
  /**
   * Within the group the choice falls in (active primaries, else active backups, else inactive
   * hosts), hosts for which this is true are chosen first, e.g. those with an idle connection.
   */
  prefer?: (host: H) => boolean;
}

/**
 * Chooses among hosts: weighted random among available primaries; backups only when no primary
 * is available; hosts marked inactive (after a server error) sit out for `inactiveMs` unless the
 * caller allows them as a last resort.
 */
export class HostSelector<H extends HostSpec> {
  readonly hosts: readonly H[];
  readonly #inactiveUntil = new Map<H, number>();
  readonly #inactiveMs: number;
  readonly #random: RandomSource;
  readonly #now: () => number;

  constructor(hosts: readonly H[], options: HostSelectorOptions = {}) {
    if (!Array.isArray(hosts) || hosts.length === 0) {
      throw new ConfigError('the host list must name at least one host', { field: 'hostlist' });
    }
    hosts.forEach(validateHost);
    this.hosts = Object.freeze([...hosts]);
    this.#inactiveMs = options.inactiveMs ?? 30_000;
    if (!Number.isFinite(this.#inactiveMs) || this.#inactiveMs < 0) {
      throw new ConfigError('inactiveMs must be >= 0', { field: 'inactiveMs' });
    }
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Picks a host, or `undefined` when none qualifies. */
  pick(options: PickOptions<H> = {}): H | undefined {
    const { isAvailable = () => true, exclude } = options;
    const available = this.hosts.filter((host) => !exclude?.has(host) && isAvailable(host));
    const active = available.filter((host) => !this.isInactive(host));
    const primaries = active.filter((host) => !host.backup);
    if (primaries.length > 0) return this.#choose(primaries, options.prefer);
    if (active.length > 0) return this.#choose(active, options.prefer);
    if (options.allowInactive && available.length > 0) return this.#choose(available, options.prefer);
    return undefined;
  }

  /** Keeps `host` out of rotation for `ms` (default: the selector's `inactiveMs`). */
  markInactive(host: H, ms: number = this.#inactiveMs): void {
    this.#inactiveUntil.set(host, this.#now() + ms);
  }

  /** Puts `host` back into rotation at once. */
  markActive(host: H): void {
    this.#inactiveUntil.delete(host);
  }

  /** Milliseconds until the first inactive host is back in rotation; `undefined` when none sits out. */
  nextActiveInMs(): number | undefined {
    let soonest: number | undefined;
    for (const host of [...this.#inactiveUntil.keys()]) {
      if (!this.isInactive(host)) continue;
      const remaining = (this.#inactiveUntil.get(host) as number) - this.#now();
      soonest = soonest === undefined ? remaining : Math.min(soonest, remaining);
    }
    return soonest;
  }

  /** True while `host` sits out after `markInactive`. */
  isInactive(host: H): boolean {
    const until = this.#inactiveUntil.get(host);
    if (until === undefined) return false;
    if (this.#now() < until) return true;
    this.#inactiveUntil.delete(host);
    return false;
  }

  #choose(group: readonly H[], prefer: ((host: H) => boolean) | undefined): H {
    if (prefer !== undefined) {
      const preferred = group.filter(prefer);
      if (preferred.length > 0) return this.#weightedChoice(preferred);
    }
    return this.#weightedChoice(group);
  }

  #weightedChoice(candidates: readonly H[]): H {
    let total = 0;
    for (const host of candidates) total += host.weight ?? 1;
    let ticket = this.#random() * total;
    for (const host of candidates) {
      ticket -= host.weight ?? 1;
      if (ticket < 0) return host;
    }
    return candidates[candidates.length - 1] as H;
  }
}

function validateHost(spec: HostSpec, index: number): void {
  const field = `hostlist[${index}]`;
  if (typeof spec?.host !== 'string' || spec.host.length === 0) {
    throw new ConfigError(`${field}.host must be a non-empty string`, { field: `${field}.host` });
  }
  if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65_535) {
    throw new ConfigError(`${field}.port must be an integer 1..65535, got ${String(spec.port)}`, {
      field: `${field}.port`,
    });
  }
  if (spec.weight !== undefined && (!Number.isInteger(spec.weight) || spec.weight < 1 || spec.weight > 9)) {
    throw new ConfigError(`${field}.weight must be an integer 1..9, got ${String(spec.weight)}`, {
      field: `${field}.weight`,
    });
  }
  if (spec.backup !== undefined && typeof spec.backup !== 'boolean') {
    throw new ConfigError(`${field}.backup must be a boolean`, { field: `${field}.backup` });
  }
}
