import { ConfigError } from '@conn/core';
import { forEachToken, isSignificant, type LexicalRules, readingsOf } from './sql-scanner.js';

/** Code of the error `query()`/`execute()`/`stream()` raise for several statements with `multipleStatements: false`. */
export const MULTIPLE_STATEMENTS_CODE = 'CONN_COCKROACHDB_MULTIPLE_STATEMENTS';

/**
 * How many non-empty statements `sql` holds: parts separated by `;` outside literals and comments
 * that contain more than whitespace and comments. A `;` inside a `BEGIN ATOMIC … END` function body
 * counts too: telling it apart needs a parser, and counting it only errs toward refusing.
 */
export function countStatements(sql: string, rules: LexicalRules): number {
  let count = 0;
  let open = false;
  forEachToken(sql, rules, (kind, start) => {
    if (!isSignificant(kind)) return;
    if (kind === 'symbol' && sql.charCodeAt(start) === 0x3b) open = false;
    else if (!open) {
      open = true;
      count++;
    }
  });
  return count;
}

/**
 * Refuses `sql` unless every server reading of it holds at most one statement, before anything is
 * sent. Throws `ConfigError` with code `CONN_COCKROACHDB_MULTIPLE_STATEMENTS`.
 */
export function checkSingleStatement(sql: string): void {
  for (const rules of readingsOf(sql)) {
    const count = countStatements(sql, rules);
    if (count > 1) {
      throw new ConfigError(
        `sql holds ${count} statements separated by ';' and multipleStatements is false; send one statement per call`,
        { field: 'sql', code: MULTIPLE_STATEMENTS_CODE },
      );
    }
  }
}
