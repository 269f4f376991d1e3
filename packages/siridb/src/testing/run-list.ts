/**
 * Runs `list`: `{"columns": [...], "<what>": [[row], …]}` (docs/protocols/siridb.md §6.3, §13).
 * The test server is one server in one pool and has no groups or tags.
 * @internal
 */
import { targetSeries } from './match-series.js';
import type { Expression, ListStatement } from './query-ast.js';
import type { QueryContext } from './query-context.js';
import { QueryFailure } from './query-failure.js';
import { ResponseWriter } from './response-writer.js';
import { type PropertyValue, propertyValue } from './run-show.js';
import { Access, accessToString } from './users.js';
import { compileCondition, seriesProperty, userProperty } from './where-filter.js';

/** Rows listed when no `limit` is given (§12). */
const DEFAULT_LIST_LIMIT = 1000;

const DEFAULT_COLUMNS: Readonly<Record<ListStatement['target'], readonly string[]>> = {
  series: ['name'],
  users: ['name', 'access'],
  servers: ['name', 'pool', 'version', 'online', 'status'],
  pools: ['pool', 'servers', 'series'],
  groups: ['name'],
  tags: ['name'],
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

/** A `list servers` column for the one server there is. */
function serverColumn(context: QueryContext, column: string): PropertyValue {
  const [address, port] = context.env.serverName.split(':');
  switch (column) {
    case 'name':
      return context.env.serverName;
    case 'online':
      return true;
    case 'address':
      return address ?? '';
    case 'port':
      return Number(port);
    default:
      return propertyValue(context, column);
  }
}

/** A `list pools` column for the one pool there is. */
function poolColumn(context: QueryContext, column: string): number {
  if (column === 'servers') return 1;
  if (column === 'series') return context.db.series.size;
  return 0;
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
    case 'users': {
      const test = statement.where === undefined ? undefined : compileCondition(context, statement.where);
      const users = context.db.users.filter((user) => test === undefined || test(userProperty(user)));
      return users
        .slice(0, limit)
        .map((user) =>
          columns.map((column) => (column === 'access' ? accessToString(user.access) : user.name)),
        );
    }
    case 'servers':
      return [columns.map((column) => serverColumn(context, column))];
    case 'pools':
      return [columns.map((column) => poolColumn(context, column))];
    default:
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
