/**
 * Series matching: `"name"`, `'name'`, `/regex/`, `/regex/i`, `*`, `` `group` `` and parenthesised
 * matches, combined left to right with `,` `|` (union), `-`, `&` and `^` (docs/protocols/siridb.md §13).
 * @internal
 */
import type { SeriesMatch, SeriesSetOperator, SeriesTerm } from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';
import { unquote } from './query-lexer.js';
import { Label, SET_OPERATORS } from './query-vocabulary.js';

const SYMBOL_OPERATORS = Object.keys(SET_OPERATORS).filter((key) => !/^[a-z]/.test(key));
const WORD_OPERATORS = Object.keys(SET_OPERATORS).filter((key) => /^[a-z]/.test(key));

function optionalTerm(cursor: QueryCursor): SeriesTerm | undefined {
  const name = cursor.kind('string', Label.seriesName);
  if (name !== undefined) return { kind: 'name', name: unquote(name.text) };
  const regex = cursor.regex(Label.regex);
  if (regex !== undefined) return { kind: 'regex', pattern: regex.pattern, ignoreCase: regex.ignoreCase };
  if (cursor.symbol('*')) return { kind: 'all' };
  const group = cursor.kind('grave', Label.groupOrTag);
  if (group !== undefined) return { kind: 'group', name: unquote(group.text) };
  if (!cursor.symbol('(')) return undefined;
  const match = cursor.nested(() => seriesMatch(cursor));
  cursor.require(cursor.symbol(')'));
  return { kind: 'nested', match };
}

function setOperator(cursor: QueryCursor): SeriesSetOperator | undefined {
  const word = cursor.oneOfSymbols(SYMBOL_OPERATORS) ?? cursor.oneOf(WORD_OPERATORS);
  return word === undefined ? undefined : SET_OPERATORS[word];
}

function rest(cursor: QueryCursor, first: SeriesTerm): SeriesMatch {
  const terms: { operator: SeriesSetOperator; term: SeriesTerm }[] = [];
  for (;;) {
    const operator = setOperator(cursor);
    if (operator === undefined) return { first, rest: terms };
    terms.push({ operator, term: cursor.require(optionalTerm(cursor)) });
  }
}

/** A series match if one starts here (`list series`, `count series`, … may leave it out). */
export function optionalSeriesMatch(cursor: QueryCursor): SeriesMatch | undefined {
  const first = optionalTerm(cursor);
  return first === undefined ? undefined : rest(cursor, first);
}

export function seriesMatch(cursor: QueryCursor): SeriesMatch {
  return rest(cursor, cursor.require(optionalTerm(cursor)));
}
