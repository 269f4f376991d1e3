import { createDeadline, type Deadline } from '@conn/core';
import type Cursor from 'pg-cursor';
import type { CockroachConnection } from './connection.js';
import type { StreamOptions } from './query-options.js';
import type { Statement } from './sql/statement.js';

/** Where a stream runs: a connection, and what to do with it once the stream ends. */
export interface StreamSession {
  readonly connection: CockroachConnection;
  /** Called once when the stream ends, however it ends (the portal is closed by then). */
  finish(): void;
}

/**
 * The rows of one statement, read through a portal one batch per round trip, and only when the
 * consumer has used up the previous batch. The portal is closed and the session handed back
 * however the loop ends (completion, `break`, a throw); `timeoutMs` covers the whole stream.
 *
 * A hand-written iterator rather than an async generator: rows already fetched are handed out
 * without the generator machinery, which costs more than parsing them.
 */
export class RowStream<T> implements AsyncIterableIterator<T> {
  private rows: T[] = [];
  private index = 0;
  private state: 'new' | 'open' | 'exhausted' | 'closed' = 'new';
  private session: StreamSession | undefined;
  private cursor: Cursor<T> | undefined;
  private deadline: Deadline | undefined;

  constructor(
    private readonly openSession: () => Promise<StreamSession>,
    private readonly statement: Statement,
    private readonly options: StreamOptions,
    private readonly batchSize: number,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.index < this.rows.length) {
      return Promise.resolve({ value: this.rows[this.index++] as T, done: false });
    }
    return this.fetch();
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    await this.close();
    return { value: undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<T, undefined>> {
    await this.close();
    throw error;
  }

  private async fetch(): Promise<IteratorResult<T, undefined>> {
    try {
      if (this.state === 'new') await this.open();
      if (this.state !== 'open' || this.session === undefined || this.cursor === undefined) {
        await this.close();
        return { value: undefined, done: true };
      }
      this.rows = await this.session.connection.readCursor(
        this.cursor,
        this.batchSize,
        this.deadline?.signal,
      );
      this.index = 0;
      if (this.rows.length < this.batchSize) this.state = 'exhausted';
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

  private async open(): Promise<void> {
    this.state = 'open';
    this.deadline = createDeadline(this.options, { what: 'stream' });
    this.session = await this.openSession();
    this.cursor = this.session.connection.openCursor(
      this.statement,
      this.options.rowMode === 'array' ? 'array' : undefined,
    ) as Cursor<T>;
  }

  private async close(): Promise<void> {
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
