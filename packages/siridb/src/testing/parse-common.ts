/**
 * Small pieces several statements share: quoted names, column lists and the node for statements
 * the test server parses but does not implement.
 * @internal
 */

import { columnOrder } from './property-order.js';
import type { AccessRight, UnimplementedStatement } from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';
import { unquote } from './query-lexer.js';
import { Label, type PropertyTable } from './query-vocabulary.js';

/** A required string in single or double quotes, quotes removed. */
export function quoted(cursor: QueryCursor): string {
  return unquote(cursor.require(cursor.kind('string', Label.string)).text);
}

/** A required `` `name` `` (group or tag). */
export function graveName(cursor: QueryCursor): string {
  return unquote(cursor.require(cursor.kind('grave', Label.groupOrTag)).text);
}

/** A server: its uuid, or its name in quotes. */
export function serverName(cursor: QueryCursor): string {
  const uuid = cursor.kind('uuid', Label.uuid);
  return uuid === undefined ? quoted(cursor) : uuid.text;
}

/** `true` or `false`. */
export function booleanWord(cursor: QueryCursor): boolean {
  return cursor.require(cursor.oneOf(['true', 'false'])) === 'true';
}

/** Columns to list (`name, length, …`), if any are given. */
export function optionalColumns(cursor: QueryCursor, properties: PropertyTable): string[] | undefined {
  const names = columnOrder(properties);
  const first = cursor.oneOf(names);
  if (first === undefined) return undefined;
  const columns = [first];
  while (cursor.symbol(',')) columns.push(cursor.require(cursor.oneOf(names)));
  return columns;
}

/** The statement that started at `start` and was just parsed, refused as not implemented. */
export function unimplemented(
  cursor: QueryCursor,
  start: number,
  access: AccessRight | undefined,
): UnimplementedStatement {
  return { kind: 'unimplemented', text: cursor.text.slice(start, cursor.lastEnd).trim(), access };
}
