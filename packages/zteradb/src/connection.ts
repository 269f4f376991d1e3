import type { Socket } from 'node:net';
import {
  type CancelSource,
  type ConnError,
  ConnectionError,
  connectSocket,
  FramedConnection,
  ProtocolError,
  type RequestStreamOptions,
  type Secret,
  type TlsOptions,
} from '@conn/core';
import type { ResolvedZTeraDBOptions } from './options.js';
import { buildConnectRequest } from './protocol/connect-request.js';
import { zteradbClientCodec } from './protocol/frame-codec.js';
import { HandshakeReader, type ZTeraDBSession } from './protocol/handshake.js';
import type { JsonObject, WireObject } from './protocol/json.js';
import { buildCancelRequest, buildQueryRequest } from './protocol/query-request.js';
import { ResponseCode } from './protocol/response-codes.js';
import type { ResponseEnvelope } from './protocol/response-envelope.js';
import type { QueryPlan } from './query-plan.js';
import { type AnswerEvent, AnswerReader } from './stream/answer-reader.js';

/**
 * What {@link ZTeraDBConnection.query} yields: a select's rows in batches (those received
 * together, in order), or the one result of the others.
 */
export type ZTeraDBQueryEvent =
  | { readonly type: 'rows'; readonly rows: JsonObject[] }
  | Extract<AnswerEvent, { readonly type: 'result' }>;

/** Options of one {@link ZTeraDBConnection.query}. */
export interface ZTeraDBQueryCallOptions {
  /** The call's end (deadline or abort) told cheaply; see core's `CancelSource`. */
  readonly cancel?: CancelSource | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Time limit until the answer's last frame. Default: none with `cancel`, else the options' `timeoutMs`. */
  readonly timeoutMs?: number | undefined;
}

/**
 * A session token this close to its expiry is not used for another query: the connection is
 * replaced (re-authenticated) instead, leaving room for clock skew and for the query itself.
 */
const TOKEN_RENEW_MARGIN_MS = 30_000;

/**
 * After an early exit, at most this many frames are read and dropped to reach QUERY_COMPLETE
 * (within `completeGraceMs`) and keep the connection; past it a new connection is cheaper.
 */
const DRAIN_FRAME_LIMIT = 1_024;

/**
 * Frames decoded ahead of the reader before the socket is paused: a turn's batch of rows, not so
 * many that a slow loop lets memory grow (the row feed adds as many again).
 */
const FRAMES_AHEAD = 512;

/** What the frames taken in one turn held. */
interface AnswerBatch {
  readonly rows: JsonObject[];
  result: Extract<AnswerEvent, { readonly type: 'result' }> | undefined;
}

/** An answer ends with QUERY_COMPLETE, or with an error frame (which is the whole answer). */
const isLastFrame = (envelope: ResponseEnvelope): boolean =>
  envelope.error || envelope.responseCode === ResponseCode.QUERY_COMPLETE;

/**
 * One authenticated socket to a ZTeraDB server: CONNECT, CONNECTED, QUERY_COMPLETE, then one
 * query at a time (the server answers in order, docs/protocols/zteradb.md). A connection whose
 * answer was not read to its end (an error frame, an early exit, a timeout) is no longer
 * reusable: the server is not known to send nothing more after it.
 */
export class ZTeraDBConnection {
  readonly #framed: FramedConnection<WireObject, ResponseEnvelope>;
  readonly #socket: Socket;
  readonly #options: ResolvedZTeraDBOptions;
  readonly #session: ZTeraDBSession;
  readonly #secrets: readonly Secret[];
  #reusable = true;
  #busy = false;
  /** A CANCEL was written; the socket ends when the server closes it or the grace passes. */
  #cancelling = false;

  private constructor(
    framed: FramedConnection<WireObject, ResponseEnvelope>,
    socket: Socket,
    options: ResolvedZTeraDBOptions,
    session: ZTeraDBSession,
  ) {
    this.#framed = framed;
    this.#socket = socket;
    this.#options = options;
    this.#session = session;
    this.#secrets = [options.clientKey, options.accessKey, options.secretKey, session.accessToken];
  }

