/**
 * Prepared and running queries of the test server, by query id.
 * @internal
 */
import { randomUUID } from 'node:crypto';
import type { EngineResult } from '../engine/test-engine.js';
import { GrpcFailure, GrpcStatus } from './grpc-status.js';

/** The engine address every prepare answers, and the `plannerip` header later calls must carry. */
export const TEST_ENGINE_IP = '127.0.0.1';

export interface Query {
  readonly id: string;
  readonly sessionId: string;
  readonly sql: string;
  readonly schema: string;
  readonly engineIP: string;
  /** The strategy active at prepare: the query may finish on it after a switch. */
  readonly strategy: string;
  state: 'prepared' | 'running' | 'executed' | 'failed';
  readonly controller: AbortController;
  result: EngineResult | undefined;
  batchesSent: number;
  ended: boolean;
}

export class Queries {
  readonly #queries = new Map<string, Query>();

  prepare(sessionId: string, sql: string, schema: string, strategy: string): Query {
    const query: Query = {
      id: randomUUID(),
      sessionId,
      sql,
      schema,
      engineIP: TEST_ENGINE_IP,
      strategy,
      state: 'prepared',
      controller: new AbortController(),
      result: undefined,
      batchesSent: 0,
      ended: false,
    };
    this.#queries.set(query.id, query);
    return query;
  }

  peek(id: string): Query | undefined {
    return this.#queries.get(id);
  }

  /** @throws GrpcFailure NOT_FOUND `Query not found: <id>` (also for another session's query). */
  get(id: string, sessionId: string): Query {
    const query = this.#queries.get(id);
    if (query === undefined || query.sessionId !== sessionId) {
      throw new GrpcFailure(GrpcStatus.NOT_FOUND, `Query not found: ${id}`);
    }
    return query;
  }

  /** Forgets the query, aborting it when it runs and releasing its rows. */
  remove(query: Query): void {
    this.#queries.delete(query.id);
    query.controller.abort(new Error(`query ${query.id} was cleared`));
    void query.result?.close().catch(() => undefined);
  }

  removeAll(): void {
    for (const query of [...this.#queries.values()]) this.remove(query);
  }

  get size(): number {
    return this.#queries.size;
  }
}
