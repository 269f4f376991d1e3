/**
 * `drop series [match] [where …] [set ignore_threshold true]`, `drop user 'name'`, and the
 * `drop group | tag | server | shards` forms the test server does not implement
 * (docs/protocols/siridb.md §13).
 * @internal
 */

import { booleanWord, graveName, quoted, serverName, unimplemented } from './parse-common.js';
import { optionalSeriesMatch } from './parse-series-match.js';
import { optionalWhere } from './parse-where.js';
import type { Statement } from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';
import { SERIES_PROPERTIES, SHARD_PROPERTIES } from './query-vocabulary.js';

/** `set ignore_threshold true|false`, if given. */
function ignoreThreshold(cursor: QueryCursor): boolean {
  if (!cursor.word('set')) return false;
  cursor.require(cursor.word('ignore_threshold'));
  return booleanWord(cursor);
}

/** The rest of a `drop` statement that started at `start`. */
export function dropStatement(cursor: QueryCursor, start: number): Statement {
  switch (cursor.require(cursor.oneOf(['group', 'tag', 'series', 'shards', 'server', 'user']))) {
    case 'group':
    case 'tag':
      graveName(cursor);
      return unimplemented(cursor, start, 'drop');
    case 'series': {
      const match = optionalSeriesMatch(cursor);
      const where = optionalWhere(cursor, SERIES_PROPERTIES);
      return { kind: 'drop_series', match, where, ignoreThreshold: ignoreThreshold(cursor) };
    }
    case 'shards':
      optionalWhere(cursor, SHARD_PROPERTIES);
      ignoreThreshold(cursor);
      return unimplemented(cursor, start, 'drop');
    case 'server':
      serverName(cursor);
      return unimplemented(cursor, start, 'drop');
    default:
      return { kind: 'drop_user', name: quoted(cursor) };
  }
}
