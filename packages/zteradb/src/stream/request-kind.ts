import type { ZqlQueryObject } from '../zql/query.js';
import type { ZTeraDBRequestKind } from './answer-reader.js';

const KIND_OF_QUERY_TYPE = { 1: 'insert', 2: 'select', 3: 'update', 4: 'delete' } as const;

/** The answer shape a query object asks for: its `qt`, with a `cnt` select being a count. */
export function requestKindOf(query: Pick<ZqlQueryObject, 'qt' | 'cnt'>): ZTeraDBRequestKind {
  const kind = KIND_OF_QUERY_TYPE[query.qt];
  return kind === 'select' && query.cnt === true ? 'count' : kind;
}