  /**
   * Connects and authenticates (the CONNECT frame signed afresh, the server's proof verified)
   * within `connectTimeoutMs`.
   * @throws ZTeraDBAuthenticationError when the server refuses the CONNECT (`serverCode` kept).
   * @throws AuthenticationError `CONN_ZTERADB_SERVER_PROOF` for a bad server proof; core's
   * connection, timeout and abort errors; ProtocolError for a handshake out of order.
   */
  static async open(options: ResolvedZTeraDBOptions, signal?: AbortSignal): Promise<ZTeraDBConnection> {
    const started = performance.now();
    const socket = await connectSocket({
      host: options.host,
      port: options.port,
      tls: tlsOptionsOf(options),
      connectTimeoutMs: options.connectTimeoutMs,
      signal,
      events: options.events,
    });
    const framed = new FramedConnection<WireObject, ResponseEnvelope>(socket, {
      codec: zteradbClientCodec(options.maxFrameBytes),
      correlation: { mode: 'in-order' },
      maxInFlight: 1,
      target: { host: options.host, port: options.port },
      events: options.events,
    });
    try {
      const session = await handshake(framed, options, {
        signal,
        // The TCP (and TLS) part already used some of the connect time.
        timeoutMs: Math.max(1, options.connectTimeoutMs - (performance.now() - started)),
      });
      return new ZTeraDBConnection(framed, socket, options, session);
    } catch (error) {
      framed.destroy();
      throw error;
    }
  }

  /** The session the handshake yielded (the access token is a `Secret`). */
  get session(): ZTeraDBSession {
    return this.#session;
  }

  /** True until the socket closes or fails. */
  get isOpen(): boolean {
    return this.#framed.isOpen;
  }

  /**
   * True when the connection is open, idle, every answer on it was read to its end, and its
   * session token is not about to expire (the pool then replaces it with a fresh session).
   */
  get isReusable(): boolean {
    return this.#reusable && !this.#busy && this.#framed.isOpen && !this.#tokenExpiring();
  }

  /** Resolves when the socket has closed. */
  get closed(): Promise<void> {
    return this.#framed.closed;
  }

  /**
   * Runs one query. A select yields its rows until QUERY_COMPLETE, a batch per turn (the rows
   * received by then, one promise for all of them); a count,
   * insert, update or delete yields its one `result` once the answer is over (QUERY_COMPLETE
   * awaited for at most `completeGraceMs`; without it the connection is closed). Nothing is sent
   * before the first `next()`.
   * @throws the typed server error for an error frame (`ZTeraDBQueryError`, ...), never empty rows.
   * Leaving the loop early reads the rest of the answer for at most `completeGraceMs` (and
   * {@link DRAIN_FRAME_LIMIT} frames) to keep the connection; failing that it sends CANCEL and
   * closes the connection. A timeout or abort closes it at once (the transport cannot tell the
   * rest of a given-up answer from the next one's).
   */
  query(plan: QueryPlan, options: ZTeraDBQueryCallOptions = {}): AsyncIterableIterator<ZTeraDBQueryEvent> {
    return this.#run(plan, options);
  }

  /** Closes after an answer in flight is read (or `timeoutMs` passes). */
  async close(timeoutMs?: number): Promise<void> {
    this.#reusable = false;
    await this.#framed.close(timeoutMs === undefined ? {} : { timeoutMs });
  }

