/**
 * The order in which the columns of `list <what>` and the properties of a `where` clause are
 * tried, per kind of object. They differ from each other and from the order of the property
 * tables (which is the order of `list` output), and a syntax error lists them in this order
 * (docs/protocols/siridb.md §13).
 * @internal
 */
import {
  GROUP_PROPERTIES,
  POOL_PROPERTIES,
  type PropertyTable,
  SERIES_PROPERTIES,
  SERVER_PROPERTIES,
  SHARD_PROPERTIES,
  TAG_PROPERTIES,
  USER_PROPERTIES,
} from './query-vocabulary.js';

const SERVER_INTEGERS = [
  'active_handles',
  'active_tasks',
  'buffer_size',
  'fifo_files',
  'idle_percentage',
  'idle_time',
  'port',
  'pool',
  'startup_time',
  'max_open_files',
  'mem_usage',
  'open_files',
  'received_points',
  'selected_points',
  'uptime',
];

const SERVER_TEXTS = [
  'address',
  'buffer_path',
  'dbpath',
  'ip_support',
  'libuv',
  'name',
  'uuid',
  'version',
  'status',
  'reindex_progress',
  'sync_progress',
];

/** `list <what> <columns>`: the columns of each table, in the order they are tried. */
const COLUMN_ORDER = new Map<PropertyTable, readonly string[]>([
  [SERIES_PROPERTIES, ['name', 'type', 'length', 'start', 'end', 'shard_duration', 'pool']],
  [SHARD_PROPERTIES, ['sid', 'pool', 'server', 'size', 'start', 'end', 'type', 'status']],
  [
    SERVER_PROPERTIES,
    [
      'address',
      'buffer_path',
      'buffer_size',
      'dbpath',
      'ip_support',
      'libuv',
      'name',
      'port',
      'uuid',
      'pool',
      'version',
      'online',
      'startup_time',
      'status',
      'active_handles',
      'active_tasks',
      'fifo_files',
      'idle_percentage',
      'idle_time',
      'log_level',
      'max_open_files',
      'mem_usage',
      'open_files',
      'received_points',
      'reindex_progress',
      'selected_points',
      'sync_progress',
      'uptime',
    ],
  ],
  [GROUP_PROPERTIES, ['expression', 'name', 'series']],
  [USER_PROPERTIES, ['name', 'access']],
  [TAG_PROPERTIES, ['name', 'series']],
  [POOL_PROPERTIES, ['pool', 'servers', 'series']],
]);

/** `where`: the properties of each table, in the order they are tried. */
const WHERE_ORDER = new Map<PropertyTable, readonly string[]>([
  [SERIES_PROPERTIES, ['length', 'pool', 'name', 'start', 'end', 'shard_duration', 'type']],
  [USER_PROPERTIES, ['name', 'access']],
  [SERVER_PROPERTIES, [...SERVER_INTEGERS, ...SERVER_TEXTS, 'online', 'log_level']],
  [POOL_PROPERTIES, ['pool', 'servers', 'series']],
  [GROUP_PROPERTIES, ['series', 'expression', 'name']],
  [TAG_PROPERTIES, ['name', 'series']],
  [SHARD_PROPERTIES, ['sid', 'pool', 'size', 'server', 'status', 'start', 'end', 'type']],
]);

/** The columns of `table` in the order `list` tries them. */
export function columnOrder(table: PropertyTable): readonly string[] {
  return COLUMN_ORDER.get(table) ?? Object.keys(table);
}

/** The `where` properties of `table` in the order they are tried. */
export function whereOrder(table: PropertyTable): readonly string[] {
  return WHERE_ORDER.get(table) ?? Object.keys(table);
}
