import { paramsError } from './params-error.js';

/** One placeholder found in SQL text: `[start, end)` is the text it replaces. */
export type Placeholder =
  | { readonly kind: 'positional'; readonly start: number; readonly end: number }
  | { readonly kind: 'numbered'; readonly start: number; readonly end: number; readonly index: number }
  | { readonly kind: 'named'; readonly start: number; readonly end: number; readonly name: string };

/** How string literals treat backslashes (see `BindOptions.stringEscape`). */
export type StringEscape = 'standard' | 'backslash';

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

/**
 * A `$1` or `:name` right after an identifier character (`a$1`, `arr[x:y]`) belongs to that
 * identifier or expression, not to us. Non-ASCII letters count as identifier characters.
 */
function continuesIdentifier(sql: string, at: number): boolean {
  const before = sql[at - 1];
  if (before === undefined) return false;
  return NAME_PART.test(before) || before === '$' || before.charCodeAt(0) >= 0x80;
}

/** Index just past the quote closing the region opened at `start`; a doubled quote is an escape. */
function skipQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslash && ch === '\\') {
      i += 2;
    } else if (ch === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i += 1;
    }
  }
  const what = quote === "'" ? 'string literal' : 'quoted identifier';
  throw paramsError(`unterminated ${what} starting at offset ${start}`);
}

/**
 * Index just past the block comment opened at `start`. Nested comments are counted: if the
 * engine does not nest them we only treat more text as comment, which never puts a value where
 * the engine reads code.
 */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  throw paramsError(`unterminated block comment starting at offset ${start}`);
}

/** Index of the `\n` ending a line comment (only `\n`: a lone `\r` is kept inside the comment, the safe side). */
function skipLineComment(sql: string, start: number): number {
  const end = sql.indexOf('\n', start);
  return end === -1 ? sql.length : end;
}

function endOf(sql: string, start: number, part: RegExp): number {
  let i = start;
  while (i < sql.length && part.test(sql[i] as string)) i += 1;
  return i;
}

/**
 * Finds the placeholders of `sql` outside string literals, quoted identifiers and comments.
 * @throws ConfigError `CONN_E6DATA_PARAMS` for an unterminated string, identifier or comment.
 */
export function findPlaceholders(sql: string, stringEscape: StringEscape = 'standard'): Placeholder[] {
  const found: Placeholder[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "'") {
      i = skipQuoted(sql, i, "'", stringEscape === 'backslash');
    } else if (ch === '"' || ch === '`') {
      i = skipQuoted(sql, i, ch, false);
    } else if (ch === '-' && sql[i + 1] === '-') {
      i = skipLineComment(sql, i);
    } else if (ch === '/' && sql[i + 1] === '*') {
      i = skipBlockComment(sql, i);
    } else if (ch === '?') {
      found.push({ kind: 'positional', start: i, end: i + 1 });
      i += 1;
    } else if (ch === ':' && sql[i + 1] === ':') {
      i += 2; // a `::` cast
    } else if (ch === ':' && NAME_START.test(sql[i + 1] ?? '') && !continuesIdentifier(sql, i)) {
      const end = endOf(sql, i + 2, NAME_PART);
      found.push({ kind: 'named', start: i, end, name: sql.slice(i + 1, end) });
      i = end;
    } else if (ch === '$' && DIGIT.test(sql[i + 1] ?? '') && !continuesIdentifier(sql, i)) {
      const end = endOf(sql, i + 2, DIGIT);
      found.push({ kind: 'numbered', start: i, end, index: Number(sql.slice(i + 1, end)) });
      i = end;
    } else {
      i += 1;
    }
  }
  return found;
}
