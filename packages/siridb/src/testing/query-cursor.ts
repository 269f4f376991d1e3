/**
 * The parser's position in a query. Every failed attempt to match a token records what was
 * expected at that point; a syntax error then reports the furthest point reached and everything
 * expected there, as `Query error at position N. Expecting a, b or c` (docs/protocols/siridb.md
 * §6.3), N being a UTF-8 byte offset.
 * @internal
 */
import {
  type RegexLiteral,
  readRegex,
  readSignedInteger,
  readToken,
  type Token,
  type TokenKind,
} from './query-lexer.js';

/** Deepest nesting of parentheses accepted; deeper queries are refused before recursion gets risky. */
export const MAX_NESTING_DEPTH = 500;

/** A query is not valid; `message` is the full answer text. */
export class QuerySyntaxError extends Error {}

function joinAlternatives(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

export class QueryCursor {
  readonly text: string;
  #token: Token;
  #lastEnd = 0;
  #furthest = -1;
  readonly #expected: string[] = [];
  #depth = 0;

  constructor(text: string) {
    this.text = text;
    this.#token = readToken(text, 0);
  }

  /** The current (not yet consumed) token. */
  get token(): Token {
    return this.#token;
  }

  /** Index just past the last consumed token. */
  get lastEnd(): number {
    return this.#lastEnd;
  }

  #moveTo(index: number): void {
    this.#lastEnd = index;
    this.#token = readToken(this.text, index);
  }

  /** Consumes the current token. */
  take(): Token {
    const current = this.#token;
    this.#moveTo(current.end);
    return current;
  }

  /** Notes that `label` would have been accepted at the current token. */
  #expect(label: string): void {
    const at = this.#token.start;
    if (at > this.#furthest) {
      this.#furthest = at;
      this.#expected.length = 0;
    }
    if (at === this.#furthest && !this.#expected.includes(label)) this.#expected.push(label);
  }

  /** Consumes the keyword `word` if it is next. */
  word(word: string): boolean {
    if (this.#token.kind === 'word' && this.#token.text === word) {
      this.take();
      return true;
    }
    this.#expect(word);
    return false;
  }

  /** Consumes and returns the next word if it is one of `words`. */
  oneOf<T extends string>(words: readonly T[]): T | undefined {
    const current = this.#token;
    if (current.kind === 'word' && (words as readonly string[]).includes(current.text)) {
      this.take();
      return current.text as T;
    }
    for (const word of words) this.#expect(word);
    return undefined;
  }

  /** Consumes the symbol `symbol` if it is next. */
  symbol(symbol: string): boolean {
    if (this.#token.kind === 'symbol' && this.#token.text === symbol) {
      this.take();
      return true;
    }
    this.#expect(symbol);
    return false;
  }

  /** Consumes and returns the next symbol if it is one of `symbols`. */
  oneOfSymbols<T extends string>(symbols: readonly T[]): T | undefined {
    const current = this.#token;
    if (current.kind === 'symbol' && (symbols as readonly string[]).includes(current.text)) {
      this.take();
      return current.text as T;
    }
    for (const symbol of symbols) this.#expect(symbol);
    return undefined;
  }

  /** Consumes the next token if it is of `kind`; `label` names it in syntax errors. */
  kind(kind: TokenKind, label: string): Token | undefined {
    if (this.#token.kind === kind) return this.take();
    this.#expect(label);
    return undefined;
  }

  /** Consumes an integer, which may have a sign right before its digits where an operand is expected. */
  signedInteger(label: string): Token | undefined {
    const current = this.#token;
    if (current.kind === 'integer') return this.take();
    if (current.kind === 'symbol' && (current.text === '-' || current.text === '+')) {
      const signed = readSignedInteger(this.text, current.start);
      if (signed !== undefined) {
        this.#moveTo(signed.end);
        return signed;
      }
    }
    this.#expect(label);
    return undefined;
  }

  /** Consumes a regular expression literal if one starts here. */
  regex(label: string): RegexLiteral | undefined {
    const current = this.#token;
    if (current.kind === 'symbol' && current.text === '/') {
      const literal = readRegex(this.text, current.start);
      if (literal !== undefined) {
        this.#moveTo(literal.end);
        return literal;
      }
    }
    this.#expect(label);
    return undefined;
  }

  /** Returns `value`, or fails the parse when it is missing. */
  require<T>(value: T | undefined | false): T {
    if (value === undefined || value === false) this.fail();
    return value as T;
  }

  /** Fails the parse with what was expected at the furthest point. */
  fail(): never {
    const at = this.#furthest >= 0 ? this.#furthest : this.#token.start;
    throw new QuerySyntaxError(
      `Query error at position ${this.#bytes(at)}. Expecting ${joinAlternatives(this.#expected)}`,
    );
  }

  /** Parses one level of parentheses with `parse`, refusing nesting deeper than the limit. */
  nested<T>(parse: () => T): T {
    if (this.#depth >= MAX_NESTING_DEPTH) {
      throw new QuerySyntaxError(
        `Query error at position ${this.#bytes(this.#lastEnd - 1)}. Parentheses are nested deeper than ${MAX_NESTING_DEPTH} levels.`,
      );
    }
    this.#depth++;
    try {
      return parse();
    } finally {
      this.#depth--;
    }
  }

  #bytes(index: number): number {
    return Buffer.byteLength(this.text.slice(0, index), 'utf8');
  }
}
