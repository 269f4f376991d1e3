/**
 * Turns a `=>` chain of select functions into the aggregation steps `aggregates.ts` runs, with the
 * argument checks and messages of docs/protocols/siridb.md §13.
 * @internal
 */
import type { Aggregate, FilterValue } from './aggregates.js';
import { compileRegex } from './match-series.js';
import type { SelectFunction } from './query-ast.js';
import type { QueryContext } from './query-context.js';
import { QueryFailure } from './query-failure.js';
import { int64 } from './time-expr.js';

function step(name: Aggregate['name'], groupBy = 0n): Aggregate {
  return { name, groupBy, offset: 0n, limit: 0n, timespan: 1 };
}

function filterStep(fn: Extract<SelectFunction, { kind: 'filter' }>): Aggregate {
  const { operator, operand } = fn;
  let value: FilterValue;
  switch (operand.kind) {
    case 'regex':
      if (operator !== '==' && operator !== '!=') {
        throw new QueryFailure(
          "Regular expressions can only be used with 'equal' (==) or 'not equal' (!=) operator.",
        );
      }
      value = { kind: 'regex', value: compileRegex(operand.pattern, operand.ignoreCase) };
      break;
    case 'integer':
      value = { kind: 'integer', value: int64(operand.value) };
      break;
    default:
      value = operand;
  }
  if ((operator === '~' || operator === '!~') && value.kind !== 'string' && value.kind !== 'regex') {
    throw new QueryFailure(`Operator '${operator}' can only be used with strings.`);
  }
  return { ...step('filter'), filter: { operator, operand: value } };
}

function derivativeStep(
  context: QueryContext,
  fn: Extract<SelectFunction, { kind: 'derivative' }>,
): Aggregate {
  const aggregate = step('derivative');
  if (fn.span === undefined) return aggregate;
  aggregate.timespan = Number(context.timestamp(fn.span));
  if (aggregate.timespan === 0)
    throw new QueryFailure('Time-span must be an integer value larger than zero.');
  if (fn.groupBy !== undefined) {
    aggregate.groupBy = context.timestamp(fn.groupBy);
    if (aggregate.groupBy === 0n) {
      throw new QueryFailure('Group by time must be an integer value larger than zero.');
    }
    // the derivative is per time-span, each bucket covering `groupBy`
    aggregate.timespan /= Number(aggregate.groupBy);
  }
  return aggregate;
}

/** The aggregation steps of one chain (`*`, `all` and `points` steps add nothing). */
export function aggregateSteps(context: QueryContext, chain: readonly SelectFunction[]): Aggregate[] {
  const out: Aggregate[] = [];
  for (const fn of chain) {
    switch (fn.kind) {
      case 'points':
        break;
      case 'offset': {
        const span = context.timestamp(fn.span);
        const previous = out[out.length - 1];
        if (previous === undefined || previous.groupBy === 0n) {
          throw new QueryFailure('Offset must be used after an aggregation method.');
        }
        previous.offset = span % previous.groupBy;
        break;
      }
      case 'limit': {
        const limit = context.integer(fn.count);
        if (limit <= 0n) throw new QueryFailure('Limit must be an integer value larger than zero.');
        out.push({ ...step(fn.reducer), limit });
        break;
      }
      case 'interval':
      case 'timeval':
        out.push(step(fn.kind));
        break;
      case 'filter':
        out.push(filterStep(fn));
        break;
      case 'derivative':
        out.push(derivativeStep(context, fn));
        break;
      default: {
        const span = fn.span === undefined ? undefined : context.timestamp(fn.span);
        if (span === 0n) throw new QueryFailure('Group by time must be an integer value larger than zero.');
        out.push(step(fn.name, span ?? 0n));
      }
    }
  }
  return out;
}
