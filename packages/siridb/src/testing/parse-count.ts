/**
 * `count series [length] …`, `count users`, `count servers [received_points | selected_points]`,
 * `count pools | groups | tags | shards [size]`, each with an optional `where`
 * (docs/protocols/siridb.md §13). A `where` is implemented for series and users only.
 * @internal
 */

import { unimplemented } from './parse-common.js';
import { optionalSeriesMatch } from './parse-series-match.js';
import { optionalWhere } from './parse-where.js';
import type { CountStatement, UnimplementedStatement } from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';
import {
  GROUP_PROPERTIES,
  POOL_PROPERTIES,
  SERIES_PROPERTIES,
  SERVER_PROPERTIES,
  SHARD_PROPERTIES,
  TAG_PROPERTIES,
  USER_PROPERTIES,
} from './query-vocabulary.js';

const COUNT_TARGETS = ['series', 'users', 'servers', 'pools', 'groups', 'tags', 'shards'] as const;

function countSeries(cursor: QueryCursor): CountStatement {
  const target = cursor.word('length') ? 'series_length' : 'series';
  const match = optionalSeriesMatch(cursor);
  return { kind: 'count', target, match, where: optionalWhere(cursor, SERIES_PROPERTIES) };
}

/** The rest of a `count` statement that started at `start`. */
export function countStatement(cursor: QueryCursor, start: number): CountStatement | UnimplementedStatement {
  const target = cursor.require(cursor.oneOf(COUNT_TARGETS));
  switch (target) {
    case 'series':
      return countSeries(cursor);
    case 'users':
      return { kind: 'count', target, match: undefined, where: optionalWhere(cursor, USER_PROPERTIES) };
    case 'shards':
      cursor.word('size');
      optionalWhere(cursor, SHARD_PROPERTIES);
      return unimplemented(cursor, start, 'count');
    default:
      break;
  }
  let counted: CountStatement['target'] = target;
  let where: CountStatement['where'];
  if (target === 'servers') {
    const points = cursor.oneOf(['received_points', 'selected_points']);
    if (points !== undefined) counted = `servers_${points}`;
    where = optionalWhere(cursor, SERVER_PROPERTIES);
  } else {
    where = optionalWhere(
      cursor,
      { pools: POOL_PROPERTIES, groups: GROUP_PROPERTIES, tags: TAG_PROPERTIES }[target],
    );
  }
  if (where !== undefined) return unimplemented(cursor, start, 'count');
  return { kind: 'count', target: counted, match: undefined, where: undefined };
}
