/**
 * The parser's position in a query. Every failed attempt to match a terminal records what was
 * expected at that point; a syntax error then reports the furthest point reached and everything
 * expected there in the order it was tried, as `Query error at position N. Expecting a, b or c`
 * (docs/protocols/siridb.md §6.3), N being a UTF-8 byte offset. Some terminals have no name in
 * those messages (grave-quoted names, series regular expressions, unsigned integers, comments):
 * they are tried and counted, but not listed.
 * @internal
 */
import {
  keywordAt,
  matchTerminal,
  type RegexLiteral,
  readRegex,
  skipSpace,
  type Token,
  type TokenKind,
} from './query-lexer.js';
import { isUnnamed, Label } from './query-vocabulary.js';

/**
 * Deepest nesting the parser follows. Nesting is counted as the server counts it: within one
 * expression, condition or series match, each parenthesis and each operand to the right of an
 * operator goes one level deeper (the server parses `a + b + c` as `a + (b + c)`).
 */
export const MAX_RECURSION_DEPTH = 500;

/** What the server answers when the nesting goes deeper, whatever else is wrong with the query. */
export const RECURSION_MESSAGE = 'Memory allocation error or maximum recursion depth reached.';

/** A query is not valid; `message` is the full answer text. */
export class QuerySyntaxError extends Error {}

/**
 * `a, b or c`, as the server joins them: unnamed entries are skipped, but only the very last
 * entry of the list gets `or`, so a list that ends with an unnamed entry has no `or` at all.
 */
function joinExpected(labels: readonly string[]): string {
  let out = '';
  let printed = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as string;
    if (isUnnamed(label)) continue;
    if (printed++ === 0) out += label;
    else out += i === labels.length - 1 ? ` or ${label}` : `, ${label}`;
  }
  return out;
}

/** `symbols` as one alternative: the longest first (ties keep their order), shown space-separated. */
function byLength<T extends string>(symbols: readonly T[]): T[] {
  return [...symbols].sort((a, b) => b.length - a.length);
}

export class QueryCursor {
  readonly text: string;
  #pos = 0;
  #furthest = -1;
  readonly #expected: string[] = [];
  #deferred: string | undefined;

  constructor(text: string) {
    this.text = text;
  }

  /** Where the next terminal is tried: after any white space. */
  get position(): number {
    return skipSpace(this.text, this.#pos);
  }

  /** Index just past the last consumed terminal. */
  get lastEnd(): number {
    return this.#pos;
  }

  /** The current position, to come back to with {@link reset}. */
  mark(): number {
    return this.#pos;
  }

  /** Goes back to a {@link mark}; what was expected on the way is kept. */
  reset(mark: number): void {
    this.#pos = mark;
  }

  /** Notes that `label` would have been accepted at `at`. */
  #expect(at: number, label: string): void {
    if (at > this.#furthest) {
      this.#furthest = at;
      this.#expected.length = 0;
    }
    if (at === this.#furthest && !this.#expected.includes(label)) this.#expected.push(label);
  }

  #take(kind: TokenKind, start: number, end: number): Token {
    this.#pos = end;
    return { kind, text: this.text.slice(start, end), start, end };
  }

  /** Consumes the keyword `word` if it is next (a whole run of `a-z` and `_`). */
  word(word: string): boolean {
    const at = this.position;
    if (keywordAt(this.text, at) === word) {
      this.#pos = at + word.length;
      return true;
    }
    this.#expect(at, word);
    return false;
  }

  /** Consumes and returns the next keyword if it is one of `words`, tried in that order. */
  oneOf<T extends string>(words: readonly T[]): T | undefined {
    const at = this.position;
    const found = keywordAt(this.text, at);
    for (const word of words) {
      if (word === found) {
        this.#pos = at + word.length;
        return word;
      }
      this.#expect(at, word);
    }
    return undefined;
  }

  /** Consumes the literal `symbol` if the text continues with it. */
  symbol(symbol: string): boolean {
    const at = this.position;
    if (this.text.startsWith(symbol, at)) {
      this.#pos = at + symbol.length;
      return true;
    }
    this.#expect(at, symbol);
    return false;
  }

  /**
   * Consumes one of `symbols` taken as a single alternative (an operator set): the longest that
   * matches; a syntax error names the set as one entry, `== != < >`.
   */
  tokens<T extends string>(symbols: readonly T[]): T | undefined {
    const at = this.position;
    const ordered = byLength(symbols);
    for (const symbol of ordered) {
      if (this.text.startsWith(symbol, at)) {
        this.#pos = at + symbol.length;
        return symbol;
      }
    }
    this.#expect(at, ordered.join(' '));
    return undefined;
  }

  /**
   * Consumes a terminal of `kind` if one starts here; `label` names it in syntax errors. A
   * `string` is two alternatives, single-quoted and double-quoted, named as such.
   */
  kind(kind: TokenKind, label: string): Token | undefined {
    const at = this.position;
    if (kind === 'string') return this.#quoted(at);
    const end = matchTerminal(kind, this.text, at);
    if (end !== undefined) return this.#take(kind, at, end);
    this.#expect(at, label);
    return undefined;
  }

  #quoted(at: number): Token | undefined {
    for (const [kind, label] of [
      ['single', Label.singleQuoted],
      ['double', Label.doubleQuoted],
    ] as const) {
      const end = matchTerminal(kind, this.text, at);
      if (end !== undefined) return this.#take('string', at, end);
      this.#expect(at, label);
    }
    return undefined;
  }

  /** Consumes an integer that may have a sign right before its digits (`-1`, `+2`). */
  signedInteger(label: string = Label.integer): Token | undefined {
    return this.kind('signed', label);
  }

  /** Consumes a regular expression literal if one starts here. */
  regex(label: string): RegexLiteral | undefined {
    const at = this.position;
    const literal = readRegex(this.text, at);
    if (literal !== undefined) {
      this.#pos = literal.end;
      return literal;
    }
    this.#expect(at, label);
    return undefined;
  }

  /** Returns `value`, or fails the parse when it is missing. */
  require<T>(value: T | undefined | false): T {
    if (value === undefined || value === false) this.fail();
    return value as T;
  }

  /** Fails the parse with what was expected at the furthest point. */
  fail(): never {
    const at = this.#furthest >= 0 ? this.#furthest : this.position;
    throw new QuerySyntaxError(
      `Query error at position ${this.#bytes(at)}. Expecting ${joinExpected(this.#expected)}`,
    );
  }

  /** Goes `depth` levels deep (see {@link MAX_RECURSION_DEPTH}); too deep ends the parse at once. */
  enterFrame(depth: number): void {
    if (depth > MAX_RECURSION_DEPTH) throw new QuerySyntaxError(RECURSION_MESSAGE);
  }

  /** Notes an error the server reports only once the query has parsed (the first one counts). */
  defer(message: string): void {
    this.#deferred ??= message;
  }

  /** The error noted with {@link defer}, if any. */
  get deferred(): string | undefined {
    return this.#deferred;
  }

  #bytes(index: number): number {
    return Buffer.byteLength(this.text.slice(0, index), 'utf8');
  }
}
