import { ConfigError } from '@conn/core';
import { forEachToken, isSignificant, type LexicalRules, readingsOf } from './sql-scanner.js';

/** Code of the error a pooled statement gets when its text would leave a transaction open. */
export const OPEN_TRANSACTION_CODE = 'CONN_COCKROACHDB_OPEN_TRANSACTION';

/** What a statement does to the transaction block. */
type Effect = 'open' | 'close';

/**
 * The transaction-control statements of `sql` read with `rules`, in order: `BEGIN` and `START
 * TRANSACTION` open a block; `COMMIT`, `END`, `ROLLBACK` (not `ROLLBACK TO`), `ABORT` and `PREPARE
 * TRANSACTION` close it. Statements are told apart by `;` outside literals and comments; the
 * `END` of a `BEGIN ATOMIC` function body, `… PREPARED` and look-alikes inside literals or comments
 * do not count.
 */
function effectsOf(sql: string, rules: LexicalRules): Effect[] {
  const effects: Effect[] = [];
  /** `BEGIN ATOMIC` bodies opened and not yet closed by their `END`. */
  let atomicBodies = 0;
  let words: string[] = [];
  let previous = '';
  const endStatement = (): void => {
    const [first, second] = words;
    if (first === 'end' && atomicBodies > 0) atomicBodies--;
    else {
      const effect = effectOf(first, second);
      if (effect !== undefined) effects.push(effect);
    }
    words = [];
    previous = '';
  };
  forEachToken(sql, rules, (kind, start, end) => {
    if (!isSignificant(kind)) return;
    if (kind === 'symbol' && sql.charCodeAt(start) === 0x3b) return endStatement();
    const word = kind === 'word' ? sql.slice(start, end).toLowerCase() : '';
    if (previous === 'begin' && word === 'atomic') atomicBodies++;
    if (words.length < 2) words.push(word);
    previous = word;
  });
  endStatement();
  return effects;
}

function effectOf(first: string | undefined, second: string | undefined): Effect | undefined {
  switch (first) {
    case 'begin':
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

/** Only text holding one of these words can control a transaction: the scan runs for it alone. */
const MAY_CONTROL = /\b(?:begin|start|commit|end|rollback|abort|prepare)\b/i;
const MAY_OPEN = /\b(?:begin|start)\b/i;

/**
 * Whether `sql` holds a statement that begins or ends a transaction block. Inside a transaction of
 * someone else's (the migrator's) it would commit or roll back part of the work behind its back.
 * Every server reading of the text is checked.
 */
export function controlsTransaction(sql: string): boolean {
  if (!MAY_CONTROL.test(sql)) return false;
  return readingsOf(sql).some((rules) => effectsOf(sql, rules).length > 0);
}

/**
 * Whether `sql`, sent as one text, ends inside a transaction block it opened (a `BEGIN` not
 * followed by a statement that ends it). Every server reading is checked, erring toward "open".
 */
export function leavesTransactionOpen(sql: string): boolean {
  if (!MAY_OPEN.test(sql)) return false;
  return readingsOf(sql).some((rules) => effectsOf(sql, rules).at(-1) === 'open');
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
