import {
  type CallContext,
  type CancelSource,
  type ConnError,
  ProtocolError,
  Secret,
  sleep,
} from '@conn/core';
import { E6DataStrategyError } from '../errors.js';
import { type ChunkSlices, openChunk } from '../protocol/chunk-decoder.js';
import { type ExplainAnalyzeResponse, RPC, type Rpc, type StatusResponse } from '../protocol/messages.js';
import { decodeResultMetadata, type ResultMetadata } from '../protocol/metadata.js';
import type { ValueOptions } from '../protocol/value-options.js';
import { type E6DataSession, failureOf, SessionManager } from '../session/session-manager.js';
import type { StrategyState } from '../session/strategy-state.js';
import { eitherCancel } from '../transport/either-cancel.js';
import type { GrpcChannel } from '../transport/grpc-channel.js';

/** A query the server prepared and executed: what every later call of it names. */
export interface OpenQuery {
  readonly queryId: string;
  /** The planner that holds it: the `plannerip` header of its calls. */
  readonly engineIP: string;
  readonly session: E6DataSession;
  readonly metadata: ResultMetadata;
}

/** How a cursor follows and stops the opening of its query. */
export interface OpenHooks {
  /** Told the query's id and planner once it is prepared, before its execute is answered. */
  readonly onPrepared?: (query: Pick<OpenQuery, 'queryId' | 'engineIP'>) => void;
  /**
   * Ends when the cursor is closed: the execute and metadata calls stop waiting, nothing more is
   * sent, and a query prepared meanwhile is cleared on the server.
   */
  readonly stop?: CancelSource;
}

/** What the runner needs of the client. */
export interface QueryRunnerOptions {
  readonly channel: GrpcChannel;
  readonly sessions: SessionManager;
  readonly strategies: StrategyState;
  readonly database: string;
  readonly catalog: string | undefined;
  readonly clusterName: string | undefined;
  readonly prepareTimeoutMs: number;
  readonly maxRetryAttempts: number;
  readonly values: ValueOptions;
  readonly secrets: readonly (Secret | undefined)[];
}

/** A clean-up call that belongs to no caller's call: its own gRPC deadline bounds it. */
const NEVER_CANCELLED: CancelSource = { reason: undefined, onCancel: () => {}, offCancel: () => {} };
const FORGET_DEADLINE_MS = 10_000;

/** Short pause before running a refused query again: lets a switching deployment settle. */
const RETRY_PAUSE_MS = 200;

/**
 * The RPC choreography of one query (docs/protocols/e6data.md, query lifecycle): prepare (V2 with
 * a catalog) → execute → metadata, then batches until empty, then `clearOrCancelQuery`. Every
 * answer's `sessionId` slides the session and its `new_strategy` is noted (applied at the query
 * boundary).
 */
export class QueryRunner {
  readonly #options: QueryRunnerOptions;
  /**
   * The planner of each query prepared and not yet cleared, by query id: `cancel(queryId)` must
   * name it in `plannerip`, and a caller that knows only the id cannot.
   */
  readonly #planners = new Map<string, string>();

  constructor(options: QueryRunnerOptions) {
    this.#options = options;
  }

