/**
 * Tokenizer of the test server's query language (docs/protocols/siridb.md §13).
 *
 * Tokens are read on demand at an index instead of all at once: `/` is division inside a time
 * expression but opens a regular expression in a series match or a filter, so the parser re-reads
 * a `/` token with {@link readRegex} where a regular expression may start.
 * @internal
 */

/** What a token is. Keywords are plain `word` tokens; the parser compares their text. */
export type TokenKind =
  | 'word'
  | 'integer'
  | 'float'
  | 'duration'
  | 'string'
  | 'grave'
  | 'symbol'
  | 'end'
  | 'invalid';

/** One token. Indexes are UTF-16 indexes into the query string. */
export interface Token {
  readonly kind: TokenKind;
  /** The source text, quotes included. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** A `/pattern/` or `/pattern/i` literal. */
export interface RegexLiteral {
  /** The text between the slashes, escapes kept. */
  readonly pattern: string;
  readonly ignoreCase: boolean;
  readonly end: number;
}

/** Two-character symbols, tried before the one-character ones. */
const LONG_SYMBOLS: ReadonlySet<string> = new Set(['=>', '==', '!=', '<=', '>=', '!~']);
const SHORT_SYMBOLS: ReadonlySet<string> = new Set([...'(),|&^-+*/%<>~']);

/** Units of duration literals such as `5m` or `1w`. */
const DURATION_UNITS = 'smhdw';

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

function isWordStart(char: string | undefined): boolean {
  return char !== undefined && ((char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z') || char === '_');
}

function isWordChar(char: string | undefined): boolean {
  return isWordStart(char) || isDigit(char);
}

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f' || char === '\v';
}

function token(kind: TokenKind, text: string, start: number, end: number): Token {
  return { kind, text: text.slice(start, end), start, end };
}

/** Index just past a quoted text opened at `start`; a doubled quote stands for one quote. */
function quotedEnd(text: string, start: number): number | undefined {
  const quote = text[start];
  let index = start + 1;
  for (;;) {
    const close = text.indexOf(quote as string, index);
    if (close === -1) return undefined;
    if (text[close + 1] !== quote) return close + 1;
    index = close + 2;
  }
}

/** Index just past a number starting at `start` and the kind of number it is. */
function readNumber(text: string, start: number): { kind: TokenKind; end: number } {
  let end = start;
  while (isDigit(text[end])) end++;
  if (text[end] === '.' && isDigit(text[end + 1])) {
    end++;
    while (isDigit(text[end])) end++;
    const exponent = /^[eE][+-]?\d+/.exec(text.slice(end, end + 24));
    if (exponent !== null) end += exponent[0].length;
    return { kind: 'float', end };
  }
  const unit = text[end];
  if (unit !== undefined && DURATION_UNITS.includes(unit) && !isWordChar(text[end + 1])) {
    return { kind: 'duration', end: end + 1 };
  }
  return { kind: 'integer', end };
}

/** Index of the next character that is not white space or part of a `#` comment. */
function skipBlank(text: string, index: number): number {
  let at = index;
  for (;;) {
    while (isSpace(text[at])) at++;
    if (text[at] !== '#') return at;
    // a comment runs to the end of the line
    const newline = text.indexOf('\n', at);
    at = newline === -1 ? text.length : newline;
  }
}

/** The token at `index`, after any white space and comments. */
export function readToken(text: string, index: number): Token {
  const start = skipBlank(text, index);
  const char = text[start];
  if (char === undefined) return token('end', text, start, start);
  if (isWordStart(char)) {
    let end = start + 1;
    while (isWordChar(text[end])) end++;
    return token('word', text, start, end);
  }
  if (isDigit(char)) {
    const number = readNumber(text, start);
    return token(number.kind, text, start, number.end);
  }
  if (char === "'" || char === '"' || char === '`') {
    const end = quotedEnd(text, start);
    if (end === undefined) return token('invalid', text, start, start + 1);
    return token(char === '`' ? 'grave' : 'string', text, start, end);
  }
  const pair = text.slice(start, start + 2);
  if (LONG_SYMBOLS.has(pair)) return token('symbol', text, start, start + 2);
  if (SHORT_SYMBOLS.has(char)) return token('symbol', text, start, start + 1);
  return token('invalid', text, start, start + 1);
}

/** An integer with a sign right before its digits (`-1`), at a `-` or `+` token starting at `start`. */
export function readSignedInteger(text: string, start: number): Token | undefined {
  if (!isDigit(text[start + 1])) return undefined;
  const number = readNumber(text, start + 1);
  return number.kind === 'integer' ? token('integer', text, start, number.end) : undefined;
}

/** Reads `/pattern/` with an optional `i` flag at `start` (which holds the `/`). */
export function readRegex(text: string, start: number): RegexLiteral | undefined {
  let index = start + 1;
  for (;;) {
    const char = text[index];
    if (char === undefined) return undefined;
    if (char === '\\') index += 2;
    else if (char === '/') break;
    else index++;
  }
  const pattern = text.slice(start + 1, index);
  const ignoreCase = text[index + 1] === 'i' && !isWordChar(text[index + 2]);
  return { pattern, ignoreCase, end: index + (ignoreCase ? 2 : 1) };
}

/** The text of a quoted token without its quotes, doubled quotes made single. */
export function unquote(quoted: string): string {
  const quote = quoted[0] ?? "'";
  return quoted
    .slice(1, -1)
    .split(quote + quote)
    .join(quote);
}
