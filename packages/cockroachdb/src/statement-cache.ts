import type { Statement } from './sql/statement.js';

/** Distinct texts remembered at most; past it the registry starts over (names stay unique). */
const MAX_KNOWN_TEXTS = 10_000;

/** Prepared-statement names by statement text; shared by every session of the process. */
const names = new Map<string, string>();
let lastNameNumber = 0;

/**
 * The prepared-statement name `statement` runs under, or `undefined` when it goes unprepared.
 * Only statements with parameters are prepared: they are one statement by construction (the
 * extended protocol refuses more) and the ones an application runs over and over. Text without
 * parameters keeps the simple protocol: one message, several statements allowed (migrations), and
 * no Parse/Bind round for the trivial statements it usually carries.
 */
export function preparedNameOf(statement: Statement): string | undefined {
  if (statement.values.length === 0) return undefined;
  const text = statement.text;
  let name = names.get(text);
  if (name === undefined) {
    if (names.size >= MAX_KNOWN_TEXTS) names.clear();
    lastNameNumber++;
    name = `conn_${lastNameNumber}`;
    names.set(text, name);
  }
  return name;
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