  /**
   * Prepares, executes and reads the metadata. Before anything of the query ran (and, for a read,
   * until its rows are read), a wrong strategy (HTTP 456), a refused session or a suspended cluster
   * get a new session and the query is run again, at most `maxRetryAttempts` times in all; a write
   * whose execute was sent is never sent again.
   */
  async open(sql: string, call: CallContext, readOnly: boolean, hooks: OpenHooks = {}): Promise<OpenQuery> {
    const { sessions, maxRetryAttempts } = this.#options;
    const { onPrepared, stop } = hooks;
    // The prepare is not stopped: its query id is what the clean-up names.
    const running = stop === undefined ? call : eitherCancel(call, stop);
    for (let attempt = 1; ; attempt++) {
      const session = await sessions.get(call);
      let executed = false;
      let prepared: { readonly queryId: string; readonly engineIP: string } | undefined;
      try {
        if (stop?.reason !== undefined) throw stop.reason;
        prepared = await this.#prepare(sql, session, call);
        const scope = { engineIP: prepared.engineIP, session, queryId: prepared.queryId };
        this.#planners.set(prepared.queryId, prepared.engineIP);
        if (stop?.reason !== undefined) throw stop.reason;
        onPrepared?.(prepared);
        executed = true;
        call.markSent();
        // V1 without a catalog, as the connector pairs them.
        const execute = this.#options.catalog === undefined ? RPC.executeStatement : RPC.executeStatementV2;
        await this.#call(execute, this.#queryRequest(scope), scope, running);
        const metadataAnswer = await this.#call(
          RPC.getResultMetadata,
          this.#queryRequest(scope),
          scope,
          running,
        );
        const metadata = decodeResultMetadata(metadataAnswer.resultMetaData ?? new Uint8Array(0));
        // Stopped as the answer arrived: nobody will read or clear this query but us.
        if (stop?.reason !== undefined) throw stop.reason;
        return { ...scope, metadata };
      } catch (error) {
        if (prepared !== undefined) {
          this.#planners.delete(prepared.queryId);
          // The server keeps a query whose execute failed or was abandoned: it is cleared (and
          // cancelled if still running), without holding up the caller's error.
          this.#forget({ engineIP: prepared.engineIP, session, queryId: prepared.queryId });
        }
        const failure = failureOf(error);
        const replayable = !executed || readOnly;
        if (attempt >= maxRetryAttempts || !replayable || stop?.reason !== undefined) throw error;
        if (failure === 'wrong-strategy') this.#options.strategies.refused(session.strategy);
        else if (failure !== 'access-denied' && failure !== 'cluster-suspended') throw error;
        // A new session (on the other strategy, after a resume, or simply fresh) and a new try.
        sessions.invalidate(session);
        call.noteFailure(error as ConnError);
        if (executed) call.markNotExecuted();
        await sleep(RETRY_PAUSE_MS, undefined, call);
      }
    }
  }

  /** The next batch as sent (Thrift `Chunk` bytes); empty at the end of the result. */
  async fetchBatch(query: OpenQuery, call: CancelSource): Promise<Uint8Array> {
    const answer = await this.#call(RPC.getNextResultBatch, this.#queryRequest(query), query, call);
    return answer.resultBatch ?? new Uint8Array(0);
  }

  /**
   * A fetched batch, checked and ready to be decoded a slice at a time, or `undefined` at the end
   * (empty bytes, or a zero-row chunk).
   */
  openBatch(bytes: Uint8Array): ChunkSlices | undefined {
    if (bytes.length === 0) return undefined;
    const slices = openChunk(bytes, this.#options.values);
    return slices.rowCount > 0 ? slices : undefined;
  }

  /** `clearOrCancelQuery`: the server forgets the query (cancelling it if it still runs). */
  async clear(query: OpenQuery, call: CallContext): Promise<void> {
    this.#planners.delete(query.queryId);
    await this.#call(RPC.clearOrCancelQuery, this.#queryRequest(query), query, call);
  }

  /** Forgets an opened query nobody will read: see `#forget`. */
  forget(query: OpenQuery): void {
    this.#planners.delete(query.queryId);
    this.#forget(query);
  }

  /** `clearOrCancelQuery` on the side, bounded by its own deadline; a failure is dropped. */
  #forget(query: {
    readonly engineIP: string;
    readonly session: E6DataSession;
    readonly queryId: string;
  }): void {
    this.#call(
      RPC.clearOrCancelQuery,
      this.#queryRequest(query),
      query,
      NEVER_CANCELLED,
      FORGET_DEADLINE_MS,
    ).catch(() => {});
  }

  /**
   * `cancelQuery` for a query of this client, or any query id of the session; `deadlineMs` bounds
   * the RPC on its own (a gRPC deadline, then `CONN_E6DATA_RPC_DEADLINE`).
   */
  async cancel(
    query: Pick<OpenQuery, 'queryId' | 'engineIP'>,
    call: CallContext,
    deadlineMs?: number,
  ): Promise<void> {
    const session = await this.#options.sessions.get(call);
    const engineIP = query.engineIP === '' ? (this.#planners.get(query.queryId) ?? '') : query.engineIP;
    const scope = { queryId: query.queryId, engineIP, session };
    await this.#call(RPC.cancelQuery, this.#queryRequest(scope), scope, call, deadlineMs);
    this.#planners.delete(query.queryId);
  }

  /** `explainAnalyze` of a query that ran. */
  explainAnalyze(query: OpenQuery, call: CallContext): Promise<ExplainAnalyzeResponse> {
    return this.#call(RPC.explainAnalyze, this.#queryRequest(query), query, call);
  }

  /** `status` of a query. */
  status(query: OpenQuery, call: CallContext): Promise<StatusResponse> {
    return this.#call(RPC.status, this.#queryRequest(query), query, call);
  }

  /**
   * A call that belongs to no query (schema listing, dry run): with the session, once more with a
   * new one when the server refused it (access denied, wrong strategy, suspended cluster).
   */
  async sessionCall<Request, Response extends object>(
    rpc: Rpc<Request, Response>,
    request: (session: E6DataSession) => Request,
    call: CallContext,
  ): Promise<Response> {
    const { sessions, strategies } = this.#options;
    for (let attempt = 1; ; attempt++) {
      const session = await sessions.get(call);
      try {
        return await this.#call(rpc, request(session), { session, engineIP: '' }, call);
      } catch (error) {
        const failure = failureOf(error);
        const recoverable =
          failure === 'wrong-strategy' || failure === 'access-denied' || failure === 'cluster-suspended';
        if (!recoverable || attempt >= this.#options.maxRetryAttempts) throw error;
        if (failure === 'wrong-strategy') strategies.refused(session.strategy);
        sessions.invalidate(session);
        call.noteFailure(error as ConnError);
      }
    }
  }

  async #prepare(sql: string, session: E6DataSession, call: CallContext) {
    const { catalog, database } = this.#options;
    const scope = { session, engineIP: '' };
    const answer =
      catalog === undefined
        ? await this.#call(
            RPC.prepareStatement,
            { sessionId: session.sessionId, schema: database, queryString: sql },
            scope,
            call,
            this.#options.prepareTimeoutMs,
          )
        : await this.#call(
            RPC.prepareStatementV2,
            { sessionId: session.sessionId, schema: database, catalog, queryString: sql },
            scope,
            call,
            this.#options.prepareTimeoutMs,
          );
    const queryId = answer.queryId ?? '';
    if (queryId === '') {
      throw new ProtocolError('e6data prepare answered without a query id', {
        code: 'CONN_E6DATA_BAD_RESPONSE',
      });
    }
    return { queryId, engineIP: answer.engineIP ?? '' };
  }

  #queryRequest(query: {
    readonly engineIP: string;
    readonly session: E6DataSession;
    readonly queryId: string;
  }) {
    return { engineIP: query.engineIP, sessionId: query.session.sessionId, queryId: query.queryId };
  }

  async #call<Request, Response extends object>(
    rpc: Rpc<Request, Response>,
    request: Request,
    scope: { readonly session: E6DataSession; readonly engineIP: string },
    call: CancelSource,
    deadlineMs?: number,
  ): Promise<Response> {
    const { channel, clusterName, secrets, strategies } = this.#options;
    const session = scope.session;
    const answer = await channel.unary(rpc, request, {
      headers: { strategy: session.strategy, clusterName, plannerIp: scope.engineIP },
      cancel: call,
      deadlineMs,
      // The session id is a credential too: a server echoing it must not put it in a message.
      secrets: [...secrets, new Secret(session.sessionId)],
    });
    // Most answers carry these two (DryRunResponse does not).
    const fields = answer as { sessionId?: string | null; newStrategy?: string | null };
    SessionManager.slide(session, fields.sessionId);
    strategies.announce(fields.newStrategy);
    return answer;
  }
}

/** A 456 in the middle of a query: the rows so far were the old deployment's; never replayed. */
export function strategyChangedMidQuery(cause: unknown): E6DataStrategyError {
  return new E6DataStrategyError(
    'e6data switched deployment in the middle of a query; its rows cannot be read on the new one',
    { serverCode: 456, serverMessage: '', cause, details: { midQuery: true } },
  );
}
