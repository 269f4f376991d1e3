/**
 * Runs `count`: `{"<what>": n}` (docs/protocols/siridb.md §6.3, §13). The test server is one
 * server in one pool and has no groups or tags.
 * @internal
 */
import { targetSeries } from './match-series.js';
import { poolLookup, serverLookup, shardLookup } from './object-properties.js';
import type { CountStatement } from './query-ast.js';
import type { QueryContext } from './query-context.js';
import { ResponseWriter } from './response-writer.js';
import { Access } from './users.js';
import { objectsWhere, type PropertyLookup, userProperty } from './where-filter.js';

/** `objects` that meet the statement's `where` (all without one). */
function matching<T>(
  context: QueryContext,
  statement: CountStatement,
  objects: readonly T[],
  lookup: (object: T) => PropertyLookup,
): T[] {
  return objectsWhere(context, statement.where, objects, lookup);
}

function count(context: QueryContext, statement: CountStatement): number {
  const db = context.db;
  switch (statement.target) {
    case 'series':
      return targetSeries(context, statement.match, statement.where).length;
    case 'series_length':
      return targetSeries(context, statement.match, statement.where).reduce(
        (total, series) => total + series.length,
        0,
      );
    case 'users':
      return matching(context, statement, db.users, userProperty).length;
    case 'servers':
      return matching(context, statement, [0], () => serverLookup(context)).length;
    case 'servers_received_points':
      return matching(context, statement, [0], () => serverLookup(context)).length * db.receivedPoints;
    case 'servers_selected_points':
      return matching(context, statement, [0], () => serverLookup(context)).length * db.selectedPoints;
    case 'pools':
      return matching(context, statement, [0], () => poolLookup(context)).length;
    case 'shards':
      return matching(context, statement, db.shards.list(), (shard) => shardLookup(context, shard)).length;
    case 'shards_size':
      return matching(context, statement, db.shards.list(), (shard) => shardLookup(context, shard)).reduce(
        (total, shard) => total + shard.size,
        0,
      );
    default:
      // groups and tags: there are none, but a `where` is still evaluated
      matching(context, statement, [], () => () => '');
      return 0;
  }
}

export function runCount(context: QueryContext, statement: CountStatement): ResponseWriter {
  context.check(Access.count);
  return new ResponseWriter().openMap().value(statement.target).value(count(context, statement));
}
