import { ConfigError } from '@conn/core';
import { type StatementMatch, statementMatches } from './statement-match.js';

/** Answer matching statements with an error the server made up. */
export interface CockroachDBErrorFault {
  readonly kind: 'error';
  readonly match: StatementMatch;
  /** The SQLSTATE, five characters, e.g. `'40001'`. */
  readonly sqlstate: string;
  /** Default: `injected error <sqlstate>`. */
  readonly message?: string | undefined;
  /** How many statements it hits. Default 1. */
  readonly times?: number | undefined;
  /**
   * Run the statement on PostgreSQL first and discard its answer, then send the error: the way to
   * produce "40003 at COMMIT", where the commit did happen but the client is told it is ambiguous.
   */
  readonly relayFirst?: boolean | undefined;
}

/** Cut the client's connection at matching statements. */
export interface CockroachDBKillConnectionFault {
  readonly kind: 'kill-connection';
  readonly match: StatementMatch;
  /**
   * `before`: the statement never runs; `after`: it ran (e.g. really committed), its answer is lost.
   * A `COPY ... FROM STDIN` runs with the client's rows: `after` lets them through and cuts the
   * connection once PostgreSQL answered the client's CopyDone, so the client is cut off mid-COPY.
   */
  readonly phase: 'before' | 'after';
  /** How many statements it hits. Default 1. */
  readonly times?: number | undefined;
}

/**
 * Hold every client message that arrives after startup and authentication, on every session (new
 * ones too), unanswered and not relayed, until `clearFaults()`. Then the held messages are relayed
 * in arrival order, as a server that stalled (a long pause, a partition that healed) reads them
 * off the connection that stayed up. Connecting and authenticating still work; answers to
 * statements relayed before the fault still arrive; a CancelRequest is still forwarded, and
 * PostgreSQL, which never saw the held statement, has nothing to cancel. See the server's
 * `heldMessageCount` and `waitForHeldMessage()`.
 */
export interface CockroachDBStallFault {
  readonly kind: 'stall';
}

/** A fault of the CockroachDB test server, chosen by `kind`. */
export type CockroachDBFault = CockroachDBErrorFault | CockroachDBKillConnectionFault | CockroachDBStallFault;

/** The faults that hit matching statements. */
type StatementFault = CockroachDBErrorFault | CockroachDBKillConnectionFault;

const SQLSTATE = /^[0-9A-Z]{5}$/;

function invalid(why: string, field: string): never {
  throw new ConfigError(`CockroachDB test server: ${why}`, { field: `fault.${field}` });
}

function checkMatchAndTimes(fault: StatementFault): void {
  if (!(fault.match instanceof RegExp) && typeof fault.match !== 'string')
    invalid('match must be a RegExp or a string', 'match');
  if (fault.times !== undefined && !(Number.isSafeInteger(fault.times) && fault.times > 0))
    invalid(`times must be a positive integer, got ${String(fault.times)}`, 'times');
}

/** Checks a fault given by a test, so a typo fails at `fault()` rather than never matching. */
function checked(fault: CockroachDBFault): CockroachDBFault {
  if (typeof fault !== 'object' || fault === null) invalid('a fault must be an object', 'kind');
  switch (fault.kind) {
    case 'stall':
      for (const field of ['match', 'times'])
        if (field in fault)
          invalid(`a stall holds every message until clearFaults(); ${field} does not apply`, field);
      return fault;
    case 'error':
      checkMatchAndTimes(fault);
      if (typeof fault.sqlstate !== 'string' || !SQLSTATE.test(fault.sqlstate))
        invalid(`sqlstate must be five digits or capital letters, got ${String(fault.sqlstate)}`, 'sqlstate');
      return fault;
    case 'kill-connection':
      checkMatchAndTimes(fault);
      if (fault.phase !== 'before' && fault.phase !== 'after')
        invalid(`phase must be 'before' or 'after', got ${String(fault.phase)}`, 'phase');
      return fault;
    default:
      return invalid(`unknown fault kind ${String((fault as { kind?: unknown }).kind)}`, 'kind');
  }
}

/** The faults of one server with their remaining uses, in the order they were added. */
export class FaultList {
  private readonly entries: { fault: StatementFault; left: number }[] = [];
  private stall = false;

  add(fault: CockroachDBFault): void {
    const valid = checked(fault);
    if (valid.kind === 'stall') this.stall = true;
    else this.entries.push({ fault: valid, left: valid.times ?? 1 });
  }

  /** True while a `stall` fault holds client messages. */
  get stalled(): boolean {
    return this.stall;
  }

  /** Takes one use of the first fault of `kind` matching `text`. */
  take<K extends StatementFault['kind']>(
    kind: K,
    text: string,
  ): Extract<StatementFault, { kind: K }> | undefined {
    const index = this.entries.findIndex(
      (entry) => entry.fault.kind === kind && statementMatches(entry.fault.match, text),
    );
    const entry = this.entries[index];
    if (entry === undefined) return undefined;
    entry.left--;
    if (entry.left === 0) this.entries.splice(index, 1);
    return entry.fault as Extract<StatementFault, { kind: K }>;
  }

  clear(): void {
    this.entries.length = 0;
    this.stall = false;
  }
}