  /**
   * What the pool calls to drop the connection: at once, unless a CANCEL is on its way out, which
   * destroying would discard; the server's close (or `completeGraceMs`) then ends the socket.
   */
  retire(): void {
    if (!this.#cancelling) this.destroy();
  }

  /** Closes at once; a query in flight fails with a `ConnectionError`. */
  destroy(error?: ConnError): void {
    this.#reusable = false;
    this.#framed.destroy(error);
  }

  async *#run(plan: QueryPlan, options: ZTeraDBQueryCallOptions): AsyncGenerator<ZTeraDBQueryEvent> {
    const reader = new AnswerReader(plan.kind, this.#secrets);
    const request = buildQueryRequest({
      clientKey: this.#options.clientKey,
      accessToken: this.#session.accessToken,
      databaseId: this.#options.databaseId,
      env: this.#options.env,
      query: plan.wire,
    });
    const streamOptions: RequestStreamOptions<ResponseEnvelope> & { cancel?: CancelSource | undefined } = {
      isLast: isLastFrame,
      highWaterMark: FRAMES_AHEAD,
      signal: options.signal,
      cancel: options.cancel,
      // A call's own deadline ends the request through `cancel` (as `CONN_TIMEOUT`); a request
      // timer firing at the same moment would report it as the transport's instead.
      timeoutMs:
        options.cancel === undefined ? (options.timeoutMs ?? this.#options.timeoutMs) : options.timeoutMs,
    };
    const frames = this.#framed.requestStream(request, streamOptions);
    this.#busy = true;
    // True once the answer's last frame (QUERY_COMPLETE or an error frame) was taken.
    let answerEnded = false;
    let failed = false;
    try {
      let result: ZTeraDBQueryEvent | undefined;
      while (reader.state === 'reading' || reader.state === 'awaiting-complete') {
        const next =
          reader.state === 'awaiting-complete'
            ? await this.#completeWithinGrace(frames)
            : await frames.next();
        if (next === 'expired' || next.done === true) break;
        const batch: AnswerBatch = { rows: [], result: undefined };
        let failure: { readonly error: unknown } | undefined;
        try {
          answerEnded = this.#readFrame(reader, next.value, batch);
          // Frames received meanwhile: taken with no promise each (a long select's hot path).
          if (!answerEnded) {
            for (const envelope of frames.takeBuffered()) {
              answerEnded = this.#readFrame(reader, envelope, batch);
              if (answerEnded) break;
            }
          }
        } catch (error) {
          // The rows before a failing frame still reach the caller, then the failure.
          failure = { error };
        }
        if (batch.result !== undefined) result = batch.result;
        if (batch.rows.length > 0) yield { type: 'rows', rows: batch.rows };
        if (failure !== undefined) throw failure.error;
      }
      // A single result is handed out only after the answer's end, so that a caller who stops
      // at the result leaves a reusable connection.
      if (result !== undefined) yield result;
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      // The consumer left a select early: its rest may be short enough to read and drop.
      if (!answerEnded && !failed && reader.state === 'reading')
        answerEnded = await this.#drain(frames, reader);
      this.#busy = false;
      if (!reader.connectionReusable) this.#reusable = false;
      if (!answerEnded) this.#cancelAndClose(frames);
    }
  }

  /** Reads one frame into `batch`. True for the answer's last frame. */
  #readFrame(reader: AnswerReader, envelope: ResponseEnvelope, batch: AnswerBatch): boolean {
    const row = reader.rowOf(envelope);
    if (row !== undefined) {
      batch.rows.push(row);
      return false;
    }
    const event = reader.accept(envelope);
    if (event.type === 'row') batch.rows.push(event.row);
    else if (event.type === 'result') batch.result = event;
    return isLastFrame(envelope);
  }

  /**
   * Reads and drops the rest of an abandoned answer, for at most `completeGraceMs` and
   * {@link DRAIN_FRAME_LIMIT} frames. True when its last frame came (the reader then says whether
   * it ended well); false leaves the answer unread.
   */
  async #drain(frames: AsyncIterator<ResponseEnvelope, undefined>, reader: AnswerReader): Promise<boolean> {
    const endsAt = performance.now() + this.#options.completeGraceMs;
    try {
      for (let count = 0; count < DRAIN_FRAME_LIMIT; count += 1) {
        const remainingMs = endsAt - performance.now();
        if (remainingMs <= 0) return false;
        const next = await this.#withinGrace(frames, remainingMs);
        if (next === 'expired' || next.done === true) return false;
        reader.accept(next.value);
        if (isLastFrame(next.value)) return true;
      }
      return false;
    } catch {
      // An error frame or a transport failure while dropping: not worth keeping; close.
      return false;
    }
  }

