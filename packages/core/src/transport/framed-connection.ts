import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { abortReason, type CallOptions, type CancelSource, type RequestOptions } from '../abort.js';
import type { EventPublisher } from '../diagnostics.js';
import {
  ConfigError,
  type ConnError,
  ConnectionError,
  type ErrorDetails,
  isConnError,
  ProtocolError,
  TimeoutError,
} from '../errors/index.js';
import type { ConnectTarget } from './connect.js';
import type { FrameCodec } from './frame-codec.js';
import { FrameReader, NO_FRAME } from './frame-reader.js';
import { IdAllocator } from './id-allocator.js';
import { type FrameStream, ResponseStream } from './response-stream.js';
import { whenSocketClosed } from './socket-closed.js';

/**
 * How answers are matched to requests.
 * - `in-order`: the peer answers requests in the order they were written (ZTeraDB, ApertureDB).
 * - `by-id`: each request gets an id in `[0, maxId]` (passed to `codec.encode`), and the peer
 *   echoes it; `idOf` reads it from a decoded answer (SiriDB's pid). Answers may come in any order.
 */
export type Correlation<Res> =
  | { readonly mode: 'in-order' }
  | {
      readonly mode: 'by-id';
      /** The id an answer carries. */
      idOf(response: Res): number;
      /** Largest id, for example `0xffff` for a uint16 id. */
      readonly maxId: number;
      /** First id handed out. Default 0. */
      readonly firstId?: number | undefined;
    };

/** Why {@link FramedConnectionOptions.onUnmatched} received a frame. */
export interface UnmatchedInfo {
  /**
   * `'unknown-id'`: no request has this id (by-id mode). `'late'`: the answer (or a frame of it)
   * of a request whose caller gave up (timeout, abort, early exit from a stream).
   */
  readonly reason: 'unknown-id' | 'late';
  /** The frame's id in by-id mode. */
  readonly id: number | undefined;
}

/** Options of a {@link FramedConnection}. */
export interface FramedConnectionOptions<Req, Res> {
  /** Cuts frames and encodes/decodes messages. */
  codec: FrameCodec<Req, Res>;
  /** How answers are matched to requests. */
  correlation: Correlation<Res>;
  /** Timeout of a request whose call gives no `timeoutMs`. Default: none. */
  requestTimeoutMs?: number | undefined;
  /**
   * Most requests written and not yet answered; more wait (in order) for one to finish. Use 1 for
   * protocols that take one request at a time (ZTeraDB). Default: unlimited (by-id: `maxId + 1`).
   */
  maxInFlight?: number | undefined;
  /**
   * In-order mode, when a request that was already written is given up (timeout, abort): its
   * answer will still come and would be taken for the next request's. `'destroy'` (default)
   * closes the connection; `'discard'` keeps it and drops that answer (all its frames, up to
   * `isLast` for streams) when it arrives, which only works when the peer surely answers.
   * By-id mode always discards, and keeps the id unused until the late answer arrives.
   */
  onAbandoned?: 'destroy' | 'discard' | undefined;
  /**
   * Receives frames no caller waits for: late answers, and in by-id mode answers with an
   * unknown id. Otherwise they are ignored. Must not throw (a throw destroys the connection).
   * In in-order mode an unsolicited frame is a protocol error and destroys the connection.
   */
  onUnmatched?: ((response: Res, info: UnmatchedInfo) => void) | undefined;
  /**
   * Called once when the connection stops being usable: `undefined` after `close()`/`destroy()`
   * without an error, else the `ConnError` that ended it (peer closed, reset, protocol error,
   * out-of-sync timeout). Must not throw.
   */
  onClose?: ((error: ConnError | undefined) => void) | undefined;
  /** Host and port for error details. Default: the socket's remote address and port. */
  target?: ConnectTarget | undefined;
  /** Publishes `transport:close`, `transport:request-abandoned` and `transport:unmatched` when given. */
  events?: EventPublisher | undefined;
}

/** Options of {@link FramedConnection.requestStream}. */
export interface RequestStreamOptions<Res> extends CallOptions {
  /** True for the frame that ends the answer (it is yielded too), e.g. ZTeraDB's QUERY_COMPLETE. */
  isLast(response: Res): boolean;
  /** Frames buffered before the socket is paused until the consumer catches up. Default 16. */
  highWaterMark?: number | undefined;
  /**
   * What a `break` before the last frame does: `'drain'` (default) keeps the connection and
   * discards the rest of the answer as it arrives; `'destroy'` closes the connection.
   */
  onEarlyExit?: 'drain' | 'destroy' | undefined;
}

