/**
 * Topics of `help [topic …]` (docs/protocols/siridb.md §6.3, §13): the server answers
 * `{"help": <markdown text>}`. The topics and their nesting are the server's; the texts are the
 * test server's own short summaries, not the server's manual.
 * @internal
 */

/** Sub-topics of each topic (`''` is a bare `help`), in the order a syntax error lists them. */
export const HELP_TREE: Readonly<Record<string, readonly string[]>> = {
  '': [
    'access',
    'alter',
    'count',
    'create',
    'drop',
    'functions',
    'grant',
    'list',
    'noaccess',
    'revoke',
    'select',
    'show',
    'timeit',
    'timezones',
  ],
  alter: ['database', 'group', 'server', 'servers', 'user'],
  count: ['groups', 'pools', 'series', 'servers', 'shards', 'users'],
  create: ['group', 'user'],
  drop: ['group', 'series', 'server', 'shards', 'user'],
  list: ['groups', 'pools', 'series', 'servers', 'shards', 'users'],
};

/** Our text for each topic path (words joined with `_`). */
const TEXTS: Readonly<Record<string, string>> = {
  '': 'Query help of the SiriDB test server.\n\nUse `help <topic>`; topics: access, alter, count, create, drop, functions, grant, list, noaccess, revoke, select, show, timeit and timezones.',
  access:
    'Rights: select, show, list, count, create, insert, drop, alter, grant and revoke. Profiles: read, write, modify and full.',
  alter: 'Changes a database, group, server, servers or user; see the sub-topics.',
  alter_database:
    '`alter database set <setting> <value>` for drop_threshold, list_limit, select_points_limit, timezone and expiration_num / expiration_log.',
  alter_group: "`alter group `name` set expression /regex/` or `set name 'new'`.",
  alter_server: "`alter server 'name' set log_level | backup_mode | address | port <value>`.",
  alter_servers: '`alter servers [where …] set log_level | backup_mode <value>`.',
  alter_user: "`alter user 'name' set password 'secret'` or `set name 'new'`.",
  count: 'Counts groups, pools, series, servers, shards, tags or users; see the sub-topics.',
  count_groups: '`count groups [where …]`.',
  count_pools: '`count pools [where …]`.',
  count_series: '`count series [length] [match] [where …]`: series, or their points with `length`.',
  count_servers: '`count servers [received_points | selected_points] [where …]`.',
  count_shards: '`count shards [size] [where …]`: shards, or their bytes with `size`.',
  count_users: '`count users [where …]`.',
  create: 'Creates a group or a user; see the sub-topics.',
  create_group: '`create group `name` for /regex/`.',
  create_user: "`create user 'name' set password 'secret'`.",
  drop: 'Drops a group, series, server, shards or a user; see the sub-topics.',
  drop_group: '`drop group `name``.',
  drop_series: '`drop series [match] [where …] [set ignore_threshold true]`.',
  drop_server: "`drop server 'name'`.",
  drop_shards: '`drop shards [where …] [set ignore_threshold true]`.',
  drop_user: "`drop user 'name'`.",
  functions:
    'Select functions: count, sum, mean, median, median_low, median_high, min, max, first, last, variance, pvariance, stddev, difference, derivative, interval, timeval, filter, limit and offset; chain them with `=>`.',
  grant: "`grant <rights or profile> to user 'name'`.",
  list: 'Lists groups, pools, series, servers, shards, tags or users; see the sub-topics.',
  list_groups: '`list groups [columns] [where …] [limit n]`; columns: name, series, expression.',
  list_pools: '`list pools [columns] [where …] [limit n]`; columns: pool, servers, series.',
  list_series:
    '`list series [columns] [match] [where …] [limit n]`; columns: name, type, length, start, end, pool, shard_duration.',
  list_servers:
    '`list servers [columns] [where …] [limit n]`; columns: name, pool, version, online, status and more.',
  list_shards:
    '`list shards [columns] [where …] [limit n]`; columns: sid, pool, server, size, start, end, type, status.',
  list_users: '`list users [columns] [where …] [limit n]`; columns: name, access.',
  noaccess: 'When no user can log in any more, restore the default user iris / siri from the server side.',
  revoke: "`revoke <rights or profile> from user 'name'`.",
  select:
    '`select <functions> from <match> [where …] [after | before | between …] [merge as "name" [using …]]`.',
  show: '`show [property, …]`: server and database properties; all of them without a list.',
  timeit: '`timeit <query>`: the answer also says how long each server took.',
  timezones:
    '`alter database set timezone "Europe/Amsterdam"` (or "NAIVE", the default): date strings without an offset are read in that zone.',
};

/** The text of a topic path (words joined with `_`, `''` for a bare `help`). */
export function helpText(topic: string): string {
  return TEXTS[topic] ?? '';
}
