/**
 * A literal-aware scanner for PostgreSQL and CockroachDB SQL text. It only finds where tokens begin
 * and end (no parsing, no I/O), so callers can tell SQL outside literals and comments from text
 * inside them. The lexical rules (PostgreSQL manual, "Lexical Structure"; CockroachDB's SQL scanner):
 *
 * - `'…'` with `''` for a quote. Backslash is plain text, except on PostgreSQL with
 *   `standard_conforming_strings` off, where `\'` and `\\` are escapes as in `E'…'`.
 * - `E'…'`: backslash escapes anything after it, `''` too. CockroachDB reads `b'…'` the same way
 *   (a BYTES literal); PostgreSQL reads `b'…'`/`B'…'` as a bit string, and `X'…'` is hexadecimal:
 *   no escapes and no `''` (a second quote starts a new literal).
 * - `N'…'` is `'…'`; `U&'…'` keeps backslash as plain text (its escapes are decoded after lexing).
 * - A quoted literal is continued by another `'` after whitespace holding a newline, in the same
 *   mode (`E'a'\n'\''` is one escape string). PostgreSQL allows `--` comments in that whitespace.
 * - `$$…$$` and `$tag$…$tag$`: the tag is an identifier without `$` (not starting with a digit: `$1`
 *   is a parameter), case-sensitive, nothing is escaped inside. A `$` inside a word belongs to the
 *   word, so `a$$` is one identifier, not the start of a dollar quote.
 * - `"…"` and `U&"…"` identifiers with `""` for a quote.
 * - `--` comments to the end of the line; `/* … *\/` comments nest.
 * A prefix letter only counts at the start of a word: `xE'…'` is the word `xE`, then `'…'`.
 */

/** What a token is. Every single-quoted literal form is a `string`. */
export type SqlTokenKind =
  | 'space'
  | 'line-comment'
  | 'block-comment'
  | 'string'
  | 'dollar-string'
  | 'quoted-identifier'
  | 'word'
  | 'number'
  | 'parameter'
  | 'symbol';

/** One token: `text.slice(start, end)`. */
export interface SqlToken {
  readonly kind: SqlTokenKind;
  readonly start: number;
  readonly end: number;
  /** A literal, quoted identifier or block comment that runs to the end of the text unclosed. */
  readonly unterminated: boolean;
}

/** The lexical rules that differ between servers and settings. */
export interface LexicalRules {
  readonly server: 'postgresql' | 'cockroachdb';
  /** PostgreSQL's `standard_conforming_strings` (CockroachDB has it always on). */
  readonly standardConformingStrings: boolean;
}

/** PostgreSQL with its default settings. */
export const POSTGRESQL_RULES: LexicalRules = { server: 'postgresql', standardConformingStrings: true };

/**
 * Every reading a server the driver talks to may give the same text: PostgreSQL (whose session may
 * have `standard_conforming_strings` off through `sessionSettings`) and CockroachDB. A check that
 * must hold on every server runs once per reading.
 */
export const SERVER_READINGS: readonly LexicalRules[] = [
  POSTGRESQL_RULES,
  { server: 'postgresql', standardConformingStrings: false },
  { server: 'cockroachdb', standardConformingStrings: true },
];

// The readings differ only on backslashes (escapes), line breaks (continuations) and \v (space).
const READINGS_DIFFER = /[\\\n\r\v]/;

/** The readings of `text` that can differ: all of {@link SERVER_READINGS}, or one when they agree. */
export function readingsOf(text: string): readonly LexicalRules[] {
  return READINGS_DIFFER.test(text) ? SERVER_READINGS : DEFAULT_READING;
}

const DEFAULT_READING: readonly LexicalRules[] = [POSTGRESQL_RULES];

/** How the inside of a single-quoted literal is read. */
interface QuoteMode {
  /** Backslash escapes the next character. */
  readonly escapes: boolean;
  /** `''` is a quote inside the literal (bit and hex strings end at the first quote instead). */
  readonly doubling: boolean;
}

const STANDARD: QuoteMode = { escapes: false, doubling: true };
const ESCAPED: QuoteMode = { escapes: true, doubling: true };
const BITS: QuoteMode = { escapes: false, doubling: false };

const QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const DOLLAR = 0x24;
const BACKSLASH = 0x5c;
const DASH = 0x2d;
const SLASH = 0x2f;
const STAR = 0x2a;
const AMPERSAND = 0x26;
const LF = 0x0a;
const CR = 0x0d;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isIdentifierStart(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f || code >= 0x80;
}

function isIdentifierPart(code: number): boolean {
  return isIdentifierStart(code) || isDigit(code) || code === DOLLAR;
}

function isSpace(code: number, rules: LexicalRules): boolean {
  // space, \t, \n, \r, \f; PostgreSQL also takes \v.
  return (
    code === 0x20 ||
    code === 0x09 ||
    code === LF ||
    code === CR ||
    code === 0x0c ||
    (code === 0x0b && rules.server === 'postgresql')
  );
}

/** Receives each token in order; `text.slice(start, end)` is its text. */
export type TokenVisitor = (kind: SqlTokenKind, start: number, end: number, unterminated: boolean) => void;

/**
 * Calls `visit` for each token of `text`, read with `rules`; the tokens cover the text end to end.
 * Allocates nothing per token, for callers that scan long statements.
 */
export function forEachToken(text: string, rules: LexicalRules, visit: TokenVisitor): void {
  const scanner = new Scanner(text, rules, visit);
  let at = 0;
  while (at < text.length) at = scanner.next(at);
}

/** Splits `text` into tokens that cover it end to end, read with `rules`. */
export function scanSql(text: string, rules: LexicalRules = POSTGRESQL_RULES): SqlToken[] {
  const tokens: SqlToken[] = [];
  forEachToken(text, rules, (kind, start, end, unterminated) => {
    tokens.push({ kind, start, end, unterminated });
  });
  return tokens;
}

class Scanner {
  private readonly length: number;
  private readonly plain: QuoteMode;

  constructor(
    private readonly text: string,
    private readonly rules: LexicalRules,
    private readonly visit: TokenVisitor,
  ) {
    this.length = text.length;
    const backslashEscapes = rules.server === 'postgresql' && !rules.standardConformingStrings;
    this.plain = backslashEscapes ? ESCAPED : STANDARD;
  }

  private code(at: number): number {
    return at < this.length ? this.text.charCodeAt(at) : -1;
  }

  private push(kind: SqlTokenKind, start: number, end: number, unterminated = false): number {
    const bounded = Math.min(end, this.length);
    this.visit(kind, start, bounded, unterminated);
    return bounded;
  }

  /** Scans the token at `start` and returns where the next one begins. */
  next(start: number): number {
    const code = this.code(start);
    const following = this.code(start + 1);
    if (isSpace(code, this.rules)) {
      let end = start + 1;
      while (end < this.length && isSpace(this.code(end), this.rules)) end++;
      return this.push('space', start, end);
    }
    if (code === DASH && following === DASH) return this.push('line-comment', start, this.lineEnd(start));
    if (code === SLASH && following === STAR) return this.blockComment(start);
    if (code === QUOTE) return this.quoted(start, start, this.plain);
    if (code === DOUBLE_QUOTE) return this.quotedIdentifier(start, start);
    if (code === DOLLAR) return this.dollar(start);
    if (isIdentifierStart(code)) return this.word(start);
    if (isDigit(code)) {
      let end = start + 1;
      while (isDigit(this.code(end)) || this.code(end) === 0x2e) end++;
      return this.push('number', start, end);
    }
    return this.push('symbol', start, start + 1);
  }

  private lineEnd(start: number): number {
    let end = start;
    while (end < this.length && this.code(end) !== LF && this.code(end) !== CR) end++;
    return end;
  }

  private blockComment(start: number): number {
    let depth = 0;
    let at = start;
    while (at < this.length) {
      const code = this.code(at);
      const following = this.code(at + 1);
      if (code === SLASH && following === STAR) {
        depth++;
        at += 2;
      } else if (code === STAR && following === SLASH) {
        depth--;
        at += 2;
        if (depth === 0) return this.push('block-comment', start, at);
      } else at++;
    }
    return this.push('block-comment', start, this.length, true);
  }

