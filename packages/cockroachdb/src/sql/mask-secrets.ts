import {
  forEachToken,
  isSignificant,
  type LexicalRules,
  readingsOf,
  type SqlTokenKind,
} from './sql-scanner.js';

/** What replaces a secret in published statement text. */
export const SECRET_PLACEHOLDER = "'[redacted]'";

// Cheap pre-check: text without any of these cannot hold a secret the masker looks for.
const MIGHT_HOLD_SECRET = /pass|pwd|secret|token|key|credential|:\/\//i;
// A `name=` whose name looks secret, in a URL query or a libpq `key=value` connection string.
const ASSIGNED_NAME = /([A-Za-z0-9_.-]+)\s*=/g;
const SECRET_NAME = /pass|pwd|secret|token|key$|apikey|api_key|credential/i;
// `scheme://user:password@…`
const URL_USER_PASSWORD = /:\/\/[^\s/?#@]*:[^\s@]*@/;
const PASSWORD_WORD = /password/i;
const ROLE_COMMANDS = new Set(['create', 'alter']);
const ROLE_OBJECTS = new Set(['user', 'role', 'group']);

interface Range {
  start: number;
  end: number;
}

/**
 * Statement text with its secrets replaced by `'[redacted]'`, for events and logs. Fits core's
 * statement masker slot: `(statement: string) => string`.
 * - The literal after a `PASSWORD` keyword (`CREATE/ALTER USER|ROLE|GROUP … [WITH] [ENCRYPTED]
 *   PASSWORD '…'`), or after any name containing "password" (postgres_fdw's
 *   `OPTIONS (password '…', sslpassword '…')`, `SET "password" = '…'`), in every literal form
 *   (`'…'`, `E'…'`, `U&'…'`, `N'…'`, `$$…$$`, `$tag$…$tag$`, continued literals), with whitespace,
 *   comments or `=` before it. In a role statement also a quoted or bare identifier after
 *   `PASSWORD` (CockroachDB accepts a password written as an identifier), but not `NULL`; a `$1`
 *   parameter is not a secret.
 * - Any literal holding a connection string or URL with a password or a secret-looking parameter
 *   (PostgreSQL's `CREATE SUBSCRIPTION … CONNECTION 'host=… password=…'`, CockroachDB's
 *   `BACKUP … INTO 's3://…?AWS_SECRET_ACCESS_KEY=…'` or changefeed sinks with `sasl_password=`).
 * An unterminated literal or comment where a password is expected masks the rest of the text. The
 * text is read the way every server the driver talks to could read it (see `SERVER_READINGS`) and
 * what any reading calls a secret is masked, so no reading can leak part of one.
 */
export function maskSecrets(statement: string): string {
  if (!MIGHT_HOLD_SECRET.test(statement)) return statement;
  const ranges: Range[] = [];
  for (const rules of readingsOf(statement)) collectSecrets(statement, rules, ranges);
  return replaceRanges(statement, ranges);
}

/** Adds to `out` the range of every secret in `text` read with `rules`. */
function collectSecrets(text: string, rules: LexicalRules, out: Range[]): void {
  // The first two words of the current statement tell a role statement.
  let first = '';
  let second = '';
  let significantSeen = 0;
  // After a password name: whether a bare or quoted identifier would be the password too.
  let awaiting: { identifier: boolean } | undefined;

  forEachToken(text, rules, (kind, start, end, unterminated) => {
    if (awaiting !== undefined) {
      // An unclosed literal or comment may hide the password: keep all of it from view.
      if (unterminated) {
        out.push({ start, end: text.length });
        awaiting = undefined;
        return;
      }
      if (!isSignificant(kind) || (kind === 'symbol' && text.charCodeAt(start) === 0x3d)) return;
      const identifier = awaiting.identifier;
      awaiting = undefined;
      if (isPassword(text, kind, start, end, identifier)) {
        out.push({ start, end });
        return;
      }
    }
    if (!isSignificant(kind)) return;
    if (kind === 'symbol' && text.charCodeAt(start) === 0x3b) {
      significantSeen = 0;
      return;
    }
    significantSeen++;
    if (significantSeen <= 2) {
      const word = kind === 'word' ? text.slice(start, end).toLowerCase() : '';
      if (significantSeen === 1) first = word;
      else second = word;
    }
    if (kind === 'string' || kind === 'dollar-string') {
      if (holdsConnectionSecret(text.slice(start, end))) out.push({ start, end });
    } else if (kind === 'word' || kind === 'quoted-identifier') {
      const name = text.slice(start, end);
      if (!PASSWORD_WORD.test(name)) return;
      // Only the PASSWORD keyword of a role statement may be followed by a password as an identifier.
      const keyword = kind === 'word' && name.toLowerCase() === 'password';
      awaiting = { identifier: keyword && ROLE_COMMANDS.has(first) && ROLE_OBJECTS.has(second) };
    }
  });
}

function isPassword(
  text: string,
  kind: SqlTokenKind,
  start: number,
  end: number,
  identifier: boolean,
): boolean {
  if (kind === 'string' || kind === 'dollar-string') return true;
  if (!identifier) return false;
  if (kind === 'quoted-identifier') return true;
  return kind === 'word' && text.slice(start, end).toLowerCase() !== 'null';
}

function holdsConnectionSecret(literal: string): boolean {
  if (URL_USER_PASSWORD.test(literal)) return true;
  for (const match of literal.matchAll(ASSIGNED_NAME)) {
    if (SECRET_NAME.test(match[1] as string)) return true;
  }
  return false;
}

/** Replaces each range (overlapping ones merged) by the placeholder. */
function replaceRanges(text: string, ranges: Range[]): string {
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a.start - b.start);
  let result = '';
  let copied = 0;
  let current = { ...(ranges[0] as Range) };
  const flush = (): void => {
    result += text.slice(copied, current.start) + SECRET_PLACEHOLDER;
    copied = current.end;
  };
  for (const range of ranges.slice(1)) {
    if (range.start < current.end) current.end = Math.max(current.end, range.end);
    else {
      flush();
      current = { ...range };
    }
  }
  flush();
  return result + text.slice(copied);
}
