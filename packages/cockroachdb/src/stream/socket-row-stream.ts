import { abortReason, createDeadline, type Deadline } from '@conn/core';
import { ClosingIterator } from '../closing-iterator.js';
import { CANCEL_GRACE_MS, type CockroachConnection } from '../connection.js';
import type { StreamOptions } from '../query-options.js';
import type { StreamSession } from '../result-stream.js';
import type { Statement } from '../sql/statement.js';
import { type FeedLimits, RowFeed } from './row-feed.js';

/** What a socket stream queues before it stops reading: one chunk more at most. */
export const SOCKET_STREAM_LIMITS: FeedLimits = Object.freeze({ rows: 10_000, bytes: 4 * 1024 * 1024 });

/**
 * The rows of one statement sent once, without a portal: the server streams the whole result and
 * the socket stops being read while the consumer is behind (`stream(…, { portal: false })`).
 * Leaving early (`break`, a throw, an abort, the deadline) cancels the statement on the server and
 * reads up to its end, so the session goes back idle; if it does not end within the cancel grace,
 * the session is destroyed instead.
 *
 * A hand-written iterator: queued rows are handed out without a promise chain per row.
 */
export class SocketRowStream<T> extends ClosingIterator<T> {
  private rows: T[] = [];
  private index = 0;
  private state: 'new' | 'open' | 'closed' = 'new';
  private interrupted = false;
  private session: StreamSession | undefined;
  private feed: RowFeed<T> | undefined;
  private deadline: Deadline | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly openSession: () => Promise<StreamSession>,
    private readonly statement: Statement,
    private readonly options: StreamOptions,
    private readonly limits: FeedLimits = SOCKET_STREAM_LIMITS,
  ) {
    super();
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.index < this.rows.length && !this.interrupted) {
      return Promise.resolve({ value: this.rows[this.index++] as T, done: false });
    }
    return this.refill();
  }

  private async refill(): Promise<IteratorResult<T, undefined>> {
    try {
      if (this.state === 'new') await this.open();
      for (;;) {
        this.throwIfInterrupted();
        const { feed, session } = this;
        if (this.state === 'closed' || feed === undefined || session === undefined) {
          return { value: undefined, done: true };
        }
        const rows = feed.take();
        if (rows.length > 0) {
          this.rows = rows;
          this.index = 1;
          return { value: rows[0] as T, done: false };
        }
        if (feed.state === 'failed') throw session.connection.driverError(feed.failure);
        if (feed.state === 'complete') {
          await this.close();
          return { value: undefined, done: true };
        }
        await feed.wait();
      }
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  private throwIfInterrupted(): void {
    const signal = this.deadline?.signal;
    if (this.interrupted && signal !== undefined) throw abortReason(signal, 'stream');
  }

  private async open(): Promise<void> {
    this.state = 'open';
    this.deadline = createDeadline(this.options, { what: 'stream' });
    this.deadline.signal.addEventListener('abort', this.onAbort, { once: true });
    this.throwIfInterrupted();
    const session = await this.openSession();
    if (this.closing !== undefined) {
      // Aborted while waiting for the session: the stream was shut down without it.
      session.finish();
      this.throwIfInterrupted();
      return;
    }
    this.session = session;
    const connection = session.connection;
    const feed = new RowFeed<T>(
      this.statement,
      this.options.rowMode === 'array' ? 'array' : undefined,
      { pause: () => connection.pauseReading(), resume: () => connection.resumeReading() },
      this.limits,
    );
    this.feed = feed;
    connection.submitExclusiveQuery(
      feed as unknown as Parameters<CockroachConnection['submitExclusiveQuery']>[0],
    );
  }

  /** The deadline passed or the caller aborted: stop the server now, even while the consumer is busy. */
  private readonly onAbort = (): void => {
    this.interrupted = true;
    void this.close();
    this.feed?.wake();
  };

  protected override close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.state = 'closed';
    this.rows = [];
    this.index = 0;
    const { session, feed } = this;
    try {
      if (session !== undefined && feed !== undefined && !feed.settled) {
        await stopStatement(session.connection, feed);
      }
    } finally {
      this.deadline?.signal.removeEventListener('abort', this.onAbort);
      this.deadline?.dispose();
      if (session !== undefined) {
        if (feed !== undefined) session.connection.endExclusiveQuery();
        session.finish();
      }
    }
  }
}

/**
 * Cancels the statement on the server and reads (discarding) up to its end. Both the cancel
 * request's delivery and the end are awaited, so a late cancel cannot hit the session's next
 * statement; past the grace the session is destroyed instead.
 */
async function stopStatement(connection: CockroachConnection, feed: RowFeed<unknown>): Promise<void> {
  feed.discard();
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), CANCEL_GRACE_MS);
  });
  try {
    const stopped = Promise.all([connection.cancel(), feed.whenSettled()]);
    if ((await Promise.race([stopped, graceOver])) === 'late') connection.destroy();
  } finally {
    clearTimeout(timer);
  }
}
