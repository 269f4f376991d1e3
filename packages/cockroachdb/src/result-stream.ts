import { createDeadline, type Deadline } from '@conn/core';
import { ClosingIterator } from './closing-iterator.js';
import type { CockroachConnection } from './connection.js';
import { boundValues } from './pg-values.js';
import type { StreamOptions } from './query-options.js';
import type { Statement } from './sql/statement.js';
import { type BatchPlan, nextBatchSize } from './stream/batch-size.js';
import { MeasuredCursor } from './stream/measured-cursor.js';

/** Where a stream runs: a connection, and what to do with it once the stream ends. */
export interface StreamSession {
  readonly connection: CockroachConnection;
  /** Called once when the stream ends, however it ends (the portal is closed by then). */
  finish(): void;
}

/**
 * The rows of one statement, read through a portal one batch per round trip, and only when the
 * consumer has used up the previous batch. Without an explicit `batchSize` the batches grow (see
 * {@link nextBatchSize}), bounded by their bytes. The portal is closed and the session handed back
 * however the loop ends (completion, `break`, a throw); `timeoutMs` covers the whole stream.
 *
 * A hand-written iterator rather than an async generator: rows already fetched are handed out
 * without the generator machinery, which costs more than parsing them.
 */
export class RowStream<T> extends ClosingIterator<T> {
  private rows: T[] = [];
  private index = 0;
  private state: 'new' | 'open' | 'exhausted' | 'closed' = 'new';
  private session: StreamSession | undefined;
  private cursor: MeasuredCursor<T> | undefined;
  private deadline: Deadline | undefined;
  private batchSize: number;
  /** The open or the read under way, so {@link abandon} never closes the portal under it. */
  private pending: Promise<unknown> | undefined;
  /** Why the stream was ended from outside ({@link abandon}): every later read fails with it. */
  private failure: unknown;

  constructor(
    private readonly openSession: () => Promise<StreamSession>,
    private readonly statement: Statement,
    private readonly options: StreamOptions,
    private readonly plan: BatchPlan,
  ) {
    super();
    this.batchSize = plan.initial;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.index < this.rows.length) {
      return Promise.resolve({ value: this.rows[this.index++] as T, done: false });
    }
    return this.fetch();
  }

  /**
   * Ends the stream from outside (its transaction is ending): waits for a read under way, closes
   * the portal, and makes every later `next()` reject with `error` rather than end as if complete.
   */
  async abandon(error: unknown): Promise<void> {
    this.failure ??= error;
    await this.pending?.catch(() => undefined);
    await this.close();
  }

  private async fetch(): Promise<IteratorResult<T, undefined>> {
    try {
      if (this.failure !== undefined) throw this.failure;
      if (this.state === 'new') await this.track(this.open());
      if (this.state !== 'open' || this.session === undefined || this.cursor === undefined) {
        await this.close();
        if (this.failure !== undefined) throw this.failure;
        return { value: undefined, done: true };
      }
      const cursor = this.cursor;
      const bytesBefore = cursor.bytesRead;
      this.rows = await this.track(
        this.session.connection.readCursor(cursor, this.batchSize, this.deadline?.signal),
      );
      this.index = 0;
      if (this.rows.length < this.batchSize) this.state = 'exhausted';
      else {
        const bytes = cursor.bytesRead - bytesBefore;
        this.batchSize = nextBatchSize(this.plan, this.batchSize, this.rows.length, bytes);
      }
      if (this.rows.length === 0) {
        await this.close();
        return { value: undefined, done: true };
      }
      return { value: this.rows[this.index++] as T, done: false };
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  private async track<R>(work: Promise<R>): Promise<R> {
    this.pending = work;
    try {
      return await work;
    } finally {
      this.pending = undefined;
    }
  }

  private async open(): Promise<void> {
    this.state = 'open';
    this.deadline = createDeadline(this.options, { what: 'stream' });
    // Mapped before the session is taken: pg-cursor would throw a value's TypeError from inside pg.
    const values = boundValues(this.statement.values);
    this.session = await this.openSession();
    const cursor = new MeasuredCursor<T>(
      this.statement.text,
      values,
      this.options.rowMode === 'array' ? { rowMode: 'array' } : {},
    );
    this.cursor = this.session.connection.submitExclusiveQuery(cursor);
  }

  protected override async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.rows = [];
    this.deadline?.dispose();
    const { session, cursor } = this;
    if (session === undefined) return;
    try {
      if (cursor !== undefined) await session.connection.closeCursor(cursor);
    } finally {
      session.finish();
    }
  }
}
