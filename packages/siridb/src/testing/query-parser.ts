/**
 * Parses a query into a {@link Query} or the syntax error text the server answers with
 * (docs/protocols/siridb.md §6.3, §13): `[timeit] [statement] [# comment]`, where the statement
 * is a select, list, count, alter, create, drop, grant, revoke or show statement, a bare time
 * expression or help (`help` or `?`), tried in that order. An empty query is valid. Keywords are
 * lower case.
 * @internal
 */

import { alterStatement } from './parse-alter.js';
import { countStatement } from './parse-count.js';
import { dropStatement } from './parse-drop.js';
import { optionalTimeExpression } from './parse-expression.js';
import { helpStatement } from './parse-help.js';
import { listStatement } from './parse-list.js';
import { selectStatement } from './parse-select.js';
import { accessStatement, createStatement } from './parse-users.js';
import type { Query, Statement } from './query-ast.js';
import { QueryCursor, QuerySyntaxError } from './query-cursor.js';
import { clampErrorMessage } from './query-failure.js';
import { Label, SHOW_GRAMMAR } from './query-vocabulary.js';

/** A parsed query, or the message a syntax error is answered with. */
export type ParsedQuery =
  | { readonly ok: true; readonly query: Query }
  | { readonly ok: false; readonly message: string };

const STATEMENT_WORDS = [
  'select',
  'list',
  'count',
  'alter',
  'create',
  'drop',
  'grant',
  'revoke',
  'show',
] as const;

function showStatement(cursor: QueryCursor): Statement {
  const first = cursor.oneOf(SHOW_GRAMMAR);
  if (first === undefined) return { kind: 'show', names: [] };
  const names = [first];
  while (cursor.symbol(',')) names.push(cursor.require(cursor.oneOf(SHOW_GRAMMAR)));
  return { kind: 'show', names };
}

function statement(cursor: QueryCursor): Statement | undefined {
  const start = cursor.position;
  switch (cursor.oneOf(STATEMENT_WORDS)) {
    case 'select':
      return selectStatement(cursor);
    case 'list':
      return listStatement(cursor);
    case 'count':
      return countStatement(cursor);
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
    default: {
      const expression = optionalTimeExpression(cursor);
      if (expression !== undefined) return { kind: 'calc', expression };
      return cursor.word('help') || cursor.symbol('?') ? helpStatement(cursor) : undefined;
    }
  }
}

/** Parses `text` (already cut at a NUL character by the caller). */
export function parseQuery(text: string): ParsedQuery {
  const cursor = new QueryCursor(text);
  try {
    const timeit = cursor.word('timeit');
    const parsed = statement(cursor);
    cursor.kind('comment', Label.comment);
    cursor.require(cursor.kind('end', Label.end));
    const deferred = cursor.deferred;
    if (deferred !== undefined) return { ok: false, message: deferred };
    return { ok: true, query: { timeit, statement: parsed } };
  } catch (error) {
    if (error instanceof QuerySyntaxError) return { ok: false, message: clampErrorMessage(error.message) };
    throw error;
  }
}
