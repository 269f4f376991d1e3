/**
 * `list <what> [columns] [series match] [where …] [limit n]` (docs/protocols/siridb.md §13).
 * @internal
 */

import { optionalColumns } from './parse-common.js';
import { integerExpression } from './parse-expression.js';
import { optionalSeriesMatch } from './parse-series-match.js';
import { optionalWhere } from './parse-where.js';
import type { ListStatement } from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';
import { OBJECT_PROPERTIES, type PropertyTable } from './query-vocabulary.js';

/** What can be listed, with the columns (and `where` properties) of each. */
const LIST_TABLES: Readonly<Record<ListStatement['target'], PropertyTable>> = OBJECT_PROPERTIES;

// in the order they are tried (a syntax error lists them so)
const LIST_TARGETS = ['series', 'tags', 'users', 'shards', 'groups', 'servers', 'pools'] as const;

/** The rest of a `list` statement. */
export function listStatement(cursor: QueryCursor): ListStatement {
  const target = cursor.require(cursor.oneOf(LIST_TARGETS));
  const properties = LIST_TABLES[target];
  const columns = optionalColumns(cursor, properties);
  const match = target === 'series' ? optionalSeriesMatch(cursor) : undefined;
  const where = optionalWhere(cursor, properties);
  const limit = cursor.word('limit') ? integerExpression(cursor) : undefined;
  return { kind: 'list', target, columns, match, where, limit };
}
