import { countStatements } from './sql/single-statement.js';
import { readingsOf } from './sql/sql-scanner.js';
import type { Statement } from './sql/statement.js';

/** Distinct texts remembered at most; past it the registry starts over (names stay unique). */
const MAX_KNOWN_TEXTS = 10_000;

/** Prepared-statement names by statement text; shared by every session of the process. */
const names = new Map<string, string>();
let lastNameNumber = 0;

/** Texts without parameters: seen once and worth preparing at the next run, or never prepared. */
const SEEN_ONCE = '?';
const NEVER = '';

/** First words of the statements without parameters that are prepared: queries, run over and over. */
const PREPARED_WITHOUT_PARAMETERS = /^\s*(?:select|with|values|table)\b/i;

/**
 * The prepared-statement name `statement` runs under, or `undefined` when it goes unprepared.
 * - With parameters: always (one statement by construction: the extended protocol refuses more).
 * - Without: a single query (`SELECT`, `WITH`, `VALUES`, `TABLE`) from its second run in the
 *   process on, so the server neither parses nor plans it again. A text run once (built at run
 *   time) keeps the simple protocol, as does everything else: several statements, transaction
 *   control, `SET`, DDL.
 */
export function preparedNameOf(statement: Statement): string | undefined {
  const text = statement.text;
  const known = names.get(text);
  if (known !== undefined && known !== SEEN_ONCE && known !== NEVER) return known;
  if (statement.values.length === 0) {
    if (known === NEVER) return undefined;
    if (known === undefined) {
      remember(text, isPreparableWithoutParameters(text) ? SEEN_ONCE : NEVER);
      return undefined;
    }
  }
  lastNameNumber++;
  const name = `conn_${lastNameNumber}`;
  remember(text, name);
  return name;
}

/**
 * Gives `text` a new name once the server refused `name` as stale (a schema change altered its
 * result): a later run, even inside the transaction that saw the refusal, parses it afresh under
 * the new name instead of binding the stale one again. Returns the name to use now.
 */
export function renameStale(text: string, name: string): string {
  const current = names.get(text);
  if (current !== undefined && current !== name && current !== SEEN_ONCE && current !== NEVER) return current;
  lastNameNumber++;
  const renamed = `conn_${lastNameNumber}`;
  remember(text, renamed);
  return renamed;
}

function remember(text: string, value: string): void {
  if (names.size >= MAX_KNOWN_TEXTS) names.clear();
  names.set(text, value);
}

function isPreparableWithoutParameters(text: string): boolean {
  if (!PREPARED_WITHOUT_PARAMETERS.test(text)) return false;
  return readingsOf(text).every((rules) => countStatements(text, rules) === 1);
}

/**
 * The prepared statements one session holds, least recently used first. The session asks it on
 * every prepared statement; it says when a name is new and which one to deallocate to make room.
 */
export class SessionStatementCache {
  private readonly names = new Set<string>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.names.size;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** Marks `name` used now; false when the session does not hold it yet. */
  touch(name: string): boolean {
    if (!this.names.delete(name)) return false;
    this.names.add(name);
    return true;
  }

  /** Records that `name` is prepared (or about to be). */
  add(name: string): void {
    this.names.add(name);
  }

  /** Removes and returns the least recently used name while more than `capacity` are held. */
  takeOverflow(): string | undefined {
    if (this.names.size <= this.capacity) return undefined;
    const oldest = this.names.values().next().value as string;
    this.names.delete(oldest);
    return oldest;
  }

  /** Drops `name` (the server no longer has it, or must not keep it). */
  delete(name: string): boolean {
    return this.names.delete(name);
  }
}
