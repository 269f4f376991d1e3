import {
  abortReason,
  ConnError,
  ConnectionError,
  createDeadline,
  type Deadline,
  type Secret,
} from '@conn/core';
import pg from 'pg';
import type Cursor from 'pg-cursor';
import { sendCancelRequest } from './cancel-request.js';
import { DescribedQuery, type RowFields } from './described-query.js';
import { toConnError } from './error-mapping.js';
import type { ResolvedHost, ResolvedOptions } from './options.js';
import { type PgQueryConfig, sendQuery, submitQuery } from './pg-query.js';
import { boundValues } from './pg-values.js';
import type { Statement } from './sql/statement.js';
import { preparedNameOf, renameStale, SessionStatementCache } from './statement-cache.js';
import { planTls, type TlsPlan } from './tls-config.js';
import { typeParsersFor } from './type-parsers.js';

/** Which server answered: CockroachDBClient (it sends `crdb_version` at startup) or PostgreSQL. */
export type ServerKind = 'cockroachdb' | 'postgresql';

/** How long a cancelled statement may take to stop before its connection is closed instead. */
/** How long a cancelled statement may take to stop before its session is destroyed. */
export const CANCEL_GRACE_MS = 5_000;

/** Extra settings of one statement. */
export interface StatementOptions {
  readonly signal?: AbortSignal | undefined;
  /** Time limit in ms; the statement is cancelled on the server when it passes. */
  readonly timeoutMs?: number | undefined;
  /** `array` returns rows as arrays (faster, and duplicate column names survive). */
  readonly rowMode?: 'array' | undefined;
  /** Forces the extended protocol, so the text can hold only one statement. */
  readonly singleStatement?: boolean | undefined;
}

function escapeOptionValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll(' ', '\\ ');
}

/** The libpq `options` startup value: the raw option string, then one `-c name=value` per setting. */
export function startupOptionsOf(options: ResolvedOptions): string | undefined {
  const parts: string[] = [];
  if (options.startupOptions !== undefined) parts.push(options.startupOptions);
  for (const [name, value] of Object.entries(options.sessionSettings))
    parts.push(`-c ${name}=${escapeOptionValue(value)}`);
  return parts.length === 0 ? undefined : parts.join(' ');
}

interface PgInternals {
  pipeline: boolean;
  /** Queries not yet written to the socket (pipelining off, or not connected yet). */
  _queryQueue: unknown[];
  getStartupConf(): Record<string, string>;
  processID: number | null;
  secretKey: number | null;
  connection: pg.Connection & {
    stream?: { destroy(): void; cork?(): void; uncork?(): void };
    /** Named statements pg saw parsed on this connection: it sends no Parse for them. */
    parsedStatements: Record<string, string>;
    /** Named statements whose Parse pg sent and the server has not confirmed yet. */
    submittedNamedStatements: Record<string, string>;
  };
}

/**
 * Errors at Parse or Bind of a prepared statement, before anything ran: the session lacks the name
 * (26000), already has it (42P05), or a schema change altered its result (0A000, that message).
 */
export function isStalePreparedStatement(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === '26000' || code === '42P05') return true;
  return (
    code === '0A000' &&
    String((error as { message?: unknown }).message).includes('cached plan must not change result type')
  );
}

/**
 * One server session over `pg.Client`: connect with a deadline, server detection, statements with
 * server-side cancel on abort, portal-backed reads for streams, and a flag telling whether it can be reused.
 */
export class CockroachConnection {
  readonly client: pg.Client;
  readonly serverKind: ServerKind;
  /** `crdb_version` on CockroachDB, `server_version` on PostgreSQL. */
  readonly serverVersion: string;
  private readonly target: { host: string; port: number };
  private lost: unknown;
  private ended = false;
  /** Told once when the socket fails or closes (the pool's `lost` callback). */
  private lossListener: ((error?: unknown) => void) | undefined;
  private corked = false;
  /** Statements sent and not yet answered. */
  private inFlight = 0;
  /** The prepared statements of this session; `undefined` when the cache is off. */
  private readonly prepared: SessionStatementCache | undefined;
  /** Row descriptions of this session's prepared statements without parameters, by name. */
  private readonly described = new Map<string, RowFields>();
  /** Names dropped inside a transaction, deallocated once the session is idle again. */
  private readonly toDeallocate = new Set<string>();
  private readonly uncork = (): void => {
    this.corked = false;
    (this.client as unknown as PgInternals).connection.stream?.uncork?.();
  };

