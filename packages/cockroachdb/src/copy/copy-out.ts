import { abortReason, createDeadline, type Deadline } from '@conn/core';
import type pg from 'pg';
import { to as copyToStream } from 'pg-copy-streams';
import { ClosingIterator } from '../closing-iterator.js';
import { CANCEL_GRACE_MS, type CockroachConnection } from '../connection.js';
import { type CopySession, nextReadyForQuery, settleStopped } from './session-idle.js';

type Readable = ReturnType<typeof copyToStream>;

/**
 * The raw text of one `COPY … TO STDOUT`, chunk by chunk. The socket is read only when the loop
 * asks for the next chunk, so the server waits for a slow consumer (TCP backpressure).
 *
 * Leaving early (`break`, a throw, the deadline) sends a CancelRequest and reads the rest of the
 * answer away until ReadyForQuery, so the session is idle and reusable; one that does not get
 * there within the cancel grace is destroyed instead.
 */
export class CopyOut extends ClosingIterator<Buffer> {
  private state: 'new' | 'open' | 'closed' = 'new';
  private session: CopySession | undefined;
  private deadline: Deadline | undefined;
  private readable: Readable | undefined;
  private failure: { error: unknown } | undefined;
  private ended = false;
  private idle: Promise<void> | undefined;
  private released: () => void = () => {};
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** The signal that stopped the COPY, once one did. */
  private abortedBy: AbortSignal | undefined;

  constructor(
    private readonly openSession: (signal: AbortSignal) => Promise<CopySession>,
    private readonly text: string,
    private readonly options: {
      readonly signal?: AbortSignal | undefined;
      readonly timeoutMs?: number | undefined;
    },
    /** Runs on the session before the COPY (the row decoder reads the column types there). */
    private readonly prepare?: (connection: CockroachConnection, signal: AbortSignal) => Promise<void>,
  ) {
    super();
  }

  async next(): Promise<IteratorResult<Buffer, undefined>> {
    try {
      if (this.state === 'new') await this.open();
      for (;;) {
        const readable = this.readable;
        if (this.state !== 'open' || readable === undefined) return { value: undefined, done: true };
        if (this.abortedBy !== undefined) throw abortReason(this.abortedBy, 'copyTo');
        if (this.failure !== undefined) throw this.failure.error;
        const chunk = readable.read() as Buffer | null;
        if (chunk !== null) return { value: chunk, done: false };
        if (this.ended) {
          await this.close();
          return { value: undefined, done: true };
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  private notify = (): void => {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  };

  private async open(): Promise<void> {
    this.state = 'open';
    this.deadline = createDeadline(this.options, { what: 'copyTo' });
    const signal = this.deadline.signal;
    this.session = await this.openSession(signal);
    const connection = this.session.connection;
    const sessionSignal = this.session.signal;
    const stopOn = sessionSignal === undefined ? signal : AbortSignal.any([signal, sessionSignal]);
    if (stopOn.aborted) throw abortReason(stopOn, 'copyTo');
    stopOn.addEventListener(
      'abort',
      () => {
        this.abortedBy = stopOn;
        this.notify();
      },
      { once: true },
    );
    await this.prepare?.(connection, stopOn);
    this.running = connection.runAlone(
      (client) =>
        new Promise<void>((resolve) => {
          this.released = resolve;
          this.start(client, connection);
        }),
    );
  }

  private start(client: pg.Client, connection: CockroachConnection): void {
    this.idle = nextReadyForQuery(client);
    const readable = copyToStream(this.text);
    this.readable = readable;
    readable.on('readable', this.notify);
    readable.once('end', () => {
      this.ended = true;
      this.notify();
    });
    readable.on('error', (error) => {
      this.failure ??= { error: connection.driverError(error) };
      // Never read again: after an error the socket belongs to pg.
      (readable as unknown as { connection: unknown }).connection = null;
      readable.destroy();
      this.notify();
    });
    client.query(readable);
  }

  protected override async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    const { session, readable } = this;
    try {
      if (wasOpen && readable !== undefined && this.idle !== undefined) {
        if (!this.ended && this.failure === undefined) {
          await session?.connection.cancel();
          await this.discardRest(readable);
        }
        if (session !== undefined) await settleStopped(session.connection, this.idle);
      }
    } finally {
      this.deadline?.dispose();
      this.released();
      await this.running?.catch(() => {});
      session?.finish();
    }
  }

  /** Reads the answer to its end (CopyDone, or the cancel's ErrorResponse) and throws it away. */
  private async discardRest(readable: Readable): Promise<void> {
    const session = this.session as CopySession;
    const grace = setTimeout(() => session.connection.destroy(), CANCEL_GRACE_MS);
    try {
      while (!this.ended && this.failure === undefined) {
        if (readable.read() !== null) continue;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      clearTimeout(grace);
    }
  }
}
