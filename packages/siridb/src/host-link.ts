import { ClientClosedError, type ConnError, type EventPublisher } from '@conn/core';
import type { SiriDBConnection } from './connection.js';
import type { SiriDBHost } from './options.js';

/** Opens one authenticated connection to a host; `onClose` must be wired to the link. */
export type OpenConnection = (
  host: SiriDBHost,
  onClose: (error: ConnError | undefined) => void,
  signal?: AbortSignal,
) => Promise<SiriDBConnection>;

/** What the client learns from a link. */
export interface HostLinkEvents {
  /** A connection to the host is ready (first connect or reconnect). */
  onAvailable(link: HostLink): void;
  /** A connect attempt failed (its error is `link.lastError`). */
  onFailure(link: HostLink): void;
}

const FIRST_RETRY_MS = 1_000;

/**
 * One host of the host list: its connection, and the reconnect loop that brings it back after
 * a failure (1 s, doubling up to `maxWaitRetryMs`, as the Python connector does). Every new
 * connection authenticates before anything else is sent on it.
 */
export class HostLink {
  readonly spec: SiriDBHost;
  readonly #open: OpenConnection;
  readonly #maxWaitRetryMs: number;
  readonly #listener: HostLinkEvents;
  readonly #events: EventPublisher;
  #connection: SiriDBConnection | undefined;
  #connecting: Promise<SiriDBConnection> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryDelayMs = FIRST_RETRY_MS;
  #closed = false;
  /** Aborts a connect or handshake in progress when the client closes, so close() never waits for it. */
  readonly #lifetime = new AbortController();
  /** The error of the last failed connect or of the last lost connection. */
  lastError: ConnError | undefined;

  constructor(
    spec: SiriDBHost,
    open: OpenConnection,
    options: { maxWaitRetryMs: number; listener: HostLinkEvents; events: EventPublisher },
  ) {
    this.spec = spec;
    this.#open = open;
    this.#maxWaitRetryMs = options.maxWaitRetryMs;
    this.#listener = options.listener;
    this.#events = options.events;
  }

  /** The open connection, if any. */
  get connection(): SiriDBConnection | undefined {
    return this.#connection?.isOpen ? this.#connection : undefined;
  }

  /** True while a reconnect is scheduled or running. */
  get reconnecting(): boolean {
    return this.#retryTimer !== undefined || this.#connecting !== undefined;
  }

  /** True while a connect attempt is under way. */
  get connecting(): boolean {
    return this.#connecting !== undefined;
  }

  /**
   * Connects now (sharing an attempt already under way). On failure the reconnect loop starts.
   * The attempt belongs to the link, bounded by the connect timeout: a caller who stops waiting
   * does not cancel it for the others.
   */
  connect(): Promise<SiriDBConnection> {
    const open = this.connection;
    if (open !== undefined) return Promise.resolve(open);
    if (this.#connecting !== undefined) return this.#connecting;
    if (this.#closed) return Promise.reject(new ClientClosedError('the SiriDB client is closed'));
    this.#clearRetryTimer();
    const attempt = this.#open(this.spec, (error) => this.#lost(attempt, error), this.#lifetime.signal).then(
      (connection) => {
        this.#connecting = undefined;
        if (this.#closed) {
          connection.destroy();
          throw new ClientClosedError('the SiriDB client is closed');
        }
        this.#connection = connection;
        this.#retryDelayMs = FIRST_RETRY_MS;
        this.lastError = undefined;
        this.#events.publish('host:connect', () => ({ host: this.spec.host, port: this.spec.port }));
        this.#listener.onAvailable(this);
        return connection;
      },
      (error: ConnError) => {
        this.#connecting = undefined;
        this.lastError = error;
        this.#scheduleRetry();
        this.#listener.onFailure(this);
        throw error;
      },
    );
    this.#connecting = attempt;
    return attempt;
  }

  /** Drops the current connection (e.g. after `71 not authenticated`); the loop reconnects it. */
  reset(error?: ConnError): void {
    this.#connection?.destroy(error);
  }

  /** Stops reconnecting and closes the connection after its requests in flight. */
  async close(timeoutMs?: number): Promise<void> {
    this.#closed = true;
    this.#clearRetryTimer();
    this.#lifetime.abort(new ClientClosedError('the SiriDB client is closed'));
    const connection = this.#connection;
    this.#connection = undefined;
    const connecting = this.#connecting;
    await Promise.all([
      connection?.close(timeoutMs),
      connecting?.then(
        (late) => late.destroy(),
        () => {},
      ),
    ]);
  }

  #lost(attempt: Promise<SiriDBConnection>, error: ConnError | undefined): void {
    // Only the connection this attempt produced counts; an older one may close late.
    void attempt.then(
      (connection) => {
        if (this.#connection !== connection) return;
        this.#connection = undefined;
        if (this.#closed) return;
        this.lastError = error;
        this.#events.publish('host:disconnect', () => ({
          host: this.spec.host,
          port: this.spec.port,
          error,
        }));
        this.#scheduleRetry();
      },
      () => {},
    );
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#retryTimer !== undefined) return;
    const delayMs = this.#retryDelayMs;
    this.#retryDelayMs = Math.min(this.#retryDelayMs * 2, this.#maxWaitRetryMs);
    this.#events.publish('host:reconnect-scheduled', () => ({
      host: this.spec.host,
      port: this.spec.port,
      delayMs,
    }));
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.connect().catch(() => {});
    }, delayMs);
    // Background work: a client nobody uses must not keep the process alive.
    this.#retryTimer.unref();
  }

  #clearRetryTimer(): void {
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }
}
