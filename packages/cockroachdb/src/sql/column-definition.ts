import { ConfigError } from '@conn/core';
import { type LexicalRules, readingsOf, type SqlToken, scanSql } from './sql-scanner.js';

/** Code of the error for a column definition or constraint that could reach beyond itself. */
export const UNSAFE_DEFINITION_CODE = 'CONN_COCKROACHDB_UNSAFE_DEFINITION';

/**
 * Checks a column definition such as `UUID PRIMARY KEY DEFAULT gen_random_uuid()`. Definitions are
 * SQL by nature, so they cannot be bound; what is refused is anything that could end the statement
 * or hide the rest of it. Outside literals: `;`, comments, unbalanced parentheses and `$1`
 * parameters (a definition is sent without values); anywhere: NUL and unterminated literals or
 * quoted names. Every literal form is understood (see `sql-scanner.ts`), so `'a;b'`, `E'it\'s'` or
 * `$$x$$` are fine, and the check holds for every way a server may read the text (PostgreSQL with
 * `standard_conforming_strings` on or off, CockroachDB): `'C:\'` is refused, since with the setting
 * off it does not end. Throws `ConfigError` with code `CONN_COCKROACHDB_UNSAFE_DEFINITION`.
 */
export function checkColumnDefinition(definition: string, field: string): string {
  if (typeof definition !== 'string' || definition.trim().length === 0) {
    throw new ConfigError(`${field} must be a non-empty SQL column definition`, { field });
  }
  if (definition.includes('\u0000')) throw unsafe(field, 'must not contain NUL');
  for (const rules of readingsOf(definition)) {
    const problem = problemIn(definition, scanSql(definition, rules));
    if (problem !== undefined) throw unsafe(field, `${problem}${readingNote(rules)}`);
  }
  return definition.trim();
}

function problemIn(definition: string, tokens: readonly SqlToken[]): string | undefined {
  let depth = 0;
  for (const token of tokens) {
    if (token.unterminated) return `has an unterminated ${describe(token)}`;
    switch (token.kind) {
      case 'line-comment':
      case 'block-comment':
        return 'must not contain comments';
      case 'parameter':
        return 'must not contain parameters ($1): a definition is sent without values';
      case 'symbol': {
        const char = definition[token.start];
        if (char === ';') return "must not contain ';' outside a literal";
        if (char === '(') depth++;
        if (char === ')' && --depth < 0) return "has an unbalanced ')'";
        break;
      }
      default:
        break;
    }
  }
  return depth === 0 ? undefined : "has an unbalanced '('";
}

function describe(token: SqlToken): string {
  if (token.kind === 'block-comment') return 'comment';
  if (token.kind === 'quoted-identifier') return 'quoted name';
  return 'literal';
}

function readingNote(rules: LexicalRules): string {
  if (rules.server === 'cockroachdb') return ' (as CockroachDB reads it)';
  return rules.standardConformingStrings
    ? ''
    : ' (as PostgreSQL reads it with standard_conforming_strings off)';
}

function unsafe(field: string, problem: string): ConfigError {
  return new ConfigError(`${field} ${problem}`, { field, code: UNSAFE_DEFINITION_CODE });
}
