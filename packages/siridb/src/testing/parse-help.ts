/**
 * `help [topic [sub-topic]]` (docs/protocols/siridb.md §13): the topics are keywords, nested as
 * the server nests them (`help list series`), so an unknown topic is a syntax error.
 * @internal
 */
import { HELP_TREE } from './help-topics.js';
import type { HelpStatement } from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';

/** The rest of a `help` statement: as many topic words as nest. */
export function helpStatement(cursor: QueryCursor): HelpStatement {
  const words: string[] = [];
  for (;;) {
    const topics = HELP_TREE[words.join('_')];
    const word = topics === undefined ? undefined : cursor.oneOf(topics);
    if (word === undefined) return { kind: 'help', topic: words.join('_') };
    words.push(word);
  }
}