  private constructor(
    client: pg.Client,
    target: { host: string; port: number },
    status: Map<string, string>,
    statementCache: number,
  ) {
    this.client = client;
    this.prepared = statementCache > 0 ? new SessionStatementCache(statementCache) : undefined;
    this.target = target;
    const crdb = status.get('crdb_version');
    this.serverKind = crdb === undefined ? 'postgresql' : 'cockroachdb';
    this.serverVersion = crdb ?? status.get('server_version') ?? '';
    client.on('error', (error) => {
      this.lost ??= error;
      this.reportLoss(error);
    });
    client.on('end', () => {
      this.ended = true;
      this.reportLoss(undefined);
    });
  }

  /** Calls `listener` once, when the session dies on its own (or at once if it already did). */
  onLost(listener: (error?: unknown) => void): void {
    this.lossListener = listener;
    if (!this.usable) this.reportLoss(this.lost);
  }

  private reportLoss(error: unknown): void {
    const listener = this.lossListener;
    this.lossListener = undefined;
    listener?.(error);
  }

  /**
   * Opens a session to `target`: TCP, TLS per `sslmode`, authentication. `signal` aborts it (the
   * socket is destroyed); the connect timeout applies on top.
   */
  static async open(
    options: ResolvedOptions,
    target: ResolvedHost,
    signal?: AbortSignal,
  ): Promise<CockroachConnection> {
    const plan = await planTls(options.tls);
    try {
      return await CockroachConnection.openWith(options, target, plan, signal);
    } catch (error) {
      if (plan.plainFallback && error instanceof ConnError && error.code === 'CONN_TLS_FAILED') {
        return CockroachConnection.openWith(options, target, { ssl: false, plainFallback: false }, signal);
      }
      throw error;
    }
  }

