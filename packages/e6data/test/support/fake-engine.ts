/**
 * A small {@link TestEngine} for tests of the server alone: fixed results built with the real
 * chunk encoder, statements that fail or block until aborted, and a record of what ran.
 */
import { encodeChunk } from '../../src/protocol/chunk-encoder.js';
import type { ResultMetadata } from '../../src/protocol/metadata.js';
import { VectorType } from '../../src/protocol/vector-type.js';
import {
  abortError,
  EngineQueryError,
  type EngineResult,
  type ExecuteOptions,
  type TestEngine,
} from '../../src/testing/engine/test-engine.js';

/** `SELECT id FROM numbers` gives ids 1..5 in batches of 2: three batches. */
export const NUMBERS_SQL = 'SELECT id FROM numbers';
/** Fails with {@link FAILING_MESSAGE}. */
export const FAILING_SQL = 'SELECT * FROM missing';
export const FAILING_MESSAGE = 'Catalog Error: Table with name missing does not exist!';
/** Runs until its signal aborts. */
export const BLOCKING_SQL = 'SELECT blocking()';

export const NUMBERS_METADATA: ResultMetadata = {
  rowCount: 5n,
  columns: [{ name: 'id', type: 'LONG', zone: '', format: '' }],
};

/** The three batches of {@link NUMBERS_SQL}, as sent. */
export const NUMBERS_BATCHES: readonly Uint8Array[] = [[1n, 2n], [3n, 4n], [5n]].map((ids) =>
  encodeChunk(ids.length, [
    {
      type: VectorType.LONG,
      nulls: ids.map(() => false),
      data: { kind: 'int64', values: ids },
    },
  ]),
);

export class FakeEngine implements TestEngine {
  readonly executed: { sql: string; schema: string }[] = [];
  /** Signals of running statements, by SQL, for cancel tests. */
  readonly signals: AbortSignal[] = [];
  closed = false;
  readonly #blockingStarted: ((signal: AbortSignal) => void)[] = [];

  /** Resolves with the signal of the next {@link BLOCKING_SQL} statement once the engine runs it. */
  nextBlocking(): Promise<AbortSignal> {
    return new Promise((resolve) => this.#blockingStarted.push(resolve));
  }

  async execute(sql: string, options: ExecuteOptions): Promise<EngineResult> {
    this.executed.push({ sql, schema: options.schema });
    if (options.signal !== undefined) this.signals.push(options.signal);
    if (sql === FAILING_SQL) throw new EngineQueryError(FAILING_MESSAGE);
    if (sql === BLOCKING_SQL) {
      const signal = options.signal ?? new AbortController().signal;
      this.#blockingStarted.shift()?.(signal);
      await new Promise<never>((_, reject) => {
        if (signal.aborted) reject(abortError(signal));
        signal.addEventListener('abort', () => reject(abortError(signal)), { once: true });
      });
    }
    if (sql !== NUMBERS_SQL) throw new EngineQueryError(`unknown statement: ${sql}`);
    const batches = [...NUMBERS_BATCHES];
    return {
      metadata: NUMBERS_METADATA,
      timings: { parsingMs: 3, queueingMs: 5, executionMs: 7 },
      nextBatch: async () => batches.shift(),
      close: async () => {
        batches.length = 0;
      },
    };
  }

  async listSchemas(): Promise<string[]> {
    return ['main', 'sales'];
  }

  async listTables(schema: string): Promise<string[]> {
    return schema === 'main' ? ['numbers'] : [];
  }

  async listColumns(): Promise<{ name: string; type: string }[]> {
    return [{ name: 'id', type: 'long' }];
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
