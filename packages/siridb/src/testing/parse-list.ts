/**
 * `list <what> [columns] [series match] [where …] [limit n]` (docs/protocols/siridb.md §13).
 * A `where` is implemented for series and users only; `list shards` not at all.
 * @internal
 */

import { optionalColumns, unimplemented } from './parse-common.js';
import { integerExpression } from './parse-expression.js';
import { optionalSeriesMatch } from './parse-series-match.js';
import { optionalWhere } from './parse-where.js';
import type { ListStatement, UnimplementedStatement } from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';
import {
  GROUP_PROPERTIES,
  POOL_PROPERTIES,
  type PropertyTable,
  SERIES_PROPERTIES,
  SERVER_PROPERTIES,
  SHARD_PROPERTIES,
  TAG_PROPERTIES,
  USER_PROPERTIES,
} from './query-vocabulary.js';

/** What can be listed, with the columns (and `where` properties) of each. */
const LIST_TABLES: Readonly<Record<ListStatement['target'] | 'shards', PropertyTable>> = {
  series: SERIES_PROPERTIES,
  users: USER_PROPERTIES,
  servers: SERVER_PROPERTIES,
  pools: POOL_PROPERTIES,
  groups: GROUP_PROPERTIES,
  tags: TAG_PROPERTIES,
  shards: SHARD_PROPERTIES,
};

const LIST_TARGETS = Object.keys(LIST_TABLES) as (keyof typeof LIST_TABLES)[];

/** The rest of a `list` statement that started at `start`. */
export function listStatement(cursor: QueryCursor, start: number): ListStatement | UnimplementedStatement {
  const target = cursor.require(cursor.oneOf(LIST_TARGETS));
  const properties = LIST_TABLES[target];
  const columns = optionalColumns(cursor, properties);
  const match = target === 'series' ? optionalSeriesMatch(cursor) : undefined;
  const where = optionalWhere(cursor, properties);
  const limit = cursor.word('limit') ? integerExpression(cursor) : undefined;
  if (target === 'shards' || (where !== undefined && target !== 'series' && target !== 'users')) {
    return unimplemented(cursor, start, 'list');
  }
  return { kind: 'list', target, columns, match, where, limit };
}
