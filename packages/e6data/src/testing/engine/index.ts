export { createDuckDBEngine, type DuckDBEngineOptions } from './duckdb-engine.js';
export {
  abortError,
  EngineQueryError,
  type EngineResult,
  type EngineTimings,
  type ExecuteOptions,
  type TestEngine,
} from './test-engine.js';
