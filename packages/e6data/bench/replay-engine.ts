/**
 * A `TestEngine` that answers every statement with the same pre-encoded batches: the test server's
 * gRPC handling stays real, and the per-batch cost of the server is a copy of bytes, so the bench
 * compares the clients, not DuckDB's encoding speed.
 */
import { encodeResultMetadata, type ResultMetadata } from '../src/protocol/metadata.js';
import type { EngineResult, TestEngine } from '../src/testing/engine/test-engine.js';

export function replayEngine(metadata: ResultMetadata, batches: readonly Uint8Array[]): TestEngine {
  // Encoded once: a mistake in the metadata fails at start-up, not in the middle of a round.
  encodeResultMetadata(metadata);
  return {
    execute: async (): Promise<EngineResult> => {
      let next = 0;
      return {
        metadata,
        nextBatch: async () => batches[next++],
        timings: { parsingMs: 0, queueingMs: 0, executionMs: 0 },
        close: async () => {
          next = batches.length;
        },
      };
    },
    listSchemas: async () => ['main'],
    listTables: async () => [],
    listColumns: async () => [],
    close: async () => {},
  };
}
