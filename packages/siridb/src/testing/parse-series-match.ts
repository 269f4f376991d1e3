/**
 * Series matching: `*` or `all`, `"name"` or `'name'`, `` `group` ``, `/regex/` or `/regex/i`
 * and parenthesised matches, combined left to right with `,` `|` `union`, `-` `difference`,
 * `&` `intersection` and `^` `symmetric_difference` (docs/protocols/siridb.md §13).
 *
 * Nesting is counted as the server counts it: a run of plain terms is read in one go, but once a
 * parenthesised (or missing) term follows an operator, every operator up to there went one level
 * deeper, and so does the run of plain terms after the last parenthesis.
 * @internal
 */
import type { SeriesMatch, SeriesSetOperator, SeriesTerm } from './query-ast.js';
import type { QueryCursor } from './query-cursor.js';
import { unquote } from './query-lexer.js';
import { Label, SET_OPERATORS } from './query-vocabulary.js';

function plainTerm(cursor: QueryCursor): SeriesTerm | undefined {
  if (cursor.symbol('*') || cursor.word('all')) return { kind: 'all' };
  const name = cursor.kind('string', Label.string);
  if (name !== undefined) return { kind: 'name', name: unquote(name.text) };
  const group = cursor.kind('grave', Label.groupOrTag);
  if (group !== undefined) return { kind: 'group', name: unquote(group.text) };
  const regex = cursor.regex(Label.seriesRegex);
  if (regex !== undefined) return { kind: 'regex', pattern: regex.pattern, ignoreCase: regex.ignoreCase };
  return undefined;
}

/** Term number `index` of a run at nesting `depth`; undefined when none starts here. */
function optionalTerm(cursor: QueryCursor, depth: number, index: number): SeriesTerm | undefined {
  const plain = plainTerm(cursor);
  if (plain !== undefined) return plain;
  // not a plain term: the operators before it went deeper
  if (index > 0) cursor.enterFrame(depth + index);
  if (!cursor.symbol('(')) return undefined;
  cursor.enterFrame(depth + index + 1);
  const match = run(cursor, depth + index + 1, cursor.require(optionalTerm(cursor, depth + index + 1, 0)));
  cursor.require(cursor.symbol(')'));
  return { kind: 'nested', match };
}

function setOperator(cursor: QueryCursor): SeriesSetOperator | undefined {
  for (const { operator, symbols, word } of SET_OPERATORS) {
    const symbol = symbols.length === 1 ? cursor.symbol(symbols[0] as string) : cursor.tokens(symbols);
    if (symbol || cursor.word(word)) return operator;
  }
  return undefined;
}

/** The operators and terms that follow `first`, at nesting `depth`. */
function run(cursor: QueryCursor, depth: number, first: SeriesTerm): SeriesMatch {
  const terms: { operator: SeriesSetOperator; term: SeriesTerm }[] = [];
  let lastNested = first.kind === 'nested' ? 0 : -1;
  for (;;) {
    const operator = setOperator(cursor);
    if (operator === undefined) {
      // plain terms after the last parenthesis are read one level deeper
      if (lastNested >= 0 && lastNested < terms.length) cursor.enterFrame(depth + lastNested + 1);
      return { first, rest: terms };
    }
    const term = cursor.require(optionalTerm(cursor, depth, terms.length + 1));
    terms.push({ operator, term });
    if (term.kind === 'nested') lastNested = terms.length;
  }
}

/** A series match if one starts here (`list series`, `count series`, … may leave it out). */
export function optionalSeriesMatch(cursor: QueryCursor): SeriesMatch | undefined {
  const first = optionalTerm(cursor, 0, 0);
  return first === undefined ? undefined : run(cursor, 0, first);
}

export function seriesMatch(cursor: QueryCursor): SeriesMatch {
  return run(cursor, 0, cursor.require(optionalTerm(cursor, 0, 0)));
}
