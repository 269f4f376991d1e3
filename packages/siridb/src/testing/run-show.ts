/**
 * Runs `show [property, …]`: `{"data": [{"name": …, "value": …}, …]}`, every property for a bare
 * `show` (docs/protocols/siridb.md §6.3, §13). Also the values behind `list servers` columns.
 * @internal
 */
import { type QpackFloat, qpackFloat } from '../protocol/qpack.js';
import type { ShowStatement } from './query-ast.js';
import type { QueryContext } from './query-context.js';
import { SHOW_PROPERTIES } from './query-vocabulary.js';
import { ResponseWriter } from './response-writer.js';
import { PRECISION_NAMES } from './time-expr.js';
import { Access } from './users.js';

/** A value `show` can answer with. */
export type PropertyValue = string | number | bigint | boolean | null | QpackFloat;

/** The value of one `show` property for this server and database. */
export function propertyValue(context: QueryContext, name: string): PropertyValue {
  const { db, env } = context;
  switch (name) {
    case 'active_handles':
      return env.activeHandles;
    case 'buffer_path':
    case 'dbpath':
      return `/var/lib/siridb/${db.name}/`;
    case 'buffer_size':
      return db.bufferSize;
    case 'dbname':
      return db.name;
    case 'drop_threshold':
      return qpackFloat(db.dropThreshold);
    case 'duration_log':
      return db.durationLog;
    case 'duration_num':
      return db.durationNum;
    case 'expiration_log':
    case 'expiration_num':
      return null;
    case 'idle_percentage':
      return 100;
    case 'ip_support':
      return 'ALL';
    case 'libuv':
      return '1.44.2';
    case 'list_limit':
      return db.listLimit;
    case 'log_level':
      return 'info';
    case 'max_open_files':
      return 32768;
    case 'mem_usage':
      return Math.round(process.memoryUsage().rss / 1024 / 1024);
    case 'received_points':
      return db.receivedPoints;
    case 'reindex_progress':
    case 'sync_progress':
      return 'not available';
    case 'selected_points':
      return db.selectedPoints;
    case 'select_points_limit':
      return db.selectPointsLimit;
    case 'server':
      return env.serverName;
    case 'startup_time':
      return Math.floor(env.startedAtMs / 1000);
    case 'status':
      return 'running';
    case 'tee':
      return 'disabled';
    case 'time_precision':
      return PRECISION_NAMES[db.precision];
    case 'timezone':
      return db.timezone;
    case 'uptime':
      return Math.max(0, Math.floor((env.nowMs - env.startedAtMs) / 1000));
    case 'uuid':
      return db.uuid;
    case 'version':
      return env.version;
    case 'who_am_i':
      return env.user.name;
    default:
      // active_tasks, fifo_files, idle_time, open_files, pool
      return 0;
  }
}

export function runShow(context: QueryContext, statement: ShowStatement): ResponseWriter {
  context.check(Access.show);
  const names = statement.names.length === 0 ? SHOW_PROPERTIES : statement.names;
  const writer = new ResponseWriter().openMap().value('data').openArray();
  for (const name of names) {
    writer.map2().value('name').value(name).value('value').value(propertyValue(context, name));
  }
  return writer.closeArray();
}