  /**
   * After a single result: its QUERY_COMPLETE, or `'expired'` when none came within the grace or
   * the server closed the socket instead. The result already received is the answer either way
   * (reporting a write that succeeded as one that may have executed invites a duplicate); the
   * connection is not reused.
   */
  async #completeWithinGrace(
    frames: AsyncIterator<ResponseEnvelope, undefined>,
  ): Promise<IteratorResult<ResponseEnvelope, undefined> | 'expired'> {
    try {
      return await this.#withinGrace(frames);
    } catch (error) {
      if (error instanceof ConnectionError) return 'expired';
      throw error;
    }
  }

  /** The next frame, or `'expired'` when QUERY_COMPLETE did not come within `completeGraceMs`. */
  async #withinGrace(
    frames: AsyncIterator<ResponseEnvelope, undefined>,
    graceMs: number = this.#options.completeGraceMs,
  ): Promise<IteratorResult<ResponseEnvelope, undefined> | 'expired'> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      // Ref'd: the caller awaits this.
      timer = setTimeout(() => resolve('expired'), graceMs);
    });
    try {
      return await Promise.race([frames.next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The answer was left unread (early exit, grace expired, transport failure): stop taking its
   * frames, tell the server with CANCEL (it then ends the connection), and close. The rest of the
   * answer is read and dropped meanwhile: closing a socket with unread bytes resets it, and the
   * server could lose the CANCEL.
   */
  #tokenExpiring(): boolean {
    const expiresAt = this.#session.accessTokenExpiresAt;
    return expiresAt !== undefined && expiresAt.getTime() - Date.now() <= TOKEN_RENEW_MARGIN_MS;
  }

  #cancelAndClose(frames: AsyncIterator<ResponseEnvelope, undefined>): void {
    void frames.return?.();
    if (!this.#framed.isOpen || this.#socket.destroyed) {
      this.#framed.destroy();
      return;
    }
    // Written on the socket directly: the transport takes one request at a time, and the
    // abandoned answer holds that slot until the server stops sending it.
    const encoded = zteradbClientCodec(this.#options.maxFrameBytes).encode(buildCancelRequest(), undefined);
    for (const chunk of Array.isArray(encoded) ? encoded : [encoded]) this.#socket.write(chunk);
    this.#cancelling = true;
    // A server that ignores CANCEL is closed on after the grace. Unref'd: nobody awaits it.
    const timer = setTimeout(() => this.#framed.destroy(), this.#options.completeGraceMs);
    timer.unref();
    void this.#framed.closed.then(() => clearTimeout(timer));
  }
}

async function handshake(
  framed: FramedConnection<WireObject, ResponseEnvelope>,
  options: ResolvedZTeraDBOptions,
  call: { signal: AbortSignal | undefined; timeoutMs: number },
): Promise<ZTeraDBSession> {
  const { frame } = buildConnectRequest(options);
  const reader = new HandshakeReader({
    clientKey: options.clientKey,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    strictServerProof: options.strictServerProof,
  });
  for await (const envelope of framed.requestStream(frame, { isLast: isLastFrame, ...call })) {
    const progress = reader.accept(envelope);
    if (progress.done) return progress.session;
  }
  // The stream ends only after its last frame, which the reader has judged: unreachable.
  throw new ProtocolError('handshake: the answer to CONNECT ended without a session', {
    code: 'CONN_ZTERADB_HANDSHAKE',
  });
}

function tlsOptionsOf(options: ResolvedZTeraDBOptions): TlsOptions | false {
  const { tls } = options;
  if (tls === undefined) return false;
  return { rejectUnauthorized: tls.rejectUnauthorized, ca: tls.ca, servername: tls.servername };
}
