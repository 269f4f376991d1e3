/** The typed ZQL builder: queries and the filter-condition helpers. */
export * from './filter.js';
export {
  type ZqlFieldName,
  type ZqlKind,
  type ZqlProjection,
  ZqlQuery,
  type ZqlQueryObject,
  type ZqlSortKey,
  type ZqlValues,
  ZTeraDBQuery,
} from './query.js';
export { ZQL_ERROR_CODE } from './zql-error.js';
