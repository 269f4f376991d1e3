/**
 * The terminals of the test server's query language (docs/protocols/siridb.md §13). There is no
 * separate tokenizer: like the server, the parser tries a terminal at a position and takes
 * whatever text it matches there, so `1.5` where an integer is expected is the integer `1`
 * followed by `.5`, and `1sec` is the duration `1s` followed by `ec`.
 * @internal
 */

/** What a terminal matches. `integer` is unsigned (`5`), `signed` may have a sign (`-5`). */
export type TokenKind =
  | 'word'
  | 'integer'
  | 'signed'
  | 'float'
  | 'time'
  | 'single'
  | 'double'
  | 'string'
  | 'grave'
  | 'regex'
  | 'uuid'
  | 'comment'
  | 'symbol'
  | 'end';

/** Matched text. Indexes are UTF-16 indexes into the query string. */
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

/** Terminals as sticky expressions (tried exactly at an index). */
const PATTERNS: Readonly<Record<Exclude<TokenKind, 'string' | 'symbol' | 'end'>, RegExp>> = {
  // a keyword matches only when the whole run of lower-case letters and `_` is that keyword
  word: /[a-z_]+/y,
  integer: /[0-9]+/y,
  signed: /[-+]?[0-9]+/y,
  float: /[-+]?[0-9]*\.?[0-9]+/y,
  time: /[0-9]+[smhdw]/y,
  single: /(?:'[^']*')+/y,
  double: /(?:"[^"]*")+/y,
  grave: /(?:`[^`]*`)+/y,
  // an escaped character is anything but a line feed
  regex: /\/[^/\\]*(?:\\.[^/\\]*)*\/i?/y,
  uuid: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/y,
  comment: /#[^\n]*/y,
};

/** White space as C's `isspace` sees it (no other Unicode spaces). */
function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f' || char === '\v';
}

/** Index of the first character at or after `index` that is not white space. */
export function skipSpace(text: string, index: number): number {
  let at = index;
  while (isSpace(text[at])) at++;
  return at;
}

/** End of the `kind` terminal starting exactly at `at`, or undefined when it does not match there. */
export function matchTerminal(kind: TokenKind, text: string, at: number): number | undefined {
  if (kind === 'end') return at >= text.length ? at : undefined;
  if (kind === 'symbol') return at < text.length ? at + 1 : undefined;
  if (kind === 'string') return matchTerminal('single', text, at) ?? matchTerminal('double', text, at);
  const pattern = PATTERNS[kind];
  pattern.lastIndex = at;
  return pattern.exec(text) === null ? undefined : pattern.lastIndex;
}

/** The run of keyword letters at `at` (empty when there is none). */
export function keywordAt(text: string, at: number): string {
  const end = matchTerminal('word', text, at);
  return end === undefined ? '' : text.slice(at, end);
}

/**
 * The longest terminal after white space at `index` (a quoted string, name, regex, duration,
 * number or keyword), else one character as a `symbol`.
 */
export function readToken(text: string, index: number): Token {
  const start = skipSpace(text, index);
  if (start >= text.length) return { kind: 'end', text: '', start, end: start };
  let found: Token = { kind: 'symbol', text: text.slice(start, start + 1), start, end: start + 1 };
  for (const kind of ['string', 'grave', 'regex', 'time', 'signed', 'float', 'word'] as const) {
    const end = matchTerminal(kind, text, start);
    if (end !== undefined && (found.kind === 'symbol' || end > found.end)) {
      found = { kind, text: text.slice(start, end), start, end };
    }
  }
  return found;
}

/** Reads `/pattern/` with an optional `i` flag at `start` (which holds the `/`). */
export function readRegex(text: string, start: number): RegexLiteral | undefined {
  const end = matchTerminal('regex', text, start);
  if (end === undefined) return undefined;
  const ignoreCase = text[end - 1] === 'i';
  return { pattern: text.slice(start + 1, ignoreCase ? end - 2 : end - 1), ignoreCase, end };
}

/** The text of a quoted token without its quotes, doubled quotes made single. */
export function unquote(quoted: string): string {
  const quote = quoted[0] ?? "'";
  return quoted
    .slice(1, -1)
    .split(quote + quote)
    .join(quote);
}
