/**
 * `alter user 'name' set password | name '…'` and `alter database set drop_threshold |
 * list_limit | select_points_limit | timezone <value>`; the other `alter` forms (expiration,
 * groups, series tags, servers) parse but are not implemented (docs/protocols/siridb.md §12, §13).
 * @internal
 */

import { booleanWord, graveName, quoted, unimplemented } from './parse-common.js';
import { timeExpression } from './parse-expression.js';
import { seriesMatch } from './parse-series-match.js';
import { optionalWhere } from './parse-where.js';
import type { Statement } from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';
import { KEYWORD_VALUES, Label, SERIES_PROPERTIES, SERVER_PROPERTIES } from './query-vocabulary.js';

const DATABASE_SETTINGS = [
  'drop_threshold',
  'list_limit',
  'select_points_limit',
  'timezone',
  'expiration_num',
  'expiration_log',
] as const;

function alterDatabase(cursor: QueryCursor, start: number): Statement {
  cursor.require(cursor.word('set'));
  const setting = cursor.require(cursor.oneOf(DATABASE_SETTINGS));
  switch (setting) {
    case 'drop_threshold': {
      const number = cursor.require(cursor.kind('float', Label.float));
      return { kind: 'alter_database', setting, value: Number(number.text) };
    }
    case 'list_limit':
    case 'select_points_limit':
      return {
        kind: 'alter_database',
        setting,
        value: BigInt(cursor.require(cursor.kind('integer', Label.unsignedInteger)).text),
      };
    case 'timezone':
      return { kind: 'alter_database', setting, value: quoted(cursor) };
    default:
      timeExpression(cursor);
      return unimplemented(cursor, start, 'alter');
  }
}

/** `set log_level …` / `set backup_mode …` (and `address` / `port` for a single server). */
function serverSetting(cursor: QueryCursor, single: boolean): void {
  cursor.require(cursor.word('set'));
  const settings = single ? ['log_level', 'backup_mode', 'address', 'port'] : ['log_level', 'backup_mode'];
  switch (cursor.require(cursor.oneOf(settings))) {
    case 'log_level':
      cursor.require(cursor.oneOf(KEYWORD_VALUES.log_level));
      return;
    case 'backup_mode':
      booleanWord(cursor);
      return;
    case 'address':
      quoted(cursor);
      return;
    default:
      cursor.require(cursor.kind('integer', Label.unsignedInteger));
  }
}

function alterGroup(cursor: QueryCursor): void {
  graveName(cursor);
  cursor.require(cursor.word('set'));
  if (cursor.require(cursor.oneOf(['expression', 'name'])) === 'name') quoted(cursor);
  else cursor.require(cursor.regex(Label.regex));
}

/** The rest of an `alter` statement that started at `start`. */
export function alterStatement(cursor: QueryCursor, start: number): Statement {
  switch (cursor.require(cursor.oneOf(['user', 'database', 'group', 'series', 'server', 'servers']))) {
    case 'user': {
      const name = quoted(cursor);
      cursor.require(cursor.word('set'));
      const kind = cursor.require(cursor.oneOf(['password', 'name'] as const));
      return { kind: 'alter_user', name, change: { kind, value: quoted(cursor) } };
    }
    case 'database':
      return alterDatabase(cursor, start);
    case 'group':
      alterGroup(cursor);
      break;
    case 'series':
      seriesMatch(cursor);
      optionalWhere(cursor, SERIES_PROPERTIES);
      cursor.require(cursor.oneOf(['tag', 'untag']));
      graveName(cursor);
      break;
    case 'server':
      quoted(cursor);
      serverSetting(cursor, true);
      break;
    default:
      optionalWhere(cursor, SERVER_PROPERTIES);
      serverSetting(cursor, false);
  }
  return unimplemented(cursor, start, 'alter');
}
