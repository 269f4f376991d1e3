/**
 * Columns and `where` properties of the one server, the one pool and the shards of the test
 * server (docs/protocols/siridb.md §13): the value `list` shows, and the value a `where`
 * compares (integers as `bigint`, keywords as their words, log levels by severity).
 * @internal
 */
import type { QueryContext } from './query-context.js';
import { type PropertyValue, propertyValue } from './run-show.js';
import { type Shard, shardStart, shardStatus } from './shards.js';
import type { PropertyLookup } from './where-filter.js';

/** Log levels from the least to the most severe: `where log_level >= warning` compares these. */
const LOG_LEVELS: readonly string[] = ['debug', 'info', 'warning', 'error', 'critical'];

/** A log level's rank for comparisons. */
export function logLevelRank(level: string): bigint {
  return BigInt(LOG_LEVELS.indexOf(level));
}

/** A `list servers` column of the one server there is. */
export function serverValue(context: QueryContext, column: string): PropertyValue {
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

/** A `list pools` column of the one pool there is. */
export function poolValue(context: QueryContext, column: string): number {
  if (column === 'servers') return 1;
  if (column === 'series') return context.db.series.size;
  return 0;
}

/** A `list shards` column. */
export function shardValue(context: QueryContext, shard: Shard, column: string): PropertyValue {
  switch (column) {
    case 'sid':
      return shard.id;
    case 'pool':
      return 0;
    case 'server':
      return context.env.serverName;
    case 'size':
      return shard.size;
    case 'start':
      return shardStart(shard);
    case 'end':
      return shardStart(shard) + shard.duration;
    case 'type':
      return shard.type;
    default:
      return shardStatus(shard);
  }
}

/** A listed value as a `where` compares it. */
function comparable(value: PropertyValue): bigint | string {
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'bigint' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return '';
}

export function serverLookup(context: QueryContext): PropertyLookup {
  return (name) => {
    const value = serverValue(context, name);
    return name === 'log_level' ? logLevelRank(String(value)) : comparable(value);
  };
}

export function poolLookup(context: QueryContext): PropertyLookup {
  return (name) => BigInt(poolValue(context, name));
}

export function shardLookup(context: QueryContext, shard: Shard): PropertyLookup {
  return (name) => comparable(shardValue(context, shard, name));
}