/** Options of {@link FramedConnection.close}. */
export interface CloseOptions {
  /** How long to wait for requests in flight before destroying the socket. Default 5 000 ms. */
  timeoutMs?: number | undefined;
}

/** Default of {@link CloseOptions.timeoutMs}. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
/** Default of {@link RequestStreamOptions.highWaterMark}. */
export const DEFAULT_STREAM_HIGH_WATER_MARK = 16;

type ExchangeState = 'waiting' | 'queued' | 'sent' | 'abandoned' | 'done';

/** One request and its answer, from acceptance to the last frame. */
interface Exchange<Req, Res> {
  readonly request: Req;
  state: ExchangeState;
  id: number | undefined;
  /** Handed to `socket.write`: the peer may have acted on it. */
  written: boolean;
  /** The request's own time limit (a plain timer: no AbortController per request). */
  timer: NodeJS.Timeout | undefined;
  /** The caller's signal or cancel source, and our listener on it, when the caller passed one. */
  signal: AbortSignal | undefined;
  cancel: CancelSource | undefined;
  onAbort: (() => void) | undefined;
  onCancel: ((reason: ConnError) => void) | undefined;
  /** Frames are delivered here; for single answers it resolves the call. */
  readonly deliver: (response: Res) => void;
  /** Rejects the call / fails the stream. */
  readonly fail: (error: ConnError) => void;
  /** For streams: true on the frame that ends the answer. Single answers end at once. */
  readonly isLast: ((response: Res) => boolean) | undefined;
  readonly stream: ResponseStream<Res> | undefined;
  readonly highWaterMark: number;
}

interface QueuedWrite<Req, Res> {
  readonly exchange: Exchange<Req, Res>;
  readonly chunks: Buffer | Buffer[];
}

/**
 * Requests and answers over one connected socket, framed by a {@link FrameCodec}.
 *
 * - Answers are matched in order or by id ({@link Correlation}); several requests may be in
 *   flight. Frames are cut from split or coalesced chunks without quadratic copying.
 * - Per-request timeouts and `AbortSignal`s; multi-frame answers as async iterables with
 *   backpressure ({@link FramedConnection.requestStream}).
 * - Writes respect socket backpressure: while `socket.write` reports a full buffer, further
 *   frames wait for `'drain'`, in order.
 * - When the socket dies every pending request is rejected with a `ConnectionError`
 *   (`CONN_CONNECTION_CLOSED`; `retryable` only when the request was never written, see
 *   `details.written`), and `onClose` is called.
 * - `close()` lets requests in flight finish (up to a timeout); no timer or socket outlives it.
 *
 * @typeParam Req - requests as the codec encodes them.
 * @typeParam Res - decoded frames.
 */
export class FramedConnection<Req, Res> implements AsyncDisposable {
  readonly #socket: Socket;
  readonly #codec: FrameCodec<Req, Res>;
  readonly #reader: FrameReader;
  /** The codec's `decodeAt`, its failures marked apart from the reader's; undefined without one. */
  readonly #decodeAt: ((source: Buffer, start: number, end: number) => Res) | undefined;
  readonly #idOf: ((response: Res) => number) | undefined;
  readonly #ids: IdAllocator | undefined;
  readonly #maxInFlight: number;
  readonly #requestTimeoutMs: number | undefined;
  readonly #discardAbandoned: boolean;
  readonly #onUnmatched: ((response: Res, info: UnmatchedInfo) => void) | undefined;
  readonly #onClose: ((error: ConnError | undefined) => void) | undefined;
  readonly #events: EventPublisher | undefined;
  readonly #target: ConnectTarget;
  readonly #closed: Promise<void>;

  #state: 'open' | 'closing' | 'closed' = 'open';
  /** Why the connection closed (`undefined` for a clean close by the client). */
  #closeReason: ConnError | undefined;
  #closedByClient = false;
  #lastActivityAt = performance.now();

  /** Accepted, waiting for a slot or an id. */
  #waiting: Exchange<Req, Res>[] = [];
  /** In-order mode: exchanges written or queued for writing, in write order. */
  #inFlight: Exchange<Req, Res>[] = [];
  /** By-id mode: exchanges holding an id. */
  readonly #byId = new Map<number, Exchange<Req, Res>>();
  /** Exchanges holding a slot (queued, sent or abandoned). */
  #active = 0;
  /** Of those, abandoned ones (given up, answer still expected). */
  #abandoned = 0;
  #pumping = false;

