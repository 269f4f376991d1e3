import { type CallOptions, createEventPublisher, type EventPublisher, type Secret } from '@conn/core';
import { TrackedCallRunner } from './calls-in-flight.js';
import { maskSecrets } from './mask-secrets.js';
import {
  type E6DataClientOptions,
  type FromEnvOptions,
  optionsFromEnv,
  optionsFromUrl,
  type ResolvedE6DataOptions,
  resolveOptions,
} from './options.js';
import { type BindOptions, bindParams, type SqlParams } from './params/index.js';
import { RPC } from './protocol/messages.js';
import { E6DataCursor } from './query/cursor.js';
import type { ExplainAnalysis } from './query/explain-analysis.js';
import { QueryRunner } from './query/query-runner.js';
import type { ColumnDescription } from './query/rows.js';
import { isReadOnlyStatement, normalizeStatement } from './query/statement.js';
import { SessionManager } from './session/session-manager.js';
import { strategyLogger } from './session/strategy-log.js';
import { type Strategy, StrategyState } from './session/strategy-state.js';
import { channelSetup, channelTarget } from './transport/channel-setup.js';
import { GrpcChannel } from './transport/grpc-channel.js';

/** How long `close()` lets calls in flight finish by default, ms. */
const CLOSE_TIMEOUT_MS = 30_000;

/** Options of one query: the call's deadline and signal. */
export type E6DataQueryOptions = CallOptions;

/** What `query()` returns: every row, the columns, and the server's counts. */
export interface E6DataQueryResult<Row = Record<string, unknown>> {
  readonly rows: Row[];
  readonly columns: readonly ColumnDescription[];
  /** The total row count the server reported in the result's metadata. */
  readonly rowCount: number;
  readonly queryId: string;
}

/** A column of `getColumns()`. */
export interface E6DataColumnInfo {
  readonly name: string;
  /** The engine's type, e.g. `long`, `decimal(7,2)`, `array<int>`. */
  readonly type: string;
}

/** Counters of a client. */
export interface E6DataClientStats {
  /** Authenticate exchanges made (each strategy tried counts). */
  readonly authentications: number;
  /** The deployment calls go to, once detected. */
  readonly strategy: Strategy | undefined;
  /** An announced deployment waiting for the open queries to end. */
  readonly pendingStrategy: Strategy | undefined;
}

/**
 * An e6data cluster over gRPC (docs/protocols/e6data.md). One HTTP/2 channel carries every call;
 * one session is shared by all of them; blue-green state belongs to this client alone. Every
 * public method goes through core's `CallRunner` (one deadline, `signal`, typed errors, tracing
 * channels `conn:e6data:<operation>`).
 *
 * @example
 * await using db = E6DataClient.fromUrl('e6data://me%40example.com:<token>@host:443/?schema=sales&catalog=hive');
 * const { rows } = await db.query('SELECT id, total FROM orders WHERE day = ?', [new Date()]);
 */
export class E6DataClient implements AsyncDisposable {
  readonly #options: ResolvedE6DataOptions;
  readonly #events: EventPublisher;
  readonly #calls: TrackedCallRunner;
  readonly #channel: GrpcChannel;
  readonly #strategies: StrategyState;
  readonly #sessions: SessionManager;
  readonly #runner: QueryRunner;
  readonly #secrets: readonly (Secret | undefined)[];
  readonly #bind: BindOptions;
  #closed = false;

