/**
 * Keyword tables of the query language (docs/protocols/siridb.md §13) and the names syntax errors
 * use for things that are not keywords. Where a table is tried as alternatives, its order is the
 * order in which a syntax error lists them, which is the server's.
 * @internal
 */
import type { CompareOperator, ReducerName, SeriesSetOperator } from './query-ast.js';

/** Starts a label that a syntax error does not list (the server has no name for it). */
const UNNAMED = '\u0000';

/** Names of non-keyword terminals in `Expecting …` lists. */
export const Label = {
  singleQuoted: 'single_quote_str',
  doubleQuoted: 'double_quote_str',
  /** Either kind of quoted string (listed as both). */
  string: 'string',
  integer: 'integer',
  float: 'float',
  /** A duration such as `5m`. */
  timeString: 'date/time_string',
  regex: 'regular_expression',
  uuid: 'uuid',
  end: 'end_of_statement',
  // unnamed: tried, but not listed
  groupOrTag: '\u0000grave_str',
  seriesRegex: '\u0000series_regex',
  unsignedInteger: '\u0000unsigned_integer',
  comment: '\u0000comment',
} as const;

/** Whether a label is left out of `Expecting …` lists. */
export function isUnnamed(label: string): boolean {
  return label.startsWith(UNNAMED);
}

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

/** The properties (`list` columns, `where` names) of each kind of object `list` and `count` reach. */
export const OBJECT_PROPERTIES: Readonly<
  Record<'series' | 'users' | 'servers' | 'pools' | 'groups' | 'tags' | 'shards', PropertyTable>
> = {
  series: SERIES_PROPERTIES,
  users: USER_PROPERTIES,
  servers: SERVER_PROPERTIES,
  pools: POOL_PROPERTIES,
  groups: GROUP_PROPERTIES,
  tags: TAG_PROPERTIES,
  shards: SHARD_PROPERTIES,
};

/** Kinds whose values are unquoted keywords. */
export type KeywordKind = Exclude<ValueKind, 'string' | 'integer' | 'time'>;

/** The keywords of each keyword-valued kind. */
export const KEYWORD_VALUES: Readonly<Record<KeywordKind, readonly string[]>> = {
  series_type: ['string', 'integer', 'float'],
  access: [
    'read',
    'write',
    'modify',
    'full',
    'select',
    'show',
    'list',
    'count',
    'create',
    'insert',
    'drop',
    'grant',
    'revoke',
    'alter',
  ],
  boolean: ['true', 'false'],
  log_level: ['debug', 'info', 'warning', 'error', 'critical'],
  shard_type: ['number', 'log'],
};

/** Comparison operators, each set tried as one alternative (a syntax error lists the set at once). */
const STRING_OPERATORS: readonly CompareOperator[] = ['<', '>', '==', '!=', '<=', '>=', '~', '!~'];
const NUMBER_OPERATORS: readonly CompareOperator[] = ['<', '>', '==', '!=', '<=', '>='];
const EQUALITY_OPERATORS: readonly CompareOperator[] = ['==', '!='];

/** Comparison operators a `where` clause allows for a kind of value. */
export function operatorsFor(kind: ValueKind): readonly CompareOperator[] {
  if (kind === 'string') return STRING_OPERATORS;
  // access rights and log levels compare by rank
  if (kind === 'integer' || kind === 'time' || kind === 'access' || kind === 'log_level')
    return NUMBER_OPERATORS;
  return EQUALITY_OPERATORS;
}

/** Operators of `filter(…)`: every comparison. */
export const FILTER_OPERATORS: readonly CompareOperator[] = STRING_OPERATORS;

/** Arithmetic operators of integer and time expressions, tried as one alternative. */
export const ARITHMETIC_OPERATORS = ['+', '-', '*', '%', '/'] as const;

/** Series set operators: each symbol with its keyword, in the order they are tried. */
export const SET_OPERATORS: readonly {
  readonly operator: SeriesSetOperator;
  readonly symbols: readonly string[];
  readonly word: string;
}[] = [
  { operator: 'union', symbols: [',', '|'], word: 'union' },
  { operator: 'difference', symbols: ['-'], word: 'difference' },
  { operator: 'intersection', symbols: ['&'], word: 'intersection' },
  { operator: 'symmetric', symbols: ['^'], word: 'symmetric_difference' },
];

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

/** The reducers `limit(n, fn)` takes. */
export const LIMIT_REDUCERS: readonly ReducerName[] = [
  'mean',
  'median',
  'median_high',
  'median_low',
  'sum',
  'min',
  'max',
  'count',
  'variance',
  'pvariance',
  'stddev',
  'first',
  'last',
];

/** Every word that can start a select function (after the `*` symbol). */
export const FUNCTION_WORDS: readonly string[] = [
  'all',
  'offset',
  'limit',
  'mean',
  'sum',
  'median',
  'median_low',
  'median_high',
  'min',
  'max',
  'count',
  'variance',
  'pvariance',
  'stddev',
  'first',
  'last',
  'timeval',
  'interval',
  'difference',
  'derivative',
  'filter',
  'points',
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

/** The properties `show` takes, in the order they are tried. */
export const SHOW_GRAMMAR: readonly string[] = [
  'active_handles',
  'active_tasks',
  'buffer_path',
  'buffer_size',
  'dbname',
  'dbpath',
  'drop_threshold',
  'duration_log',
  'duration_num',
  'fifo_files',
  'expiration_log',
  'expiration_num',
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
  'selected_points',
  'select_points_limit',
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