  private static async openWith(
    options: ResolvedOptions,
    target: ResolvedHost,
    plan: TlsPlan,
    signal?: AbortSignal,
  ): Promise<CockroachConnection> {
    const password: Secret | undefined = options.password;
    const config: pg.ClientConfig = {
      host: target.host,
      port: target.port,
      database: options.database,
      user: options.user,
      ssl: plan.ssl,
      application_name: options.applicationName,
      keepAlive: true,
      pipeline: true,
    };
    // A function keeps the password off the client object; pg calls it during authentication.
    if (password !== undefined) config.password = () => password.reveal();
    const types = typeParsersFor(options.int8);
    if (types !== undefined) config.types = types;
    const startupOptions = startupOptionsOf(options);
    if (startupOptions !== undefined) config.options = startupOptions;
    const client = new pg.Client(config);
    const internals = client as unknown as PgInternals;
    if (options.resultsBufferSize !== undefined) {
      // pg has no setting for extra startup parameters; CockroachDB reads this one at startup.
      const original = internals.getStartupConf.bind(client);
      const size = String(options.resultsBufferSize);
      internals.getStartupConf = () => ({ ...original(), results_buffer_size: size });
    }
    const status = new Map<string, string>();
    internals.connection.on(
      'parameterStatus',
      (message: { parameterName: string; parameterValue: string }) => {
        status.set(message.parameterName, message.parameterValue);
      },
    );
    // Errors before connect() settles are reported through its rejection; this keeps them off 'error'.
    const swallow = (): void => {};
    client.on('error', swallow);
    const deadline = createDeadline(
      { signal, timeoutMs: options.connectTimeoutMs },
      { what: `connect to ${target.host}:${target.port}`, timeoutCode: 'CONN_CONNECT_TIMEOUT' },
    );
    const onAbort = (): void => {
      internals.connection.stream?.destroy();
    };
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await client.connect();
      if (deadline.signal.aborted) throw deadline.signal.reason;
    } catch (error) {
      client.end().catch(() => {});
      if (deadline.signal.aborted) throw deadline.signal.reason;
      throw toConnError(error, { host: target.host, port: target.port, phase: 'connect' });
    } finally {
      deadline.signal.removeEventListener('abort', onAbort);
      deadline.dispose();
      client.off('error', swallow);
    }
    return new CockroachConnection(
      client,
      { host: target.host, port: target.port },
      status,
      options.statementCache,
    );
  }

  /** The host and port this session is connected to. */
  get address(): { readonly host: string; readonly port: number } {
    return this.target;
  }

  /** False once the socket failed or closed: the pool must destroy it. */
  get usable(): boolean {
    return this.lost === undefined && !this.ended;
  }

  /** `I` idle, `T` in a transaction, `E` in a failed transaction (from the last ReadyForQuery). */
  get transactionStatus(): string | null {
    return this.client.getTransactionStatus();
  }

  /**
   * Runs one statement. On abort the server is asked to cancel it and the call waits (bounded) for
   * the statement to stop, so the connection is idle again when this settles. A statement that still
   * completed is returned: its effects happened, and reporting an abort would invite a duplicate.
   */
  query(statement: Statement, options: StatementOptions = {}): Promise<pg.QueryResult> {
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(abortReason(signal, 'query'));
    let values = statement.values as unknown[];
    if (values.length > 0) {
      // Mapped here, not by pg: a value pg cannot send would make it reject the statement at once
      // while the Sync it wrote is still to be answered, and the session would look idle too early.
      try {
        values = boundValues(values);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const config: PgQueryConfig = { text: statement.text, values };
    if (options.rowMode === 'array') config.rowMode = 'array';
    if (options.singleStatement === true) config.queryMode = 'extended';
    const name = this.prepared === undefined ? undefined : preparedNameOf(statement);
    if (name !== undefined) config.name = name;
    // Only while others are in flight: a lone statement leaves at once.
    if (this.inFlight > 0) this.coalesceWrites();
    this.inFlight++;
    if (signal === undefined && options.timeoutMs === undefined) {
      // The hot path: no deadline, no extra async frame, no config object for pg to copy.
      const pending = name === undefined ? sendQuery(this.client, config) : this.runPrepared(config, true);
      return pending.then(this.settled, this.failed);
    }
    return this.queryWithDeadline(config, signal, options.timeoutMs);
  }

  /**
   * Runs a named statement: pg sends Parse only the first time this session uses the name, then
   * only Bind/Execute. When the server no longer has a usable statement under the name (see
   * {@link isStalePreparedStatement}) the name is dropped, and outside a transaction the statement
   * runs once more with a fresh Parse: nothing ran the first time. Inside one the error stands (the
   * transaction is aborted anyway).
   */
  private runPrepared(config: PgQueryConfig, mayRetry: boolean): Promise<pg.QueryResult | pg.QueryResult[]> {
    const name = config.name as string;
    this.notePrepared(name);
    return this.sendPrepared(config, name).catch((error: unknown) => {
      if (!isStalePreparedStatement(error)) throw error;
      this.dropPrepared(name);
      const renamed = renameStale(config.text, name);
      if (!mayRetry || this.transactionStatus !== 'I' || !this.usable) throw error;
      return this.runPrepared({ ...config, name: renamed }, false);
    });
  }

  /**
   * A statement without parameters whose rows come back as `query()` gives them goes as a
   * {@link DescribedQuery} (no Describe once the session knows its rows); any other through pg.
   */
  private sendPrepared(config: PgQueryConfig, name: string): Promise<pg.QueryResult | pg.QueryResult[]> {
    if ((config.values?.length ?? 0) > 0 || config.rowMode !== undefined || config.queryMode !== undefined)
      return sendQuery(this.client, config);
    return submitQuery(
      this.client,
      (callback) => new DescribedQuery(name, config.text, this.described, callback),
    );
  }

  /** Records a use of `name`; a new one may push the least recently used out of the session. */
  private notePrepared(name: string): void {
    const prepared = this.prepared as SessionStatementCache;
    if (this.toDeallocate.size > 0 && this.transactionStatus === 'I')
      for (const stale of this.toDeallocate) this.deallocate(stale);
    if (prepared.touch(name)) return;
    const idle = this.transactionStatus === 'I';
    // New to this session (or dropped earlier): make pg send Parse, even if a Parse answered after
    // the name's DEALLOCATE left pg believing it is parsed. Only when this query goes straight to the
    // socket: one still queued in pg may come before that DEALLOCATE.
    if (!this.toDeallocate.has(name) && this.writesAtOnce()) this.forgetParsed(name);
    prepared.add(name);
    // Inside a transaction nothing is deallocated (a failing DEALLOCATE would abort it); the cache
    // shrinks back to its size at the next statement outside one.
    if (!idle) return;
    for (let old = prepared.takeOverflow(); old !== undefined; old = prepared.takeOverflow())
      this.deallocate(old);
  }

  /** Drops `name` from this session: deallocated now when idle, else once idle again. */
  private dropPrepared(name: string): void {
    this.prepared?.delete(name);
    this.described.delete(name);
    if (this.transactionStatus === 'I') this.deallocate(name);
    else this.toDeallocate.add(name);
  }

  /**
   * Sends `DEALLOCATE name`, pipelined; its failure is ignored (the name may be gone already). pg
   * forgets the name once the DEALLOCATE is on the socket, so a later use parses it again.
   */
  private deallocate(name: string): void {
    this.toDeallocate.delete(name);
    const sentAtOnce = this.writesAtOnce();
    this.client.query(`DEALLOCATE ${name}`, () => {
      // Queued behind other queries: those ran first, so forget it only now (unless used again).
      if (!sentAtOnce && this.prepared?.has(name) !== true) this.forgetParsed(name);
    });
    if (sentAtOnce) this.forgetParsed(name);
  }

  /** True when a query issued now is written to the socket at once, behind everything sent before. */
  private writesAtOnce(): boolean {
    const internals = this.client as unknown as PgInternals;
    return internals.pipeline && internals._queryQueue.length === 0;
  }

  private forgetParsed(name: string): void {
    this.described.delete(name);
    const connection = (this.client as unknown as PgInternals).connection;
    delete connection.parsedStatements[name];
    delete connection.submittedNamedStatements[name];
  }

  private readonly settled = (result: pg.QueryResult | pg.QueryResult[]): pg.QueryResult => {
    this.inFlight--;
    return lastResult(result);
  };

  private readonly failed = (error: unknown): never => {
    this.inFlight--;
    throw this.mapError(error);
  };

  private async queryWithDeadline(
    config: PgQueryConfig,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
  ): Promise<pg.QueryResult> {
    let deadline: Deadline | undefined;
    try {
      deadline = createDeadline(
        { signal, timeoutMs },
        { what: 'query', timeoutCode: 'CONN_REQUEST_TIMEOUT' },
      );
      const pending =
        config.name === undefined ? sendQuery(this.client, config) : this.runPrepared(config, true);
      return lastResult(await this.withCancel(pending, deadline.signal));
    } finally {
      deadline?.dispose();
      this.inFlight--;
    }
  }

  /**
   * Pipelined statements issued in the same tick leave in one write: the socket is corked now and
   * uncorked on the next tick, saving a system call per statement.
   */
  private coalesceWrites(): void {
    if (this.corked) return;
    const stream = (this.client as unknown as PgInternals).connection.stream;
    if (stream?.cork === undefined) return;
    this.corked = true;
    stream.cork();
    process.nextTick(this.uncork);
  }

  /** Reads up to `rows` rows from an open cursor, cancelling on abort like {@link query}. */
  async readCursor<T>(cursor: Cursor<T>, rows: number, signal?: AbortSignal): Promise<T[]> {
    if (signal?.aborted) throw abortReason(signal, 'stream');
    const pending = cursor.read(rows);
    if (signal === undefined) {
      try {
        return await pending;
      } catch (error) {
        throw this.mapError(error);
      }
    }
    return this.withCancel(pending, signal);
  }

  /** Closes the portal (if the connection still works) and turns pipelining back on. */
  async closeCursor(cursor: Cursor): Promise<void> {
    try {
      if (this.usable) await cursor.close();
    } catch {
      // A failed close leaves the session in an unknown state.
      this.destroy();
    } finally {
      (this.client as unknown as PgInternals).pipeline = true;
    }
  }

  private async withCancel<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
    let cancelled = false;
    let grace: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      cancelled = true;
      void this.cancel();
      grace = setTimeout(() => this.destroy(), CANCEL_GRACE_MS);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await pending;
    } catch (error) {
      if (cancelled) throw abortReason(signal, 'query');
      throw this.mapError(error);
    } finally {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(grace);
    }
  }

  private mapError(error: unknown): ConnError {
    const mapped = toConnError(error, { host: this.target.host, port: this.target.port });
    // A FATAL (57P01, 08xxx) arrives before the socket closes: stop lending this session now.
    if (mapped instanceof ConnectionError) this.lost ??= mapped;
    return mapped;
  }

  /** Sends a CancelRequest for whatever this session is running (best effort). */
  async cancel(): Promise<void> {
    const internals = this.client as unknown as PgInternals;
    if (internals.processID === null || internals.secretKey === null) return;
    await sendCancelRequest(this.target, internals.processID, internals.secretKey);
  }

  /** Ends the session politely; a stuck goodbye is cut after 2 s. */
  async close(): Promise<void> {
    if (this.ended) return;
    const timer = setTimeout(() => this.destroy(), 2_000);
    try {
      await this.client.end();
    } catch {
      // The socket is closing anyway.
    } finally {
      clearTimeout(timer);
    }
  }

  /** Cuts the socket; pending statements fail with a connection error. */
  destroy(): void {
    this.lost ??= new Error('connection destroyed');
    (this.client as unknown as PgInternals).connection.stream?.destroy();
  }

  /**
   * Sends a query object that keeps the session until it ends (a portal read in batches, a result
   * read with socket backpressure). pg refuses those on a pipelined client, so pipelining stops
   * until {@link endExclusiveQuery}.
   */
  submitExclusiveQuery<S extends pg.Submittable>(query: S): S {
    (this.client as unknown as PgInternals).pipeline = false;
    return this.client.query(query);
  }

  /** Turns pipelining back on once the query of {@link submitExclusiveQuery} is over. */
  endExclusiveQuery(): void {
    (this.client as unknown as PgInternals).pipeline = true;
  }

  /** Stops reading the socket: the server blocks once the kernel buffers are full (backpressure). */
  pauseReading(): void {
    this.socketFlow()?.pause();
  }

  /** Reads the socket again after {@link pauseReading}. */
  resumeReading(): void {
    this.socketFlow()?.resume();
  }

  private socketFlow(): { pause(): void; resume(): void } | undefined {
    const stream: unknown = (this.client as unknown as PgInternals).connection.stream;
    return stream as { pause(): void; resume(): void } | undefined;
  }

  /** True while statements sent on this session are still unanswered. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  /**
   * Runs `work` (a COPY) with the session to itself: pipelining off while it runs (pg refuses COPY
   * on a pipelined client, and nothing may be written between its messages), back on after.
   * Statements issued meanwhile wait in pg's queue until the COPY is over.
   */
  async runAlone<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const internals = this.client as unknown as PgInternals;
    internals.pipeline = false;
    this.inFlight++;
    try {
      return await work(this.client);
    } finally {
      this.inFlight--;
      internals.pipeline = true;
    }
  }

  /**
   * A failure pg reported to a query object of ours (a COPY, a socket stream) as this driver's
   * typed error; a FATAL also retires the session.
   */
  driverError(error: unknown): ConnError {
    return this.mapError(error);
  }
}

/** Several statements in one simple query give one result each; callers get the last one, as psql shows. */
function lastResult(result: pg.QueryResult | pg.QueryResult[]): pg.QueryResult {
  return Array.isArray(result) ? (result.at(-1) as pg.QueryResult) : result;
}
