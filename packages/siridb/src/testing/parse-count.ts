/**
 * `count series [length] …`, `count users`, `count servers [received_points | selected_points]`,
 * `count pools | groups | tags | shards [size]`, each with an optional `where`
 * (docs/protocols/siridb.md §13).
 * @internal
 */

import { optionalSeriesMatch } from './parse-series-match.js';
import { optionalWhere } from './parse-where.js';
import type { CountStatement } from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';
import { OBJECT_PROPERTIES, type PropertyTable } from './query-vocabulary.js';

// in the order they are tried (a syntax error lists them so)
const COUNT_TARGETS = ['groups', 'pools', 'series', 'servers', 'shards', 'users', 'tags'] as const;

/** The `where` properties of each target. */
const WHERE_TABLES: Readonly<Record<(typeof COUNT_TARGETS)[number], PropertyTable>> = OBJECT_PROPERTIES;

/** What `count <target>` counts, with its optional second word. */
function counted(cursor: QueryCursor, target: (typeof COUNT_TARGETS)[number]): CountStatement['target'] {
  switch (target) {
    case 'series':
      return cursor.word('length') ? 'series_length' : 'series';
    case 'servers': {
      const points = cursor.oneOf(['received_points', 'selected_points']);
      return points === undefined ? target : `servers_${points}`;
    }
    case 'shards':
      return cursor.word('size') ? 'shards_size' : 'shards';
    default:
      return target;
  }
}

/** The rest of a `count` statement. */
export function countStatement(cursor: QueryCursor): CountStatement {
  const target = cursor.require(cursor.oneOf(COUNT_TARGETS));
  const what = counted(cursor, target);
  const match = target === 'series' ? optionalSeriesMatch(cursor) : undefined;
  return { kind: 'count', target: what, match, where: optionalWhere(cursor, WHERE_TABLES[target]) };
}
