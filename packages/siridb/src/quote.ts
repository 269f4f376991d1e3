/**
 * Putting a user's value into SiriDB query text (docs/protocols/siridb.md §13), so that the query
 * names exactly that value and nothing in it can end the quote, the regex or the query.
 *
 * The rules, as SiriDB 2.0.55 reads them: inside `"…"` or `'…'` every character is itself and the
 * quote is written twice (`"a""b"` is `a"b`; backslashes, slashes and newlines are plain
 * characters); inside `/…/` a backslash escapes the next character, so `/` is written `\/`; the
 * server ends every text at a NUL character, so NUL and lone UTF-16 surrogates are refused here.
 */
import { ConfigError } from '@conn/core';
import { refuseUnsafeText } from './safe-text.js';

function requireText(value: unknown, helper: string, field: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new ConfigError(`${helper} needs a string, got ${value === null ? 'null' : typeof value}`, {
      field,
    });
  }
}

/**
 * A series name (or any other string) as a double-quoted SiriDB string: `"` doubled, every other
 * character kept as it is.
 *
 * @example
 * await client.query(`select * from ${quoteName(name)}`);
 * await client.query(`drop series ${quoteName(name)}`);
 * @throws ConfigError `CONN_SIRIDB_NUL` or `CONN_SIRIDB_LONE_SURROGATE` when the name has a NUL or
 * a lone surrogate (SiriDB could not store or find it as written).
 */
export function quoteName(name: string): string {
  requireText(name, 'quoteName', 'name');
  refuseUnsafeText(name, 'the name', 'name');
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A string as a single-quoted SiriDB string: `'` doubled, every other character kept. For user
 * names, passwords, dates and other strings where you prefer single quotes; SiriDB reads `"…"` and
 * `'…'` alike.
 *
 * @example
 * await client.query(`select * from "cpu" after ${quoteString('2024-01-01 00:00Z')}`);
 * @throws ConfigError `CONN_SIRIDB_NUL` or `CONN_SIRIDB_LONE_SURROGATE`.
 */
export function quoteString(text: string): string {
  requireText(text, 'quoteString', 'text');
  refuseUnsafeText(text, 'the string', 'text');
  return `'${text.replaceAll("'", "''")}'`;
}

/** Characters with a meaning in a regular expression, in SiriDB's (PCRE) and JavaScript's alike. */
const REGEX_SPECIAL = /[\\^$.|?*+()[\]{}/]/g;

/**
 * Regex source that matches `text` literally: every character with a meaning in a regular
 * expression gets a backslash. Combine it with {@link quoteRegex}, for example to match a prefix.
 *
 * @example
 * // every series whose name starts with the user's prefix; `[\s\S]*` also crosses newlines
 * await client.query(`drop series ${quoteRegex(`${escapeRegex(prefix)}[\\s\\S]*`)}`);
 * @throws ConfigError `CONN_SIRIDB_NUL` or `CONN_SIRIDB_LONE_SURROGATE`.
 */
export function escapeRegex(text: string): string {
  requireText(text, 'escapeRegex', 'text');
  refuseUnsafeText(text, 'the regex text', 'text');
  return text.replace(REGEX_SPECIAL, '\\$&');
}

/**
 * A regular expression as a SiriDB `/…/` literal: each `/` not already escaped becomes `\/`, and
 * a backslash before a line break becomes `\n` / `\r` (the server's lexer does not read an escaped
 * line break). Flags: only `i` (SiriDB has no other).
 *
 * SiriDB matches a regex against the **whole** name: it runs `^<pattern>$`. So that this holds for
 * any pattern, the literal is `/(?:<pattern>)(?!\n)/`: the group keeps an alternation `a|b` from
 * meaning "starts with a, or ends with b", and `(?!\n)` keeps `$` from also matching before a
 * final newline, as it does in SiriDB's PCRE. Write the pattern in the syntax both PCRE and
 * JavaScript share (the test server uses JavaScript's `RegExp`); `.` does not match a newline.
 *
 * @param pattern the pattern's source, or a `RegExp` (its `source` and `flags`).
 * @param flags `''` or `'i'`; by default the `RegExp`'s flags, or none.
 * @example
 * await client.query(`list series name ${quoteRegex(/cpu\.[a-z]+/i)}`); // list series name /(?:cpu\.[a-z]+)(?!\n)/i
 * @throws ConfigError `CONN_CONFIG` (`field` `flags` or `pattern`) for another flag or a pattern
 * that ends in a lone backslash; `CONN_SIRIDB_NUL` or `CONN_SIRIDB_LONE_SURROGATE`.
 */
export function quoteRegex(pattern: string | RegExp, flags?: string): string {
  const source = pattern instanceof RegExp ? pattern.source : pattern;
  const chosenFlags = flags ?? (pattern instanceof RegExp ? pattern.flags : '');
  requireText(source, 'quoteRegex', 'pattern');
  if (chosenFlags !== '' && chosenFlags !== 'i') {
    throw new ConfigError(`quoteRegex: SiriDB knows only the flag i, got "${String(chosenFlags)}"`, {
      field: 'flags',
    });
  }
  refuseUnsafeText(source, 'the regex', 'pattern');
  let out = '';
  let copied = 0;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '/') {
      out += `${source.slice(copied, i)}\\/`;
      copied = i + 1;
    } else if (char === '\\') {
      const next = source[i + 1];
      if (next === undefined) {
        throw new ConfigError('quoteRegex: the pattern ends in a lone backslash', { field: 'pattern' });
      }
      if (next === '\n' || next === '\r') {
        out += `${source.slice(copied, i)}${next === '\n' ? '\\n' : '\\r'}`;
        copied = i + 2;
      }
      i++;
    }
  }
  out += source.slice(copied);
  return `/(?:${out})(?!\\n)/${chosenFlags}`;
}

