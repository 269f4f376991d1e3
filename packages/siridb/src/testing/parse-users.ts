/**
 * User statements: `create user 'u' set password 'p'`, `grant <rights> to user 'u' [set password
 * 'p']`, `revoke <rights> from user 'u'` (docs/protocols/siridb.md §5, §13). `create group` parses
 * but is not implemented.
 * @internal
 */

import { graveName, quoted, unimplemented } from './parse-common.js';
import type { AccessStatement, Statement } from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';
import { KEYWORD_VALUES, Label } from './query-vocabulary.js';

const ACCESS_WORDS: readonly string[] = KEYWORD_VALUES.access;

/** Rights and profiles separated by commas. */
function accessList(cursor: QueryCursor): string[] {
  const words = [cursor.require(cursor.oneOf(ACCESS_WORDS))];
  while (cursor.symbol(',')) words.push(cursor.require(cursor.oneOf(ACCESS_WORDS)));
  return words;
}

/** The rest of a `create` statement that started at `start`. */
export function createStatement(cursor: QueryCursor, start: number): Statement {
  if (cursor.require(cursor.oneOf(['group', 'user'])) === 'group') {
    graveName(cursor);
    cursor.require(cursor.word('for'));
    cursor.require(cursor.regex(Label.regex));
    return unimplemented(cursor, start, 'create');
  }
  const name = quoted(cursor);
  cursor.require(cursor.word('set'));
  cursor.require(cursor.word('password'));
  return { kind: 'create_user', name, password: quoted(cursor) };
}

/** The rest of a `grant` or `revoke` statement. */
export function accessStatement(cursor: QueryCursor, kind: 'grant' | 'revoke'): AccessStatement {
  const access = accessList(cursor);
  cursor.require(cursor.word(kind === 'grant' ? 'to' : 'from'));
  cursor.require(cursor.word('user'));
  const user = quoted(cursor);
  let password: string | undefined;
  if (kind === 'grant' && cursor.word('set')) {
    cursor.require(cursor.word('password'));
    password = quoted(cursor);
  }
  return { kind, access, user, password };
}
