import pg from 'pg';
import { boundValues } from '../pg-values.js';
import type { Statement } from '../sql/statement.js';
import { copyInStreamError, isCopyComplete } from './copy-refused.js';

/** pg's own row parser (`pg.Result`): rows come out typed exactly as `query()` types them. */
interface RowParser {
  addFields(fields: unknown[]): void;
  parseRow(fields: unknown[]): unknown;
  addCommandComplete(message: unknown): void;
}

/** The messages of pg's connection a query object sends. */
interface Wire {
  parse(message: { text: string }): void;
  bind(message: { values: unknown[] }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: { portal: string; rows: number }): void;
  sync(): void;
  sendCopyFail(message: string): void;
  stream: { cork?(): void; uncork?(): void };
}

const { Result } = pg as unknown as { Result: new (rowMode?: string) => RowParser };

/** Starts and stops the socket's reading (the session's {@link CockroachConnection.pauseReading}). */
export interface SocketFlow {
  pause(): void;
  resume(): void;
}

/** How much a feed queues before it stops reading the socket. */
export interface FeedLimits {
  readonly rows: number;
  /** Wire bytes of the queued rows. */
  readonly bytes: number;
}

/**
 * One statement sent once over the extended protocol with no row limit (a pg query object: pg
 * calls `submit` and the `handle*` methods). Rows are parsed as they arrive and queued; past the
 * limits the socket stops being read, so the server blocks on its writes until the consumer
 * {@link take}s the queue.
 */
export class RowFeed<T> {
  /** pg's `Client#query` fills in the session's type parsers here. */
  readonly _result: RowParser;
  /** `running` until ReadyForQuery (`complete`) or an ErrorResponse or lost socket (`failed`). */
  state: 'running' | 'complete' | 'failed' = 'running';
  /** What ended a `failed` feed, as pg reported it. */
  failure: unknown;
  private readonly values: unknown[];
  private queued: T[] = [];
  private queuedBytes = 0;
  private paused = false;
  private discarding = false;
  private waiter: (() => void) | undefined;
  /** Set once the statement turned out to be a COPY: the feed fails with it, whatever the server says. */
  private refused: Error | undefined;
  private settledWaiter: (() => void) | undefined;

  constructor(
    private readonly statement: Statement,
    rowMode: 'array' | undefined,
    private readonly flow: SocketFlow,
    private readonly limits: FeedLimits,
  ) {
    this._result = new Result(rowMode);
    // Mapped now: a value that cannot be sent throws here, before the session is touched.
    this.values = boundValues(statement.values);
  }

  /** True once the server is done with the statement. */
  get settled(): boolean {
    return this.state !== 'running';
  }

  submit(connection: Wire): void {
    connection.stream.cork?.();
    try {
      connection.parse({ text: this.statement.text });
      connection.bind({ values: this.values });
      connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '', rows: 0 });
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
  }

  /** The rows queued so far (the queue starts empty again and the socket is read again). */
  take(): T[] {
    const rows = this.queued;
    if (rows.length > 0) {
      this.queued = [];
      this.queuedBytes = 0;
    }
    this.resume();
    return rows;
  }

  /** Resolves when rows arrive or the feed settles. */
  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Resolves when the server is done with the statement (at once if it is). */
  whenSettled(): Promise<void> {
    if (this.settled) return Promise.resolve();
    return new Promise((resolve) => {
      this.settledWaiter = resolve;
    });
  }

  /** Wakes a {@link wait}er early (an abort). */
  wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  /** Drops queued rows and every row still to come, reading the socket freely until the end. */
  discard(): void {
    this.discarding = true;
    this.queued = [];
    this.queuedBytes = 0;
    this.resume();
  }

  handleRowDescription(message: { fields: unknown[] }): void {
    this._result.addFields(message.fields);
  }

  handleDataRow(message: { length: number; fields: unknown[] }): void {
    if (this.discarding) return;
    this.queued.push(this._result.parseRow(message.fields) as T);
    this.queuedBytes += message.length;
    if (!this.paused && (this.queued.length >= this.limits.rows || this.queuedBytes >= this.limits.bytes)) {
      this.paused = true;
      this.flow.pause();
    }
    if (this.waiter !== undefined) this.wake();
  }

  handleCommandComplete(message: unknown): void {
    // A COPY TO answers with CopyData, not rows: ending as if it returned none would be a wrong answer.
    if (isCopyComplete(message)) this.refused ??= copyInStreamError();
    this._result.addCommandComplete(message);
  }

  handleEmptyQuery(): void {}

  handlePortalSuspended(): void {
    // Not sent for an Execute without a row limit.
  }

  handleCopyInResponse(connection: Wire): void {
    this.refused ??= copyInStreamError();
    connection.sendCopyFail('COPY FROM STDIN cannot run in stream()');
    // The server swallowed the statement's Sync while in copy-in mode and, after the CopyFail,
    // skips everything up to the next Sync: without this one it would never be ready again.
    connection.sync();
  }

  handleCopyData(): void {
    this.refused ??= copyInStreamError();
  }

  handleError(error: unknown): void {
    this.failure = this.refused ?? error;
    this.state = 'failed';
    this.ended();
  }

  handleReadyForQuery(): void {
    if (this.state === 'running' && this.refused !== undefined) {
      this.failure = this.refused;
      this.state = 'failed';
    } else if (this.state === 'running') this.state = 'complete';
    this.ended();
  }

  private ended(): void {
    this.resume();
    this.wake();
    const settled = this.settledWaiter;
    this.settledWaiter = undefined;
    settled?.();
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.flow.resume();
  }
}
