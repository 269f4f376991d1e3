/**
 * Runs `count`: `{"<what>": n}` (docs/protocols/siridb.md §6.3, §13). The test server is one
 * server in one pool and has no groups or tags.
 * @internal
 */
import { targetSeries } from './match-series.js';
import type { CountStatement } from './query-ast.js';
import type { QueryContext } from './query-context.js';
import { ResponseWriter } from './response-writer.js';
import { Access } from './users.js';
import { compileCondition, userProperty } from './where-filter.js';

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
    case 'users': {
      if (statement.where === undefined) return db.users.length;
      const test = compileCondition(context, statement.where);
      return db.users.filter((user) => test(userProperty(user))).length;
    }
    case 'servers':
    case 'pools':
      return 1;
    case 'servers_received_points':
      return db.receivedPoints;
    case 'servers_selected_points':
      return db.selectedPoints;
    default:
      return 0;
  }
}

export function runCount(context: QueryContext, statement: CountStatement): ResponseWriter {
  context.check(Access.count);
  return new ResponseWriter().openMap().value(statement.target).value(count(context, statement));
}
