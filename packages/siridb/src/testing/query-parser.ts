/**
 * Parses a query into a {@link Query} or the syntax error text the server answers with
 * (docs/protocols/siridb.md §6.3, §13): `[timeit] [statement]`, where the statement is a select,
 * list, count, show, drop, create, alter, grant, revoke or help statement, or a bare time
 * expression. An empty query is valid. Keywords are lower case.
 * @internal
 */

import { alterStatement } from './parse-alter.js';
import { unimplemented } from './parse-common.js';
import { countStatement } from './parse-count.js';
import { dropStatement } from './parse-drop.js';
import { optionalTimeExpression } from './parse-expression.js';
import { listStatement } from './parse-list.js';
import { selectStatement } from './parse-select.js';
import { accessStatement, createStatement } from './parse-users.js';
import type { Query, Statement } from './query-ast.js';
import { QueryCursor, QuerySyntaxError } from './query-cursor.js';
import { clampErrorMessage } from './query-failure.js';
import { Label, SHOW_PROPERTIES } from './query-vocabulary.js';

/** A parsed query, or the message a syntax error is answered with. */
export type ParsedQuery =
  | { readonly ok: true; readonly query: Query }
  | { readonly ok: false; readonly message: string };

const STATEMENT_WORDS = [
  'select',
  'list',
  'count',
  'show',
  'drop',
  'create',
  'alter',
  'grant',
  'revoke',
  'help',
] as const;

function showStatement(cursor: QueryCursor): Statement {
  const first = cursor.oneOf(SHOW_PROPERTIES);
  if (first === undefined) return { kind: 'show', names: [] };
  const names = [first];
  while (cursor.symbol(',')) names.push(cursor.require(cursor.oneOf(SHOW_PROPERTIES)));
  return { kind: 'show', names };
}

/** `help [topic …]`: the test server has no help texts. */
function helpStatement(cursor: QueryCursor, start: number): Statement {
  while (cursor.kind('word', Label.topic) !== undefined) {
    // topics are free words
  }
  return unimplemented(cursor, start, undefined);
}

function statement(cursor: QueryCursor): Statement | undefined {
  const start = cursor.token.start;
  switch (cursor.oneOf(STATEMENT_WORDS)) {
    case 'select':
      return selectStatement(cursor);
    case 'list':
      return listStatement(cursor, start);
    case 'count':
      return countStatement(cursor, start);
    case 'show':
      return showStatement(cursor);
    case 'drop':
      return dropStatement(cursor, start);
    case 'create':
      return createStatement(cursor, start);
    case 'alter':
      return alterStatement(cursor, start);
    case 'grant':
      return accessStatement(cursor, 'grant');
    case 'revoke':
      return accessStatement(cursor, 'revoke');
    case 'help':
      return helpStatement(cursor, start);
    default: {
      const expression = optionalTimeExpression(cursor);
      return expression === undefined ? undefined : { kind: 'calc', expression };
    }
  }
}

/** Parses `text` (already cut at a NUL character by the caller). */
export function parseQuery(text: string): ParsedQuery {
  const cursor = new QueryCursor(text);
  try {
    const timeit = cursor.word('timeit');
    const parsed = statement(cursor);
    cursor.require(cursor.kind('end', Label.end));
    return { ok: true, query: { timeit, statement: parsed } };
  } catch (error) {
    if (error instanceof QuerySyntaxError) return { ok: false, message: clampErrorMessage(error.message) };
    throw error;
  }
}
