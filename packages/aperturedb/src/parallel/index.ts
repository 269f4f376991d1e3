// Bulk execution: items batched into transactions with refs renumbered, run with bounded concurrency.
export { type Batch, buildBatch, type ParallelItem } from './batch.js';
export { RefNumbering, renumberCommands } from './renumber-refs.js';
export {
  type ParallelBatchError,
  type ParallelOptions,
  type ParallelProgress,
  type ParallelQueryClient,
  type ParallelResult,
  runParallel,
} from './run-parallel.js';
