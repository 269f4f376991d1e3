export { bindParams } from './bind-params.js';
export { type BindOptions, SqlLiteral, type SqlParam, type SqlParams, sqlLiteral } from './param-types.js';
export { findPlaceholders, type Placeholder, type StringEscape } from './sql-scanner.js';