  /** A word, or a literal introduced by a one-letter prefix (`E'`, `B'`, `X'`, `N'`, `U&'`, `U&"`). */
  private word(start: number): number {
    let end = start + 1;
    while (end < this.length && isIdentifierPart(this.code(end))) end++;
    if (end === start + 1) {
      const letter = this.text[start];
      const after = this.code(end);
      if (after === QUOTE) {
        const mode = this.prefixedMode(letter as string);
        if (mode !== undefined) return this.quoted(start, end, mode);
      } else if ((letter === 'u' || letter === 'U') && after === AMPERSAND) {
        // U&'…': backslash starts a Unicode escape decoded after lexing, it never hides a quote.
        if (this.code(end + 1) === QUOTE) return this.quoted(start, end + 1, STANDARD);
        if (this.code(end + 1) === DOUBLE_QUOTE) return this.quotedIdentifier(start, end + 1);
      }
    }
    return this.push('word', start, end);
  }

  private prefixedMode(letter: string): QuoteMode | undefined {
    switch (letter) {
      case 'E':
      case 'e':
        return ESCAPED;
      case 'N':
      case 'n':
        return this.plain;
      case 'X':
      case 'x':
      case 'B':
        return BITS;
      case 'b':
        // CockroachDB: a BYTES literal with escapes; PostgreSQL: a bit string.
        return this.rules.server === 'cockroachdb' ? ESCAPED : BITS;
      default:
        return undefined;
    }
  }

  /** A single-quoted literal whose opening quote is at `quote`, with its continuations. */
  private quoted(start: number, quote: number, mode: QuoteMode): number {
    let at = quote + 1;
    while (at < this.length) {
      const code = this.code(at);
      if (mode.escapes && code === BACKSLASH) {
        at += 2;
        continue;
      }
      if (code !== QUOTE) {
        at++;
        continue;
      }
      if (mode.doubling && this.code(at + 1) === QUOTE) {
        at += 2;
        continue;
      }
      const continued = this.continuation(at + 1);
      if (continued === -1) return this.push('string', start, at + 1);
      at = continued + 1;
    }
    return this.push('string', start, this.length, true);
  }

  /**
   * Where a literal that closed just before `from` goes on: the `'` after whitespace holding a
   * newline (PostgreSQL also skips `--` comments there), or -1 when it does not.
   */
  private continuation(from: number): number {
    let at = from;
    let newline = false;
    const postgres = this.rules.server === 'postgresql';
    while (at < this.length) {
      const code = this.code(at);
      if (code === LF || (code === CR && postgres)) {
        newline = true;
        at++;
      } else if (isSpace(code, this.rules)) at++;
      else if (postgres && code === DASH && this.code(at + 1) === DASH) at = this.lineEnd(at);
      else break;
    }
    return newline && this.code(at) === QUOTE ? at : -1;
  }

  private quotedIdentifier(start: number, quote: number): number {
    let at = quote + 1;
    while (at < this.length) {
      if (this.code(at) === DOUBLE_QUOTE) {
        if (this.code(at + 1) !== DOUBLE_QUOTE) return this.push('quoted-identifier', start, at + 1);
        at += 2;
      } else at++;
    }
    return this.push('quoted-identifier', start, this.length, true);
  }

  /** `$1` (a parameter), `$tag$…$tag$` / `$$…$$` (a dollar-quoted literal), or a lone `$`. */
  private dollar(start: number): number {
    if (isDigit(this.code(start + 1))) {
      let end = start + 2;
      while (isDigit(this.code(end))) end++;
      return this.push('parameter', start, end);
    }
    let tagEnd = start + 1;
    if (isIdentifierStart(this.code(tagEnd))) {
      tagEnd++;
      while (isIdentifierStart(this.code(tagEnd)) || isDigit(this.code(tagEnd))) tagEnd++;
    }
    if (this.code(tagEnd) !== DOLLAR) return this.push('symbol', start, start + 1);
    const delimiter = this.text.slice(start, tagEnd + 1);
    const close = this.text.indexOf(delimiter, tagEnd + 1);
    if (close === -1) return this.push('dollar-string', start, this.length, true);
    return this.push('dollar-string', start, close + delimiter.length);
  }
}

/** True for tokens that are not whitespace or comments. */
export function isSignificant(kind: SqlTokenKind): boolean {
  return kind !== 'space' && kind !== 'line-comment' && kind !== 'block-comment';
}
