/**
 * Runs one query for a connection: parses it, checks the user's rights, evaluates the statement
 * against the {@link TestDatabase} and encodes the answer in the shapes of
 * docs/protocols/siridb.md §6.3, with timestamps converted to the requested precision (§6.2).
 *
 * Implemented: `select` (every function, `=>` chains, prefix/suffix, `merge as`, `where`, ranges),
 * `list` and `count` of series, users, servers, pools, groups, tags and shards (with `where`),
 * `show`, `drop series | user`, `create | alter user`, `grant`, `revoke`, `alter database set
 * drop_threshold | list_limit | select_points_limit | timezone`, `help`, bare time expressions,
 * `timeit` and the empty query. Other valid statements answer 65 ("does not support this query").
 * @internal
 */
import { qpackFloat } from '../protocol/qpack.js';
import { AggregateFailure } from './aggregates.js';
import { helpText } from './help-topics.js';
import type { Statement } from './query-ast.js';
import { QueryContext, type QueryEnvironment } from './query-context.js';
import { clampErrorMessage, ERR_QUERY, notImplemented, QueryFailure } from './query-failure.js';
import { parseQuery } from './query-parser.js';
import { ResponseWriter } from './response-writer.js';
import { runCount } from './run-count.js';
import { runAlterDatabase, runDropSeries } from './run-database.js';
import { runList } from './run-list.js';
import { runSelect } from './run-select.js';
import { runShow } from './run-show.js';
import { runAccess, runAlterUser, runCreateUser, runDropUser } from './run-users.js';
import { applyFactor, int64 } from './time-expr.js';
import { Access } from './users.js';

export type { QueryEnvironment } from './query-context.js';

/** The answer to a query: a type-0 payload, or an error type (65, 69) and message. */
export type QueryOutcome =
  | { readonly ok: true; readonly payload: Buffer }
  | { readonly ok: false; readonly type: number; readonly message: string };

/** A calculated timestamp in the requested precision (it stays a signed 64-bit value). */
function calcValue(context: QueryContext, value: bigint): bigint {
  return context.env.factor === 0 ? value : int64(applyFactor(value, context.env.factor));
}

function runStatement(context: QueryContext, statement: Statement): ResponseWriter {
  switch (statement.kind) {
    case 'select':
      return runSelect(context, statement);
    case 'list':
      return runList(context, statement);
    case 'count':
      return runCount(context, statement);
    case 'show':
      return runShow(context, statement);
    case 'drop_series':
      return runDropSeries(context, statement);
    case 'drop_user':
      return runDropUser(context, statement);
    case 'create_user':
      return runCreateUser(context, statement);
    case 'alter_user':
      return runAlterUser(context, statement);
    case 'alter_database':
      return runAlterDatabase(context, statement);
    case 'grant':
    case 'revoke':
      return runAccess(context, statement);
    case 'help':
      return new ResponseWriter().openMap().value('help').value(helpText(statement.topic));
    case 'calc': {
      const value = calcValue(context, context.timestamp(statement.expression));
      return new ResponseWriter().openMap().value('calc').value(value);
    }
    default:
      if (statement.access !== undefined) context.check(Access[statement.access]);
      throw notImplemented(statement.text);
  }
}

function run(context: QueryContext, statement: Statement | undefined, timeit: boolean): Buffer {
  if (statement === undefined && !timeit) {
    // an empty query is answered with `now` in a fixed one-pair map (0xf4), not an open map
    const now = calcValue(context, context.time.now);
    return Buffer.concat([Buffer.from([0xf4]), new ResponseWriter().value('calc').value(now).toBuffer()]);
  }
  const payload = statement === undefined ? new ResponseWriter().openMap() : runStatement(context, statement);
  if (timeit) {
    const elapsed = Math.max(0, Date.now() - context.startedAt) / 1000;
    payload.value('__timeit__').openArray().map2();
    payload.value('server').value(context.env.serverName).value('time').value(qpackFloat(elapsed));
  }
  return payload.toBuffer();
}

/** Runs one query text for a connection. Never throws for query problems. */
export function runQuery(text: string, env: QueryEnvironment): QueryOutcome {
  // the server reads the query as a C string, so it ends at a NUL character
  const nul = text.indexOf('\u0000');
  const parsed = parseQuery(nul === -1 ? text : text.slice(0, nul));
  if (!parsed.ok) return { ok: false, type: ERR_QUERY, message: parsed.message };
  try {
    const context = new QueryContext(env);
    return { ok: true, payload: run(context, parsed.query.statement, parsed.query.timeit) };
  } catch (error) {
    if (error instanceof QueryFailure) {
      return { ok: false, type: error.type, message: clampErrorMessage(error.message) };
    }
    if (error instanceof AggregateFailure) {
      return { ok: false, type: ERR_QUERY, message: clampErrorMessage(error.message) };
    }
    throw error;
  }
}