/** What {@link siridbQuery} accepts between `${…}`. */
export type SiriDBQueryValue = string | RegExp | number | bigint;

function queryValue(value: unknown, index: number): string {
  if (typeof value === 'string') return quoteName(value);
  if (value instanceof RegExp) return quoteRegex(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isFinite(value)) {
    const text = String(value);
    // SiriDB reads no exponent (1e+21, 1e-7)
    if (!/[eE]/.test(text)) return text;
  }
  const shown = typeof value === 'number' ? String(value) : value === null ? 'null' : typeof value;
  throw new ConfigError(
    `siridbQuery: value #${index} must be a string, RegExp, bigint or a finite number written without exponent, got ${shown}`,
    { field: `values[${index}]` },
  );
}

/**
 * A tagged template that builds SiriDB query text with every value quoted: a string becomes a
 * double-quoted string ({@link quoteName}: a series name, or a date, a user ...), a `RegExp` a
 * `/…/` literal ({@link quoteRegex}), a number or bigint its decimal digits. The result is plain
 * text for `client.query()`.
 *
 * @example
 * await client.query(siridbQuery`select * from ${name} after ${since}`);
 * await client.query(siridbQuery`drop series ${name}`); // drops exactly that series
 * @throws ConfigError for a value of another type, or `CONN_SIRIDB_NUL` /
 * `CONN_SIRIDB_LONE_SURROGATE` for a NUL or lone surrogate in a value or in the template.
 */
export function siridbQuery(strings: TemplateStringsArray, ...values: readonly SiriDBQueryValue[]): string {
  let text = '';
  for (let i = 0; i < strings.length; i++) {
    const literal = strings[i];
    // a template with an invalid escape (`\u{zz}`) has no cooked text
    if (literal === undefined) {
      throw new ConfigError('siridbQuery: the template has an invalid escape sequence', { field: 'query' });
    }
    refuseUnsafeText(literal, 'the query template', 'query');
    text += literal;
    if (i < values.length) text += queryValue(values[i], i);
  }
  return text;
}
