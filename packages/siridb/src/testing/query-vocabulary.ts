/**
 * Keyword tables of the query language (docs/protocols/siridb.md §13) and the names syntax errors
 * use for things that are not keywords. The order of each table is the order in which a syntax
 * error lists the words.
 * @internal
 */
import type { CompareOperator, ReducerName, SeriesSetOperator } from './query-ast.js';

/** Names of non-keyword tokens in `Expecting …` lists. */
export const Label = {
  string: '<string>',
  seriesName: '<series name>',
  groupOrTag: '<group or tag>',
  regex: '<regex>',
  integer: '<integer>',
  float: '<float>',
  number: '<number>',
  duration: '<duration>',
  date: '<date string>',
  topic: '<help topic>',
  end: '<end of query>',
} as const;

/** How a property's value is written in a `where` clause. */
export type ValueKind =
  | 'string'
  | 'integer'
  | 'time'
  | 'series_type'
  | 'access'
  | 'boolean'
  | 'log_level'
  | 'shard_type';

/** Properties (and list columns) of one kind of object, in error-message order. */
export type PropertyTable = Readonly<Record<string, ValueKind>>;

export const SERIES_PROPERTIES: PropertyTable = {
  name: 'string',
  type: 'series_type',
  length: 'integer',
  start: 'time',
  end: 'time',
  pool: 'integer',
  shard_duration: 'time',
};

export const USER_PROPERTIES: PropertyTable = { name: 'string', access: 'access' };

export const SERVER_PROPERTIES: PropertyTable = {
  name: 'string',
  address: 'string',
  port: 'integer',
  pool: 'integer',
  version: 'string',
  online: 'boolean',
  status: 'string',
  uuid: 'string',
  log_level: 'log_level',
  active_handles: 'integer',
  active_tasks: 'integer',
  buffer_path: 'string',
  buffer_size: 'integer',
  dbpath: 'string',
  fifo_files: 'integer',
  idle_percentage: 'integer',
  idle_time: 'integer',
  ip_support: 'string',
  libuv: 'string',
  max_open_files: 'integer',
  mem_usage: 'integer',
  open_files: 'integer',
  received_points: 'integer',
  reindex_progress: 'string',
  selected_points: 'integer',
  startup_time: 'integer',
  sync_progress: 'string',
  uptime: 'integer',
};

export const POOL_PROPERTIES: PropertyTable = { pool: 'integer', servers: 'integer', series: 'integer' };

export const GROUP_PROPERTIES: PropertyTable = { name: 'string', series: 'integer', expression: 'string' };

export const TAG_PROPERTIES: PropertyTable = { name: 'string', series: 'integer' };

export const SHARD_PROPERTIES: PropertyTable = {
  sid: 'integer',
  pool: 'integer',
  server: 'string',
  size: 'integer',
  start: 'time',
  end: 'time',
  type: 'shard_type',
  status: 'string',
};

/** Kinds whose values are unquoted keywords. */
export type KeywordKind = Exclude<ValueKind, 'string' | 'integer' | 'time'>;

/** The keywords of each keyword-valued kind. */
export const KEYWORD_VALUES: Readonly<Record<KeywordKind, readonly string[]>> = {
  series_type: ['integer', 'float', 'string'],
  access: [
    'full',
    'modify',
    'write',
    'read',
    'select',
    'show',
    'list',
    'count',
    'create',
    'insert',
    'drop',
    'alter',
    'grant',
    'revoke',
  ],
  boolean: ['true', 'false'],
  log_level: ['debug', 'info', 'warning', 'error', 'critical'],
  shard_type: ['number', 'log'],
};

const STRING_OPERATORS: readonly CompareOperator[] = ['==', '!=', '<', '>', '<=', '>=', '~', '!~'];
const NUMBER_OPERATORS: readonly CompareOperator[] = ['==', '!=', '<', '>', '<=', '>='];
const KEYWORD_OPERATORS: readonly CompareOperator[] = ['==', '!='];

/** Comparison operators a `where` clause allows for a kind of value. */
export function operatorsFor(kind: ValueKind): readonly CompareOperator[] {
  if (kind === 'string') return STRING_OPERATORS;
  if (kind === 'integer' || kind === 'time') return NUMBER_OPERATORS;
  return KEYWORD_OPERATORS;
}

/** Operators of `filter(…)`: every comparison. */
export const FILTER_OPERATORS: readonly CompareOperator[] = STRING_OPERATORS;

/** Series set operators: symbols and their keyword spellings. */
export const SET_OPERATORS: Readonly<Record<string, SeriesSetOperator>> = {
  ',': 'union',
  '|': 'union',
  '-': 'difference',
  '&': 'intersection',
  '^': 'symmetric',
  union: 'union',
  difference: 'difference',
  intersection: 'intersection',
  symmetric_difference: 'symmetric',
};

/** Functions that reduce points to one value per bucket. */
export const REDUCERS: readonly ReducerName[] = [
  'count',
  'sum',
  'mean',
  'median',
  'median_low',
  'median_high',
  'min',
  'max',
  'first',
  'last',
  'variance',
  'pvariance',
  'stddev',
  'difference',
  'derivative',
];

/** Every word that can start a select function (after the `*` symbol). */
export const FUNCTION_WORDS: readonly string[] = [
  'all',
  'points',
  ...REDUCERS,
  'interval',
  'timeval',
  'filter',
  'limit',
  'offset',
];

/** Properties `show` knows, in the (alphabetical) order a bare `show` lists them. */
export const SHOW_PROPERTIES: readonly string[] = [
  'active_handles',
  'active_tasks',
  'buffer_path',
  'buffer_size',
  'dbname',
  'dbpath',
  'drop_threshold',
  'duration_log',
  'duration_num',
  'expiration_log',
  'expiration_num',
  'fifo_files',
  'idle_percentage',
  'idle_time',
  'ip_support',
  'libuv',
  'list_limit',
  'log_level',
  'max_open_files',
  'mem_usage',
  'open_files',
  'pool',
  'received_points',
  'reindex_progress',
  'select_points_limit',
  'selected_points',
  'server',
  'startup_time',
  'status',
  'sync_progress',
  'tee',
  'time_precision',
  'timezone',
  'uptime',
  'uuid',
  'version',
  'who_am_i',
];
