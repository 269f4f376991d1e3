/**
 * Runs `list`: `{"columns": [...], "<what>": [[row], …]}` (docs/protocols/siridb.md §6.3, §13).
 * The test server is one server in one pool and has no groups or tags. Without an order in the
 * query, series are listed in creation order and shards in the server's map order.
 * @internal
 */
import { targetSeries } from './match-series.js';
import {
  poolLookup,
  poolValue,
  serverLookup,
  serverValue,
  shardLookup,
  shardValue,
} from './object-properties.js';
import type { Expression, ListStatement } from './query-ast.js';
import type { QueryContext } from './query-context.js';
import { QueryFailure } from './query-failure.js';
import { ResponseWriter } from './response-writer.js';
import type { PropertyValue } from './run-show.js';
import { Access, accessToString } from './users.js';
import { objectsWhere, seriesProperty, userProperty } from './where-filter.js';

/** Rows listed when no `limit` is given (§12). */
const DEFAULT_LIST_LIMIT = 1000;

const DEFAULT_COLUMNS: Readonly<Record<ListStatement['target'], readonly string[]>> = {
  series: ['name'],
  users: ['name', 'access'],
  servers: ['name', 'pool', 'version', 'online', 'status'],
  pools: ['pool', 'servers', 'series'],
  groups: ['name'],
  tags: ['name'],
  shards: ['sid', 'pool', 'server', 'start', 'end'],
};

function listLimit(context: QueryContext, limit: Expression | undefined): number {
  if (limit === undefined) return DEFAULT_LIST_LIMIT;
  const value = context.integer(limit);
  const max = context.db.listLimit;
  if (value <= 0n || value > BigInt(max)) {
    throw new QueryFailure(
      `Limit must be a value between 1 and ${max} but received: ${value} (optionally the limit can be changed, see 'help alter database')`,
    );
  }
  return Number(value);
}

function rows(
  context: QueryContext,
  statement: ListStatement,
  columns: readonly string[],
): PropertyValue[][] {
  const limit = listLimit(context, statement.limit);
  switch (statement.target) {
    case 'series':
      return targetSeries(context, statement.match, statement.where)
        .slice(0, limit)
        .map((series) => {
          const lookup = seriesProperty(context, series);
          return columns.map((column) => lookup(column));
        });
    case 'users':
      return objectsWhere(context, statement.where, context.db.users, userProperty)
        .slice(0, limit)
        .map((user) =>
          columns.map((column) => (column === 'access' ? accessToString(user.access) : user.name)),
        );
    case 'servers':
      return objectsWhere(context, statement.where, [0], () => serverLookup(context))
        .slice(0, limit)
        .map(() => columns.map((column) => serverValue(context, column)));
    case 'pools':
      return objectsWhere(context, statement.where, [0], () => poolLookup(context))
        .slice(0, limit)
        .map(() => columns.map((column) => poolValue(context, column)));
    case 'shards':
      return objectsWhere(context, statement.where, context.db.shards.list(), (shard) =>
        shardLookup(context, shard),
      )
        .slice(0, limit)
        .map((shard) => columns.map((column) => shardValue(context, shard, column)));
    default:
      // the test server has no groups or tags; a `where` is still evaluated
      objectsWhere(context, statement.where, [], () => () => '');
      return [];
  }
}

export function runList(context: QueryContext, statement: ListStatement): ResponseWriter {
  context.check(Access.list);
  const columns = statement.columns ?? DEFAULT_COLUMNS[statement.target];
  const writer = new ResponseWriter().openMap().value('columns').openArray();
  for (const column of columns) writer.value(column);
  writer.closeArray().value(statement.target).openArray();
  for (const row of rows(context, statement, columns)) {
    writer.openArray();
    for (const value of row) writer.value(value);
    writer.closeArray();
  }
  return writer.closeArray();
}
