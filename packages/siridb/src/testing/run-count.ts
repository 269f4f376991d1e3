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
import { objectsWhere, userProperty } from './where-filter.js';

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
      return objectsWhere(context, statement.where, db.users, userProperty).length;
    case 'servers':
      return objectsWhere(context, statement.where, [0], () => serverLookup(context)).length;
    case 'servers_received_points':
      return (
        objectsWhere(context, statement.where, [0], () => serverLookup(context)).length * db.receivedPoints
      );
    case 'servers_selected_points':
      return (
        objectsWhere(context, statement.where, [0], () => serverLookup(context)).length * db.selectedPoints
      );
    case 'pools':
      return objectsWhere(context, statement.where, [0], () => poolLookup(context)).length;
    case 'shards':
      return objectsWhere(context, statement.where, db.shards.list(), (shard) => shardLookup(context, shard))
        .length;
    case 'shards_size':
      return objectsWhere(context, statement.where, db.shards.list(), (shard) =>
        shardLookup(context, shard),
      ).reduce((total, shard) => total + shard.size, 0);
    default:
      // groups and tags: there are none, but a `where` is still evaluated
      objectsWhere(context, statement.where, [], () => () => '');
      return 0;
  }
}

export function runCount(context: QueryContext, statement: CountStatement): ResponseWriter {
  context.check(Access.count);
  return new ResponseWriter().openMap().value(statement.target).value(count(context, statement));
}
