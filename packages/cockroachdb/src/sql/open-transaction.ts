import { ConfigError } from '@conn/core';
import { forEachToken, isSignificant, type LexicalRules, readingsOf } from './sql-scanner.js';

/** Code of the error a pooled statement gets when its text would leave a transaction open. */
export const OPEN_TRANSACTION_CODE = 'CONN_COCKROACHDB_OPEN_TRANSACTION';

/** Only text holding one of these words can open a transaction block: the scan runs for it alone. */
const MAY_OPEN = /\b(?:begin|start)\b/i;

/**
 * Whether `sql`, sent as one text, ends inside a transaction block it opened: a `BEGIN` or `START
 * TRANSACTION` statement not followed by `COMMIT`, `END`, `ROLLBACK` (not `ROLLBACK TO`), `ABORT` or
 * `PREPARE TRANSACTION`. Statements are told apart by `;` outside literals and comments; every
 * server reading of the text is checked, erring toward "open".
 */
export function leavesTransactionOpen(sql: string): boolean {
  if (!MAY_OPEN.test(sql)) return false;
  return readingsOf(sql).some((rules) => endsOpen(sql, rules));
}

function endsOpen(sql: string, rules: LexicalRules): boolean {
  let open = false;
  let words: string[] = [];
  const endStatement = (): void => {
    const effect = effectOf(words[0], words[1]);
    if (effect !== undefined) open = effect === 'open';
    words = [];
  };
  forEachToken(sql, rules, (kind, start, end) => {
    if (!isSignificant(kind)) return;
    if (kind === 'symbol' && sql.charCodeAt(start) === 0x3b) endStatement();
    else if (words.length < 2) words.push(kind === 'word' ? sql.slice(start, end).toLowerCase() : '');
  });
  endStatement();
  return open;
}

/** What a statement starting with `first second` does to the transaction block, if anything. */
function effectOf(first: string | undefined, second: string | undefined): 'open' | 'close' | undefined {
  switch (first) {
    case 'begin':
      // `BEGIN ATOMIC` opens a function body, not a transaction.
      return second === 'atomic' ? undefined : 'open';
    case 'start':
      return second === 'transaction' ? 'open' : undefined;
    case 'commit':
    case 'end':
    case 'abort':
      return second === 'prepared' ? undefined : 'close';
    case 'rollback':
      return second === 'to' || second === 'prepared' ? undefined : 'close';
    case 'prepare':
      return second === 'transaction' ? 'close' : undefined;
    default:
      return undefined;
  }
}

/**
 * Refuses pooled text that would leave its session inside a transaction: the session would go back
 * to the pool with the transaction open, and what ran in it would be rolled back unseen when the
 * session is dropped. Throws `ConfigError` with code `CONN_COCKROACHDB_OPEN_TRANSACTION`.
 */
export function checkNoOpenTransaction(sql: string): void {
  if (!leavesTransactionOpen(sql)) return;
  throw new ConfigError(
    'sql opens a transaction (BEGIN or START TRANSACTION) that it does not end; run it through db.transaction() or db.runInTransaction(), or end it in the same text',
    { field: 'sql', code: OPEN_TRANSACTION_CODE },
  );
}