  /** @throws ConfigError naming the bad option, before any I/O. */
  constructor(options: E6DataClientOptions = {}) {
    const resolved = resolveOptions(options);
    this.#options = resolved;
    this.#events = resolved.events ?? createEventPublisher('e6data');
    this.#secrets = [resolved.password];
    this.#bind = resolved.params;
    const { credentials, channelOptions } = channelSetup(resolved);
    this.#channel = new GrpcChannel(channelTarget(resolved.host, resolved.port), credentials, channelOptions);
    this.#strategies = new StrategyState({
      cacheTimeoutMs: resolved.strategyCacheTimeoutMs,
      log: resolved.strategyLogLevel === undefined ? undefined : strategyLogger(resolved.strategyLogLevel),
      events: this.#events,
      onSwitch: () => this.#sessions.invalidate(),
    });
    this.#sessions = new SessionManager({
      channel: this.#channel,
      user: resolved.username,
      password: resolved.password,
      clusterName: resolved.clusterName,
      connectTimeoutMs: resolved.connectTimeoutMs,
      strategies: this.#strategies,
      autoResume: resolved.autoResume,
      autoResumeTimeoutMs: resolved.autoResumeTimeoutMs,
      resumePollIntervalMs: resolved.resumePollIntervalMs,
      onClusterStatus: (status) => this.#events.publish('cluster:status', () => ({ status })),
    });
    this.#runner = new QueryRunner({
      channel: this.#channel,
      sessions: this.#sessions,
      strategies: this.#strategies,
      database: resolved.database,
      catalog: resolved.catalog,
      clusterName: resolved.clusterName,
      prepareTimeoutMs: resolved.prepareTimeoutMs,
      maxRetryAttempts: resolved.maxRetryAttempts,
      values: resolved.values,
      secrets: this.#secrets,
    });
    this.#calls = new TrackedCallRunner({
      packageName: 'e6data',
      clientName: 'e6data client',
      isClosed: () => this.#closed,
      defaultTimeoutMs: resolved.timeoutMs,
      maskStatement: maskSecrets,
    });
  }

  /** A client from `e6data://<user>:<token>@<host>[:<port>]/?schema=…&catalog=…`, with `overrides` on top. */
  static fromUrl(url: string | Secret, overrides: Partial<E6DataClientOptions> = {}): E6DataClient {
    return new E6DataClient({ ...optionsFromUrl(url), ...overrides });
  }

  /** A client from the `E6DATA_*` environment variables (see `optionsFromEnv`), with `overrides` on top. */
  static fromEnv(
    env: Readonly<Record<string, string | undefined>> = process.env,
    options: FromEnvOptions & { readonly overrides?: Partial<E6DataClientOptions> } = {},
  ): E6DataClient {
    return new E6DataClient({ ...optionsFromEnv(env, options), ...options.overrides });
  }

  /** True after `close()`. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** Authentications made and the deployment strategy in use. */
  stats(): E6DataClientStats {
    return {
      authentications: this.#sessions.authentications,
      strategy: this.#strategies.active,
      pendingStrategy: this.#strategies.pending,
    };
  }

  /**
   * Authenticates now (detecting the blue-green strategy, resuming a suspended cluster when
   * allowed), so bad credentials fail here rather than at the first query. Optional.
   */
  connect(options?: CallOptions): Promise<void> {
    return this.#calls.run({ operation: 'connect' }, options, async (call) => {
      call.target = this.#target();
      await this.#sessions.get(call);
    });
  }

  /** The cheapest authenticated round trip (listing the catalog's databases), for readiness checks. */
  ping(
    options?: CallOptions,
  ): Promise<{ readonly host: string; readonly port: number; readonly latencyMs: number }> {
    return this.#calls.run({ operation: 'ping' }, options, async (call) => {
      call.target = this.#target();
      const started = performance.now();
      await this.#runner.sessionCall(
        RPC.getSchemaNamesV2,
        (session) => ({ sessionId: session.sessionId, catalog: this.#options.catalog ?? '' }),
        call,
      );
      return { host: this.#options.host, port: this.#options.port, latencyMs: performance.now() - started };
    });
  }

  /**
   * Runs `sql` and returns every row. `params` fill `?`/`$n` (array) or `:name` (object)
   * placeholders client-side with correctly quoted literals.
   * @throws E6DataQueryError (the engine refused or failed the statement), E6DataAuthenticationError,
   * E6DataStrategyError, E6DataClusterUnavailableError, ConfigError `CONN_E6DATA_PARAMS`, core's
   * timeout, abort and connection errors.
   */
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: SqlParams,
    options?: E6DataQueryOptions,
  ): Promise<E6DataQueryResult<Row>> {
    let cursor: E6DataCursor<Row>;
    try {
      cursor = this.cursor<Row>(sql, params, options);
    } catch (error) {
      return Promise.reject(error);
    }
    // One call: the query, every batch and the clean-up spend one deadline.
    const spec = { operation: 'query', statement: cursor.statement, write: !cursor.readOnly };
    return this.#calls.run(spec, options, async (call) => {
      call.target = this.#target();
      try {
        const rows = await cursor.readAll(call);
        return {
          rows,
          columns: cursor.description ?? [],
          rowCount: cursor.rowCount ?? rows.length,
          queryId: cursor.queryId ?? '',
        };
      } finally {
        await cursor.close();
      }
    });
  }

  /**
   * A cursor over `sql`'s rows, fetched batch by batch as you read (`for await`, `fetchOne`,
   * `fetchMany`, `fetchAll`); nothing is sent until the first read or `execute()`. `options`
   * (deadline, signal) apply to each of its calls; aborting the signal cancels the query on the
   * server.
   */
  cursor<Row = Record<string, unknown>>(
    sql: string,
    params?: SqlParams,
    options: CallOptions = {},
  ): E6DataCursor<Row> {
    const statement = normalizeStatement(bindParams(sql, params, this.#bind));
    const cursor = new E6DataCursor<Row>(
      {
        calls: this.#calls,
        runner: this.#runner,
        strategies: this.#strategies,
        rowMode: this.#options.rowMode,
        events: this.#events,
      },
      statement,
      isReadOnlyStatement(statement),
      options,
    );
    return cursor;
  }

  /** Rows of `sql` as an async iterable (a cursor read with `for await`). */
  stream<Row = Record<string, unknown>>(
    sql: string,
    params?: SqlParams,
    options?: CallOptions,
  ): AsyncIterable<Row> {
    return this.cursor<Row>(sql, params, options);
  }

  /** Cancels a query of this session by id (e.g. one another part of the program started). */
  cancel(queryId: string, options?: CallOptions): Promise<void> {
    return this.#calls.run({ operation: 'cancel' }, options, (call) =>
      this.#runner.cancel({ queryId, engineIP: '' }, call),
    );
  }

  /** Checks `sql` without running it; resolves with the engine's verdict (JSON text). */
  dryRun(sql: string, params?: SqlParams, options?: CallOptions): Promise<string> {
    let statement: string;
    try {
      statement = normalizeStatement(bindParams(sql, params, this.#bind));
    } catch (error) {
      // A promise-returning method never throws: a bad parameter is a rejection too.
      return Promise.reject(error);
    }
    const catalog = this.#options.catalog;
    return this.#calls.run({ operation: 'dryRun', statement }, options, async (call) => {
      const answer = await this.#runner.sessionCall(
        catalog === undefined ? RPC.dryRun : RPC.dryRunV2,
        (session) => ({
          engineIP: '',
          sessionId: session.sessionId,
          schema: this.#options.database,
          queryString: statement,
          catalog: catalog ?? '',
        }),
        call,
      );
      return answer.dryrunValue ?? '';
    });
  }

  /** The databases (schemas) of the catalog. */
  getSchemaNames(options?: CallOptions): Promise<string[]> {
    return this.#calls.run({ operation: 'getSchemaNames' }, options, async (call) => {
      const answer = await this.#runner.sessionCall(
        RPC.getSchemaNamesV2,
        (session) => ({ sessionId: session.sessionId, catalog: this.#options.catalog ?? '' }),
        call,
      );
      return [...(answer.schemas ?? [])];
    });
  }

  /** The tables of `database` (default: the client's). */
  getTables(database: string = this.#options.database, options?: CallOptions): Promise<string[]> {
    return this.#calls.run({ operation: 'getTables' }, options, async (call) => {
      const answer = await this.#runner.sessionCall(
        RPC.getTablesV2,
        (session) => ({
          sessionId: session.sessionId,
          schema: database,
          catalog: this.#options.catalog ?? '',
        }),
        call,
      );
      return [...(answer.tables ?? [])];
    });
  }

  /** The columns of `table` in `database`, with their engine types. */
  getColumns(database: string, table: string, options?: CallOptions): Promise<E6DataColumnInfo[]> {
    return this.#calls.run({ operation: 'getColumns' }, options, async (call) => {
      const answer = await this.#runner.sessionCall(
        RPC.getColumnsV2,
        (session) => ({
          sessionId: session.sessionId,
          schema: database,
          table,
          catalog: this.#options.catalog ?? '',
        }),
        call,
      );
      return (answer.fieldInfo ?? []).map((field) => ({
        name: field.fieldName ?? '',
        type: field.fieldType ?? '',
      }));
    });
  }

  /**
   * Stops an authentication in progress at once, lets calls in flight finish for at most
   * `timeoutMs` (default 30 000), then closes the channel (what is still running fails with
   * `CONN_CONNECTION_CLOSED`). Later calls fail with `ClientClosedError`. Idempotent.
   */
  async close(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // An authentication in progress is a handshake: it stops at once. Requests get their grace.
    this.#sessions.clear();
    await this.#calls.settled(options.timeoutMs ?? CLOSE_TIMEOUT_MS);
    this.#channel.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Host, port, database, catalog, user and settings; never the token. */
  toJSON(): Record<string, unknown> {
    const { host, port, database, catalog, clusterName, username, timeoutMs } = this.#options;
    return {
      host,
      port,
      database,
      catalog,
      clusterName,
      user: username,
      secure: this.#options.tls !== undefined,
      timeoutMs,
    };
  }

  #target(): { host: string; port: number } {
    return { host: this.#options.host, port: this.#options.port };
  }
}

export type { ExplainAnalysis };