  #writeQueue: QueuedWrite<Req, Res>[] = [];
  #needDrain = false;
  /** A write went out in this tick: more writes in it are corked and leave together. */
  #wroteThisTick = false;
  #corked = false;

  /** Streams whose buffer is over their high-water mark. */
  readonly #readPausers = new Set<Exchange<Req, Res>>();
  #readPaused = false;
  #processing = false;

  #closePromise: Promise<void> | undefined;
  #idleListener: (() => void) | undefined;

  /**
   * Takes over a connected socket (from {@link connectSocket}); bytes already buffered in it are
   * read first.
   * @throws ConfigError on invalid options.
   */
  constructor(socket: Socket, options: FramedConnectionOptions<Req, Res>) {
    const { codec, correlation } = options;
    if (codec === undefined || typeof codec.frameLength !== 'function') {
      throw new ConfigError('codec is required', { field: 'codec' });
    }
    if (correlation?.mode === 'by-id') {
      if (typeof correlation.idOf !== 'function') {
        throw new ConfigError('correlation.idOf must be a function', { field: 'correlation.idOf' });
      }
      this.#idOf = correlation.idOf;
      this.#ids = new IdAllocator(correlation.maxId, correlation.firstId ?? 0);
    } else if (correlation?.mode !== 'in-order') {
      throw new ConfigError("correlation.mode must be 'in-order' or 'by-id'", { field: 'correlation.mode' });
    }
    const maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY;
    if (
      !(maxInFlight === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxInFlight) && maxInFlight >= 1))
    ) {
      throw new ConfigError('maxInFlight must be a positive integer', { field: 'maxInFlight' });
    }
    if (
      options.onAbandoned !== undefined &&
      options.onAbandoned !== 'destroy' &&
      options.onAbandoned !== 'discard'
    ) {
      throw new ConfigError("onAbandoned must be 'destroy' or 'discard'", { field: 'onAbandoned' });
    }
    const requestTimeoutMs = options.requestTimeoutMs;
    if (
      requestTimeoutMs !== undefined &&
      (typeof requestTimeoutMs !== 'number' || !Number.isFinite(requestTimeoutMs) || requestTimeoutMs < 0)
    ) {
      throw new ConfigError('requestTimeoutMs must be a non-negative finite number', {
        field: 'requestTimeoutMs',
      });
    }
    this.#socket = socket;
    this.#codec = codec;
    this.#reader = new FrameReader(codec);
    const { decodeAt } = codec;
    this.#decodeAt =
      decodeAt === undefined
        ? undefined
        : (source, start, end) => {
            try {
              return decodeAt.call(codec, source, start, end);
            } catch (error) {
              throw new DecodeFailure(error);
            }
          };
    this.#maxInFlight = maxInFlight;
    this.#requestTimeoutMs = requestTimeoutMs;
    this.#discardAbandoned = options.onAbandoned === 'discard';
    this.#onUnmatched = options.onUnmatched;
    this.#onClose = options.onClose;
    this.#events = options.events;
    this.#target = options.target ?? {
      host: socket.remoteAddress ?? 'unknown',
      port: socket.remotePort ?? 0,
    };
    this.#closed = whenSocketClosed(socket);

    socket.on('data', this.#onData);
    socket.on('drain', this.#onDrain);
    socket.on('error', this.#onError);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onSocketClose);
    if (socket.destroyed) {
      this.#teardown(closedError('the socket was already closed', this.#target));
    } else {
      socket.resume();
    }
  }

  /** True until the connection starts closing or fails. */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** `performance.now()` of the last frame written or bytes received (for keepalive pings). */
  get lastActivityAt(): number {
    return this.#lastActivityAt;
  }

  /** Requests whose callers still wait (queued, written, or streaming). */
  get pendingCount(): number {
    return this.#waiting.length + this.#active - this.#abandoned;
  }

  /** Why the connection closed, once closed: `undefined` for a clean close. */
  get closeReason(): ConnError | undefined {
    return this.#closeReason;
  }

  /** Resolves when the socket has emitted `'close'`. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /**
   * Sends one request and resolves with its (single-frame) answer.
   * @throws ConnectionError `CONN_CONNECTION_CLOSED` when the connection dies first,
   * `CONN_CLIENT_CLOSED` after `close()`; TimeoutError `CONN_REQUEST_TIMEOUT`; AbortError;
   * ProtocolError; or what `codec.encode` throws.
   */
  request(request: Req, options: RequestOptions = {}): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const exchange: Exchange<Req, Res> = {
        request,
        state: 'waiting',
        id: undefined,
        written: false,
        timer: undefined,
        signal: undefined,
        cancel: undefined,
        onAbort: undefined,
        onCancel: undefined,
        deliver: resolve,
        fail: reject,
        isLast: undefined,
        stream: undefined,
        highWaterMark: 0,
      };
      this.#admit(exchange, options);
    });
  }

  /**
   * Sends one request whose answer spans several frames, ending with the frame for which
   * `isLast` is true (yielded too). The request is sent on the first `next()`. When more than
   * `highWaterMark` frames wait for the consumer, the socket is paused until it catches up.
   * Leaving the loop early discards the rest of the answer (or destroys the connection, see
   * `onEarlyExit`). `timeoutMs` limits the time until the last frame arrives.
   */
  requestStream(request: Req, options: RequestStreamOptions<Res>): FrameStream<Res> {
    const { isLast } = options;
    if (typeof isLast !== 'function') throw new ConfigError('isLast must be a function', { field: 'isLast' });
    const highWaterMark = options.highWaterMark ?? DEFAULT_STREAM_HIGH_WATER_MARK;
    if (!Number.isSafeInteger(highWaterMark) || highWaterMark < 0) {
      throw new ConfigError('highWaterMark must be a non-negative integer', { field: 'highWaterMark' });
    }
    const destroyOnExit = options.onEarlyExit === 'destroy';
    let exchange: Exchange<Req, Res> | undefined;
    const stream: ResponseStream<Res> = new ResponseStream<Res>({
      start: () => {
        exchange = {
          request,
          state: 'waiting',
          id: undefined,
          written: false,
          timer: undefined,
          signal: undefined,
          cancel: undefined,
          onAbort: undefined,
          onCancel: undefined,
          deliver: (response) => stream.push(response, false),
          fail: (error) => stream.fail(error, !(error instanceof ConnectionError)),
          isLast,
          stream,
          highWaterMark,
        };
        this.#admit(exchange, options);
      },
      consumed: (buffered) => {
        if (exchange !== undefined && buffered <= exchange.highWaterMark) this.#unpauseFor(exchange);
      },
      cancel: () => {
        if (exchange === undefined || exchange.state === 'done' || exchange.state === 'abandoned') return;
        if (destroyOnExit && exchange.written) {
          this.#finish(exchange);
          this.#teardown(undefined);
          return;
        }
        this.#abandon(exchange, undefined);
      },
    });
    return stream;
  }

  /**
   * Stops taking requests (they fail with `CONN_CLIENT_CLOSED`), waits up to `timeoutMs` for
   * requests in flight, then closes the socket (ending it cleanly, or destroying it when requests
   * are still pending, which then fail with `CONN_CLIENT_CLOSED`). Resolves after the socket's
   * `'close'`. Calling it again returns the same promise.
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (this.#closePromise !== undefined) return this.#closePromise;
    const timeoutMs = options.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
      return Promise.reject(
        new ConfigError('timeoutMs must be a non-negative number', { field: 'timeoutMs' }),
      );
    }
    this.#closePromise = this.#closeGracefully(timeoutMs);
    return this.#closePromise;
  }

  /**
   * Closes the socket at once. Pending requests fail with `CONN_CONNECTION_CLOSED` (cause:
   * `error`); `onClose` receives `error`. Await {@link FramedConnection.closed} for the socket's
   * `'close'`.
   */
  destroy(error?: ConnError): void {
    if (this.#state !== 'closed' && error === undefined) this.#closedByClient = true;
    this.#teardown(error);
  }

  /** Same as {@link FramedConnection.close} with default options. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- admission and writing ---------------------------------------------------------------

  #admit(exchange: Exchange<Req, Res>, options: RequestOptions): void {
    if (this.#state !== 'open') {
      exchange.state = 'done';
      exchange.fail(this.#refusal());
      return;
    }
    const timeoutMs = options.timeoutMs ?? this.#requestTimeoutMs;
    if (
      timeoutMs !== undefined &&
      (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0)
    ) {
      exchange.state = 'done';
      exchange.fail(
        new ConfigError(`timeoutMs must be a non-negative number, got ${String(timeoutMs)}`, {
          field: 'timeoutMs',
        }),
      );
      return;
    }
    const signal = options.signal;
    if (signal?.aborted) {
      exchange.state = 'done';
      exchange.fail(abortReason(signal, 'request'));
      return;
    }
    const cancel = (options as RequestOptions).cancel;
    if (cancel?.reason !== undefined) {
      exchange.state = 'done';
      exchange.fail(cancel.reason);
      return;
    }
    // Ref'd: somebody awaits this answer, so the process must stay alive until it settles.
    if (timeoutMs !== undefined && timeoutMs !== Number.POSITIVE_INFINITY) {
      exchange.timer = setTimeout(() => {
        exchange.timer = undefined;
        this.#abandon(
          exchange,
          new TimeoutError(`request timed out after ${timeoutMs} ms`, {
            code: 'CONN_REQUEST_TIMEOUT',
            details: { timeoutMs },
          }),
        );
      }, timeoutMs);
    }
    if (signal !== undefined) {
      exchange.signal = signal;
      exchange.onAbort = () => this.#abandon(exchange, abortReason(signal, 'request'));
      signal.addEventListener('abort', exchange.onAbort, { once: true });
    } else if (cancel !== undefined) {
      exchange.cancel = cancel;
      exchange.onCancel = (reason) => this.#abandon(exchange, reason);
      cancel.onCancel(exchange.onCancel);
    }
    this.#waiting.push(exchange);
    this.#pump();
  }

  /** Moves waiting exchanges to the write queue while slots and ids allow. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#waiting.length > 0 && this.#state !== 'closed' && this.#active < this.#maxInFlight) {
        let id: number | undefined;
        if (this.#ids !== undefined) {
          id = this.#ids.allocate();
          if (id === undefined) break;
          const stale = this.#byId.get(id);
          if (stale !== undefined) {
            // Ids ran out and a quarantined id is reused: its late answer can no longer be told
            // apart. Drop the abandoned exchange without releasing the id it no longer owns.
            this.#byId.delete(id);
            this.#retire(stale);
          }
        }
        const exchange = this.#waiting.shift() as Exchange<Req, Res>;
        exchange.id = id;
        let chunks: Buffer | Buffer[];
        try {
          chunks = this.#codec.encode(exchange.request, id);
        } catch (error) {
          if (id !== undefined) this.#ids?.release(id);
          this.#finish(exchange);
          exchange.fail(error as ConnError);
          continue;
        }
        exchange.state = 'queued';
        this.#active += 1;
        if (id !== undefined) this.#byId.set(id, exchange);
        else this.#inFlight.push(exchange);
        if (this.#needDrain || this.#writeQueue.length > 0) this.#writeQueue.push({ exchange, chunks });
        else this.#write(exchange, chunks);
      }
    } finally {
      this.#pumping = false;
    }
  }

  #write(exchange: Exchange<Req, Res>, chunks: Buffer | Buffer[]): void {
    exchange.state = 'sent';
    exchange.written = true;
    this.#lastActivityAt = performance.now();
    const socket = this.#socket;
    // The first write of a tick goes out at once (no added latency for one request); later ones
    // in the same tick are corked and leave in one writev at the end of the tick (many requests
    // in flight then cost one system call instead of one each).
    if (!this.#wroteThisTick) {
      this.#wroteThisTick = true;
      process.nextTick(this.#endTick);
    } else if (!this.#corked) {
      this.#corked = true;
      socket.cork();
    }
    let ok: boolean;
    if (Array.isArray(chunks)) {
      ok = true;
      if (chunks.length > 1) socket.cork();
      for (const chunk of chunks) ok = socket.write(chunk);
      if (chunks.length > 1) socket.uncork();
      ok = ok && !socket.writableNeedDrain;
    } else {
      ok = socket.write(chunks);
    }
    if (!ok) this.#needDrain = true;
  }

  readonly #endTick = (): void => {
    this.#wroteThisTick = false;
    if (!this.#corked) return;
    this.#corked = false;
    this.#socket.uncork();
  };

  readonly #onDrain = (): void => {
    this.#needDrain = false;
    while (!this.#needDrain && this.#writeQueue.length > 0 && this.#state !== 'closed') {
      const { exchange, chunks } = this.#writeQueue.shift() as QueuedWrite<Req, Res>;
      if (exchange.state === 'queued') this.#write(exchange, chunks);
    }
  };

  // ---- reading -----------------------------------------------------------------------------

  readonly #onData = (chunk: Buffer): void => {
    this.#lastActivityAt = performance.now();
    this.#reader.push(chunk);
    this.#processFrames();
  };

  #processFrames(): void {
    if (this.#processing) return;
    this.#processing = true;
    try {
      while (this.#state !== 'closed' && !this.#readPaused) {
        const response =
          this.#decodeAt === undefined ? this.#nextViaView() : this.#nextInPlace(this.#decodeAt);
        if (response === NO_FRAME) return;
        this.#dispatch(response);
      }
    } finally {
      this.#processing = false;
    }
  }

  /** The next frame decoded from a view of it; `NO_FRAME` when none is whole (or reading failed). */
  #nextViaView(): Res | typeof NO_FRAME {
    let frame: Buffer | undefined;
    try {
      frame = this.#reader.next();
    } catch (error) {
      this.#protocolFailure(error, 'bad frame', this.#inOrderHead());
      return NO_FRAME;
    }
    if (frame === undefined) return NO_FRAME;
    try {
      return this.#codec.decode(frame);
    } catch (error) {
      this.#protocolFailure(error, 'malformed frame', this.#inOrderHead());
      return NO_FRAME;
    }
  }

  /** The next frame decoded where it lies in the received chunk; as {@link #nextViaView}. */
  #nextInPlace(decodeAt: (source: Buffer, start: number, end: number) => Res): Res | typeof NO_FRAME {
    try {
      return this.#reader.nextDecoded(decodeAt);
    } catch (error) {
      if (error instanceof DecodeFailure)
        this.#protocolFailure(error.cause, 'malformed frame', this.#inOrderHead());
      else this.#protocolFailure(error, 'bad frame', this.#inOrderHead());
      return NO_FRAME;
    }
  }

  #dispatch(response: Res): void {
    let exchange: Exchange<Req, Res> | undefined;
    let id: number | undefined;
    if (this.#idOf !== undefined) {
      try {
        id = this.#idOf(response);
      } catch (error) {
        this.#protocolFailure(error, 'cannot read the id of a frame');
        return;
      }
      exchange = this.#byId.get(id);
      if (exchange === undefined || exchange.state === 'queued') {
        this.#unmatched(response, { reason: 'unknown-id', id });
        return;
      }
    } else {
      exchange = this.#inFlight[0];
      if (exchange === undefined || exchange.state === 'queued') {
        this.#protocolFailure(
          new ProtocolError('unsolicited frame: no request is waiting for an answer', {
            details: { ...this.#target },
          }),
          'unsolicited frame',
        );
        return;
      }
    }
    let last = true;
    if (exchange.isLast !== undefined) {
      try {
        last = exchange.isLast(response);
      } catch (error) {
        this.#protocolFailure(error, 'isLast failed on a frame');
        return;
      }
    }
    if (exchange.state === 'abandoned') {
      if (last) this.#retire(exchange);
      this.#unmatched(response, { reason: 'late', id });
      return;
    }
    if (last) this.#retire(exchange);
    if (exchange.stream !== undefined) {
      exchange.stream.push(response, last);
      if (!last && exchange.stream.buffered > exchange.highWaterMark) this.#pauseFor(exchange);
    } else {
      exchange.deliver(response);
    }
  }

  #unmatched(response: Res, info: UnmatchedInfo): void {
    this.#events?.publish('transport:unmatched', () => ({ ...this.#target, ...info }));
    if (this.#onUnmatched === undefined) return;
    try {
      this.#onUnmatched(response, info);
    } catch (error) {
      this.#protocolFailure(error, 'onUnmatched failed');
    }
  }

  #inOrderHead(): Exchange<Req, Res> | undefined {
    const head = this.#inFlight[0];
    return head?.state === 'sent' ? head : undefined;
  }

  #pauseFor(exchange: Exchange<Req, Res>): void {
    this.#readPausers.add(exchange);
    if (!this.#readPaused) {
      this.#readPaused = true;
      this.#socket.pause();
    }
  }

  #unpauseFor(exchange: Exchange<Req, Res>): void {
    if (!this.#readPausers.delete(exchange) || this.#readPausers.size > 0 || !this.#readPaused) return;
    this.#readPaused = false;
    // Frames already received go first; they may pause reading again.
    this.#processFrames();
    if (!this.#readPaused && this.#state !== 'closed') this.#socket.resume();
  }

  // ---- ends of exchanges ---------------------------------------------------------------------

  /** The caller gave up (timeout, abort, early exit when `error` is undefined). */
  #abandon(exchange: Exchange<Req, Res>, error: ConnError | undefined): void {
    const { state } = exchange;
    if (state === 'done') return;
    if (state === 'waiting' || state === 'queued') {
      // Never written: forget it, nothing is out of sync.
      if (state === 'waiting') removeItem(this.#waiting, exchange);
      this.#retire(exchange);
      if (error !== undefined) exchange.fail(this.#callerError(exchange, error));
      return;
    }
    if (state === 'abandoned') {
      // A stream being drained after an early exit, and its deadline fired.
      if (error !== undefined && exchange.id === undefined && !this.#discardAbandoned) this.#outOfSync(error);
      return;
    }
    // Written: its answer will still come.
    exchange.state = 'abandoned';
    this.#abandoned += 1;
    if (exchange.id !== undefined) this.#ids?.quarantine(exchange.id);
    if (error !== undefined) exchange.fail(this.#callerError(exchange, error));
    this.#events?.publish('transport:request-abandoned', () => ({
      ...this.#target,
      id: exchange.id,
      reason: error?.code ?? 'early-exit',
    }));
    if (error !== undefined && exchange.id === undefined && !this.#discardAbandoned) {
      this.#outOfSync(error);
      return;
    }
    this.#unpauseFor(exchange);
    if (this.#idleListener !== undefined && this.pendingCount === 0) this.#idleListener();
  }

  /** In in-order mode a given-up answer would be taken for the next request's: close. */
  #outOfSync(cause: ConnError): void {
    this.#teardown(
      new ConnectionError('connection closed: an answer was given up, so later answers would be mismatched', {
        code: 'CONN_CONNECTION_CLOSED',
        cause,
        details: { ...this.#target },
      }),
    );
  }

  /** The exchange no longer holds a slot, an id, a timer or a pause. */
  #retire(exchange: Exchange<Req, Res>): void {
    const previous = exchange.state;
    this.#finish(exchange);
    if (previous === 'queued' || previous === 'sent' || previous === 'abandoned') {
      this.#active -= 1;
      if (exchange.id !== undefined) {
        if (this.#byId.get(exchange.id) === exchange) {
          this.#byId.delete(exchange.id);
          this.#ids?.release(exchange.id);
        }
      } else if (this.#inFlight[0] === exchange) {
        this.#inFlight.shift();
      } else {
        removeItem(this.#inFlight, exchange);
      }
    }
    if (this.#readPausers.has(exchange)) this.#unpauseFor(exchange);
    if (this.#state !== 'closed') {
      this.#pump();
      if (this.#idleListener !== undefined && this.pendingCount === 0) this.#idleListener();
    }
  }

  #finish(exchange: Exchange<Req, Res>): void {
    if (exchange.state === 'abandoned') this.#abandoned -= 1;
    exchange.state = 'done';
    if (exchange.timer !== undefined) {
      clearTimeout(exchange.timer);
      exchange.timer = undefined;
    }
    if (exchange.onAbort !== undefined) {
      exchange.signal?.removeEventListener('abort', exchange.onAbort);
      exchange.onAbort = undefined;
    }
    if (exchange.onCancel !== undefined) {
      exchange.cancel?.offCancel(exchange.onCancel);
      exchange.onCancel = undefined;
    }
  }

  /** The error a caller gets for its own timeout or abort. */
  #callerError(exchange: Exchange<Req, Res>, error: ConnError): ConnError {
    if (!(error instanceof TimeoutError)) return error;
    return new TimeoutError(error.message, {
      code: error.code,
      // Never written: nothing happened on the server, so trying again is safe.
      retryable: !exchange.written,
      details: { ...error.details, ...this.#target, written: exchange.written, ...idDetail(exchange) },
    });
  }

  #refusal(): ConnectionError {
    if (this.#closedByClient || this.#state === 'closing') {
      return new ConnectionError('the connection was closed by the client', {
        code: 'CONN_CLIENT_CLOSED',
        retryable: false,
        details: { ...this.#target },
      });
    }
    return new ConnectionError('the connection is closed', {
      code: 'CONN_CONNECTION_CLOSED',
      cause: this.#closeReason,
      details: { ...this.#target, written: false },
    });
  }

  // ---- closing ---------------------------------------------------------------------------------

  async #closeGracefully(timeoutMs: number): Promise<void> {
    if (this.#state === 'open') {
      this.#state = 'closing';
      this.#closedByClient = true;
    }
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    try {
      if (this.#state === 'closing' && this.pendingCount > 0) {
        const idle = new Promise<void>((resolve) => {
          this.#idleListener = resolve;
        });
        await Promise.race([idle, expired]);
        this.#idleListener = undefined;
      }
      if (this.#state === 'closing') {
        if (this.pendingCount > 0) {
          this.#teardown(
            new ConnectionError(
              `connection closed by the client after waiting ${timeoutMs} ms for requests`,
              {
                code: 'CONN_CLIENT_CLOSED',
                retryable: false,
                details: { ...this.#target, timeoutMs },
              },
            ),
          );
        } else {
          this.#teardown(undefined, true);
        }
      }
      // A peer that never reads could hold a clean end forever: the same time limit applies.
      await Promise.race([this.#closed, expired]);
      this.#socket.destroy();
      await this.#closed;
    } finally {
      clearTimeout(timer);
    }
  }

  readonly #onError = (error: Error): void => {
    const code = (error as NodeJS.ErrnoException).code;
    this.#teardown(
      new ConnectionError(
        `connection to ${this.#target.host}:${this.#target.port} failed: ${error.message}`,
        {
          code: 'CONN_CONNECTION_CLOSED',
          cause: error,
          details: { ...this.#target, ...(code === undefined ? {} : { errorCode: code }) },
        },
      ),
    );
  };

  readonly #onEnd = (): void => {
    this.#teardown(closedError('connection closed by the peer', this.#target));
  };

  readonly #onSocketClose = (): void => {
    this.#teardown(closedError('connection closed', this.#target));
  };

  #protocolFailure(error: unknown, what: string, culprit?: Exchange<Req, Res>): void {
    const failure = isConnError(error)
      ? error
      : new ProtocolError(`${what}: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
          details: { ...this.#target },
        });
    this.#teardown(failure, false, culprit);
  }

  /**
   * Ends the connection once: fails every pending exchange, releases timers and pauses, closes
   * the socket (`graceful`: end it after the last write) and calls `onClose(reason)`.
   */
  #teardown(reason: ConnError | undefined, graceful = false, culprit?: Exchange<Req, Res>): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#closeReason = reason;
    const exchanges = [...this.#waiting, ...this.#inFlight, ...this.#byId.values()];
    this.#waiting = [];
    this.#inFlight = [];
    this.#byId.clear();
    this.#writeQueue = [];
    this.#readPausers.clear();
    for (const exchange of exchanges) {
      const wasLive = exchange.state !== 'abandoned' && exchange.state !== 'done';
      this.#finish(exchange);
      if (exchange.id !== undefined) this.#ids?.release(exchange.id);
      if (!wasLive) continue;
      exchange.fail(
        exchange === culprit && reason !== undefined ? reason : this.#pendingError(exchange, reason),
      );
    }
    this.#active = 0;
    this.#abandoned = 0;
    const socket = this.#socket;
    if (graceful && !socket.destroyed) {
      socket.end(() => socket.destroy());
    } else {
      socket.destroy();
    }
    this.#idleListener?.();
    this.#events?.publish('transport:close', () => ({ ...this.#target, error: reason }));
    try {
      this.#onClose?.(reason);
    } catch {
      // onClose must not throw; the connection is closed either way.
    }
  }

  #pendingError(exchange: Exchange<Req, Res>, reason: ConnError | undefined): ConnectionError {
    const byClient = reason === undefined ? this.#closedByClient : reason.code === 'CONN_CLIENT_CLOSED';
    const written = exchange.written;
    const message = `${byClient ? 'connection closed by the client' : 'connection closed'} before the answer arrived (${
      written ? 'the request was sent and may have been executed' : 'the request was not sent'
    })`;
    return new ConnectionError(message, {
      code: byClient ? 'CONN_CLIENT_CLOSED' : 'CONN_CONNECTION_CLOSED',
      cause: reason,
      retryable: !written,
      details: { ...this.#target, written, ...idDetail(exchange) },
    });
  }
}

function closedError(message: string, target: ConnectTarget): ConnectionError {
  return new ConnectionError(`${message} (${target.host}:${target.port})`, {
    code: 'CONN_CONNECTION_CLOSED',
    details: { ...target },
  });
}

function idDetail(exchange: { id: number | undefined }): ErrorDetails {
  return exchange.id === undefined ? {} : { requestId: exchange.id };
}

function removeItem<T>(items: T[], item: T): void {
  const index = items.indexOf(item);
  if (index !== -1) items.splice(index, 1);
}

/** A failure of the codec's `decodeAt`, told apart from the reader's own (a bad header). */
class DecodeFailure {
  constructor(readonly cause: unknown) {}
}
