/**
 * Evaluates a series match against a database: names, anchored regular expressions, `*`, and set
 * operations applied left to right (docs/protocols/siridb.md §13). The test server has no groups
 * or tags, so naming one fails.
 * @internal
 */
import type { Condition, SeriesMatch, SeriesSetOperator, SeriesTerm } from './query-ast.js';
import type { QueryContext } from './query-context.js';
import { QueryFailure } from './query-failure.js';
import type { TestDatabase, TestSeries } from './store.js';
import { filterSeries } from './where-filter.js';

/** The matched series in database order; `namesOnly` when the match used series names only. */
export interface MatchedSeries {
  readonly series: TestSeries[];
  readonly namesOnly: boolean;
}

/** A `/pattern/` as a JS regular expression: anchored at both ends, `i` for case-insensitive. */
export function compileRegex(pattern: string, ignoreCase: boolean): RegExp {
  const anchored = `^${pattern}$`;
  try {
    return new RegExp(anchored, ignoreCase ? 'i' : '');
  } catch (error) {
    const reason =
      error instanceof Error ? (error.message.split(': ').pop() ?? error.message) : String(error);
    throw new QueryFailure(`Cannot compile regular expression '${anchored}': ${reason.toLowerCase()}`);
  }
}

function combine(
  operator: SeriesSetOperator,
  left: Set<TestSeries>,
  right: Set<TestSeries>,
): Set<TestSeries> {
  switch (operator) {
    case 'union':
      return new Set([...left, ...right]);
    case 'difference':
      return new Set([...left].filter((series) => !right.has(series)));
    case 'intersection':
      return new Set([...left].filter((series) => right.has(series)));
    default: {
      const out = new Set([...left].filter((series) => !right.has(series)));
      for (const series of right) if (!left.has(series)) out.add(series);
      return out;
    }
  }
}

class Matcher {
  readonly #db: TestDatabase;
  namesOnly = true;

  constructor(db: TestDatabase) {
    this.#db = db;
  }

  term(term: SeriesTerm): Set<TestSeries> {
    switch (term.kind) {
      case 'name': {
        const series = this.#db.series.get(term.name);
        return new Set(series === undefined ? [] : [series]);
      }
      case 'regex': {
        this.namesOnly = false;
        const regex = compileRegex(term.pattern, term.ignoreCase);
        return new Set([...this.#db.series.values()].filter((series) => regex.test(series.name)));
      }
      case 'all':
        this.namesOnly = false;
        return new Set(this.#db.series.values());
      case 'group':
        throw new QueryFailure(`Cannot find group or tag '${term.name}'`);
      default:
        return this.match(term.match);
    }
  }

  match(match: SeriesMatch): Set<TestSeries> {
    let result = this.term(match.first);
    for (const step of match.rest) result = combine(step.operator, result, this.term(step.term));
    return result;
  }
}

export function matchSeries(db: TestDatabase, match: SeriesMatch): MatchedSeries {
  const matcher = new Matcher(db);
  const found = matcher.match(match);
  return {
    series: [...db.series.values()].filter((series) => found.has(series)),
    namesOnly: matcher.namesOnly,
  };
}

/** The series a list, count or drop statement is about: all, or those matched, then filtered. */
export function targetSeries(
  context: QueryContext,
  match: SeriesMatch | undefined,
  where: Condition | undefined,
): TestSeries[] {
  const series =
    match === undefined ? [...context.db.series.values()] : matchSeries(context.db, match).series;
  return filterSeries(context, series, where);
}
