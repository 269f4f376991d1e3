/**
 * Call deadlines on one Node timer per duration.
 *
 * A `setTimeout` armed and cleared per call costs more than it looks. When the only pending timer
 * of a duration is cleared, as after every call made one at a time, Node tears that duration's
 * timer list down. The next call builds it again. On a loopback round-trip benchmark that was about
 * 5% of a call. Calls given the same duration expire in the order they were armed. So a doubly
 * linked list per duration (O(1) removal, nothing left behind by a call that ended) and one timer
 * due no later than its head are enough. The timer is ref'd exactly while a deadline is pending. A
 * script awaiting a call stays alive, and one whose calls all ended exits at once.
 */

/** Largest delay Node's timers take; a longer one would fire after 1 ms. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** One pending deadline, linked into its duration's list while armed. */
export abstract class DeadlineEntry {
  /** `performance.now()` at which {@link expire} runs. */
  dueAt = 0;
  /** @internal */
  previousEntry: DeadlineEntry | undefined = undefined;
  /** @internal */
  nextEntry: DeadlineEntry | undefined = undefined;
  /** @internal */
  list: DeadlineList | undefined = undefined;

  /** Runs once when the deadline passes while armed. */
  abstract expire(): void;
}

/** The armed deadlines of one duration, oldest first. @internal */
export class DeadlineList {
  readonly #durationMs: number;
  readonly #onEmptied: (list: DeadlineList) => void;
  #head: DeadlineEntry | undefined;
  #tail: DeadlineEntry | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Whether the timer holds the event loop open; true exactly while an entry is armed. */
  #timerRefed = false;
  /** The `setTimeout` that made the timer, and which timer is current (an older one is ignored). */
  #scheduledWith: typeof setTimeout | undefined;
  #generation = 0;

  constructor(durationMs: number, onEmptied: (list: DeadlineList) => void) {
    this.#durationMs = durationMs;
    this.#onEmptied = onEmptied;
  }

  /** Arms `entry` to expire `durationMs` from `now`. */
  arm(entry: DeadlineEntry, now: number): void {
    entry.dueAt = now + this.#durationMs;
    entry.list = this;
    entry.previousEntry = this.#tail;
    entry.nextEntry = undefined;
    if (this.#tail === undefined) this.#head = entry;
    else this.#tail.nextEntry = entry;
    this.#tail = entry;
    // A timer made by another `setTimeout` (fake timers installed or removed since, as tests do)
    // may never fire: a new one is made with the current one.
    if (this.#timer === undefined || this.#scheduledWith !== setTimeout) {
      this.#timer?.unref();
      this.#schedule((this.#head as DeadlineEntry).dueAt - now);
    } else if (!this.#timerRefed) {
      // The timer is due no later than any entry armed after it was set: it serves this one too.
      this.#timer.ref();
      this.#timerRefed = true;
    }
  }

  /** Unlinks `entry`; a no-op when it is not armed here (it expired, or was disarmed). */
  disarm(entry: DeadlineEntry): void {
    if (entry.list !== this) return;
    this.#unlink(entry);
    if (this.#head === undefined && this.#timerRefed) {
      // Kept, not cleared: the next call reuses it. Unref'd, it no longer holds the process.
      this.#timer?.unref();
      this.#timerRefed = false;
    }
  }

  #unlink(entry: DeadlineEntry): void {
    const { previousEntry, nextEntry } = entry;
    if (previousEntry === undefined) this.#head = nextEntry;
    else previousEntry.nextEntry = nextEntry;
    if (nextEntry === undefined) this.#tail = previousEntry;
    else nextEntry.previousEntry = previousEntry;
    entry.previousEntry = undefined;
    entry.nextEntry = undefined;
    entry.list = undefined;
  }

  #schedule(delayMs: number): void {
    const delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(1, Math.ceil(delayMs)));
    const generation = ++this.#generation;
    this.#scheduledWith = setTimeout;
    this.#timer = setTimeout(() => this.#onTimer(generation), delay);
    this.#timerRefed = true;
  }

  #onTimer(generation: number): void {
    if (generation !== this.#generation) return;
    this.#timer = undefined;
    this.#timerRefed = false;
    const now = performance.now();
    // Node's timer may run a little before `performance.now()` reaches the head's due time
    // (its clock is the loop's cached one): an entry expires only once it is really due.
    for (let entry = this.#head; entry !== undefined && entry.dueAt <= now; entry = this.#head) {
      this.#unlink(entry);
      entry.expire();
    }
    const head = this.#head;
    if (head === undefined) this.#onEmptied(this);
    else if (this.#timer === undefined) this.#schedule(head.dueAt - now);
  }

  /** True when no entry is armed and no timer is pending. */
  get isIdle(): boolean {
    return this.#head === undefined && this.#timer === undefined;
  }

  get durationMs(): number {
    return this.#durationMs;
  }
}

/**
 * Every duration's list in the process. A list is dropped when its timer fires with nothing armed,
 * so durations used once (a computed budget, say) leave nothing behind for long.
 */
const lists = new Map<number, DeadlineList>();

function dropWhenIdle(list: DeadlineList): void {
  if (list.isIdle && lists.get(list.durationMs) === list) lists.delete(list.durationMs);
}

/** Arms `entry` to expire `durationMs` from now (`performance.now()`). */
export function armDeadline(entry: DeadlineEntry, durationMs: number): void {
  let list = lists.get(durationMs);
  if (list === undefined) {
    list = new DeadlineList(durationMs, dropWhenIdle);
    lists.set(durationMs, list);
  }
  list.arm(entry, performance.now());
}

/** Disarms `entry` if it is armed. */
export function disarmDeadline(entry: DeadlineEntry): void {
  entry.list?.disarm(entry);
}
