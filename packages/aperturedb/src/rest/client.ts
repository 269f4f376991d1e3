import { type CallContext, type CallOptions, CallRunner, ConnectionError, type Secret } from '@conn/core';
import type { ApertureDBQueryResult } from '../client.js';
import { errorFromResponse } from '../errors.js';
import type { ApertureDBKey } from '../key.js';
import { type ApertureDBRetryMode, callRetryMode } from '../options.js';
import {
  type ApertureDBQueryInput,
  checkQueryArguments,
  type PreparedQuery,
  prepareQuery,
} from '../query-input.js';
import type { ApertureDBResponse } from '../response.js';
import { type SessionCounts, SessionManager, type SessionSend } from '../session/session-manager.js';
import {
  type ApertureDBRestClientOptions,
  REST_RETRY_MODES,
  type ResolvedRestOptions,
  resolveRestOptions,
  restOptionsFromKey,
} from './options.js';
import type { RestAnswer } from './response-body.js';
import { type RestPostProgress, RestTransport } from './transport.js';

/** Options of one {@link ApertureDBRestClient.query}. */
export interface ApertureDBRestQueryOptions extends CallOptions {
  /** `'never'` turns off the one resend of a read-only query after a network failure. */
  readonly retry?: Exclude<ApertureDBRetryMode, 'always'> | undefined;
}

/** The session's exchanges and the requests in flight. */
export interface ApertureDBRestClientStats {
  readonly sessions: SessionCounts;
}

/**
 * ApertureDB over its REST endpoint (docs/protocols/aperturedb.md, REST variant): the same calls
 * as `ApertureDBClient`, each a `POST /api/` with a multipart body, on core's `CallRunner` (one
 * deadline, `signal`, typed errors; tracing channels `conn:aperturedb:<operation>`, the TCP
 * client's, with the REST host and port in the payload). One session (Authenticate, refreshed
 * before it expires, authenticated again once when the server forgot it) rides in
 * `Authorization: Bearer`. A query whose request failed on the network is sent once more only
 * when it provably did not leave, or when it only reads and no answer had begun.
 *
 * @example
 * await using db = new ApertureDBRestClient({ url: 'https://db.example.com/api/', user: 'admin', password });
 * const { response } = await db.query([{ GetStatus: {} }]);
 */
export class ApertureDBRestClient implements AsyncDisposable {
  readonly #options: ResolvedRestOptions;
  readonly #transport: RestTransport;
  readonly #sessions: SessionManager;
  /** How the session's own queries go out: a POST without the Bearer header's token. */
  readonly #sessionSend: SessionSend = (json, token, signal) =>
    this.#transport.post(json, [], token, { signal }, notSent());
  readonly #calls: CallRunner;
  readonly #secrets: readonly (Secret | undefined)[];
  #closed = false;

  /** @throws ConfigError naming the bad option, before any I/O. */
  constructor(options: ApertureDBRestClientOptions) {
    this.#options = resolveRestOptions(options);
    const { auth } = this.#options;
    this.#secrets = [
      auth.kind === 'password' ? auth.password : undefined,
      auth.kind === 'token' ? auth.token : undefined,
    ];
    this.#transport = new RestTransport(this.#options, this.#secrets);
    // As the SDK's REST connector: RefreshToken goes without the session token.
    this.#sessions = new SessionManager(this.#options);
    this.#calls = new CallRunner({
      packageName: 'aperturedb',
      clientName: 'ApertureDB REST client',
      isClosed: () => this.#closed,
      defaultTimeoutMs: this.#options.timeoutMs,
    });
  }

  /** A client for `https://[user:password@]host[:port][/api/]`, with `overrides` on top. */
  static fromUrl(
    url: string | URL,
    overrides: Partial<Omit<ApertureDBRestClientOptions, 'url'>> = {},
  ): ApertureDBRestClient {
    return new ApertureDBRestClient({ ...overrides, url });
  }

  /** A client from an APERTUREDB_KEY with the REST flag (the SDK's format), with `overrides` on top. */
  static fromKey(
    key: string | Secret | ApertureDBKey,
    overrides: Partial<ApertureDBRestClientOptions> = {},
  ): ApertureDBRestClient {
    return new ApertureDBRestClient({ ...restOptionsFromKey(key), ...overrides });
  }

  /** True after `close()`. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** How many Authenticate and RefreshToken exchanges were made. */
  stats(): ApertureDBRestClientStats {
    return { sessions: this.#sessions.counts };
  }

  /**
   * Authenticates now (or, without credentials, sends one GetStatus), so a bad certificate, a
   * wrong URL or refused credentials fail here rather than at the first query. Optional.
   */
  connect(options: CallOptions = {}): Promise<void> {
    return this.#calls.run({ operation: 'connect' }, options, async (call) => {
      call.target = this.#transport.target;
      if (this.#sessions.disabled) await this.#attempt(prepareQuery([{ GetStatus: {} }]), [], call);
      else await this.#sessions.token(this.#sessionSend, () => call.signal);
    });
  }

  /** One `GetStatus` round trip, for readiness checks. */
  ping(
    options: CallOptions = {},
  ): Promise<{ readonly host: string; readonly port: number; readonly latencyMs: number }> {
    const prepared = prepareQuery([{ GetStatus: {} }]);
    return this.#calls.run({ operation: 'ping', statement: prepared.statement }, options, async (call) => {
      const started = performance.now();
      await this.#attemptTwice(prepared, [], call, this.#options.retry);
      return { host: this.#options.host, port: this.#options.port, latencyMs: performance.now() - started };
    });
  }

  /**
   * Runs one transaction: `query` is the array of commands (or its JSON text), `blobs` the blobs
   * its commands consume in order. Resolves with the response and the returned blobs.
   * @throws ApertureDBTransactionError when the transaction or a command failed,
   * ApertureDBAuthenticationError for refused credentials, ConfigError
   * `CONN_APERTUREDB_QUERY_ARGUMENT` for a malformed query (nothing sent), `CONN_APERTUREDB_HTTP_STATUS`
   * for an HTTP status other than 200, core's connection, timeout and abort errors (a write that
   * may have run says so in `details.mayHaveExecuted`).
   */
  query(
    query: ApertureDBQueryInput,
    blobs: readonly Uint8Array[] = [],
    options: ApertureDBRestQueryOptions = {},
  ): Promise<ApertureDBQueryResult> {
    let prepared: PreparedQuery;
    let mode: ApertureDBRetryMode;
    try {
      prepared = prepareQuery(query);
      checkQueryArguments(blobs, options);
      mode = callRetryMode(options.retry, this.#options.retry, REST_RETRY_MODES);
    } catch (error) {
      return Promise.reject(error);
    }
    const spec = { operation: 'query', statement: prepared.statement, write: !prepared.readOnly };
    return this.#calls.run(spec, options, (call) => this.#attemptTwice(prepared, blobs, call, mode));
  }

  /**
   * Lets requests in flight finish for up to `timeoutMs` (default 30 s), then destroys them and
   * every kept-alive socket. Later calls fail with `ClientClosedError`. Idempotent.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#closed = true;
    this.#sessions.clear();
    await this.#transport.close(options.timeoutMs);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Endpoint and settings; never a password or token (they are `Secret`s). */
  toJSON(): Record<string, unknown> {
    const { scheme, host, port, path, auth, timeoutMs, retry, tls } = this.#options;
    return {
      url: `${scheme}//${host.includes(':') ? `[${host}]` : host}:${port}${path}`,
      user: auth.kind === 'none' ? undefined : auth.user,
      tlsVerified: tls === undefined ? undefined : !tls.insecure,
      timeoutMs,
      retry,
    };
  }

  /** One try, and a second when {@link mayResend} allows it (unless `mode` is `'never'`). */
  async #attemptTwice(
    prepared: PreparedQuery,
    blobs: readonly Uint8Array[],
    call: CallContext,
    mode: ApertureDBRetryMode,
  ): Promise<ApertureDBQueryResult> {
    const progress = notSent();
    try {
      return await this.#attempt(prepared, blobs, call, progress);
    } catch (error) {
      if (mode === 'never' || !mayResend(error, progress, prepared.readOnly)) throw error;
      call.noteFailure(error as ConnectionError);
      return this.#attempt(prepared, blobs, call);
    }
  }

  /**
   * One try: the session, the request. A session the server no longer knows ("Not
   * Authenticated!", e.g. after a restart) is replaced and the request sent once more: the server
   * refused it before running it.
   */
  async #attempt(
    prepared: PreparedQuery,
    blobs: readonly Uint8Array[],
    call: CallContext,
    progress: RestPostProgress = notSent(),
  ): Promise<ApertureDBQueryResult> {
    call.target = this.#transport.target;
    let token = await this.#sessions.token(this.#sessionSend, () => call.signal);
    let answer = await this.#send(prepared, blobs, token, call, progress);
    let failure = errorFromResponse(answer.response, prepared.commands, { secrets: this.#secrets });
    if (failure?.code === 'CONN_APERTUREDB_SESSION_INVALID' && !this.#sessions.disabled) {
      this.#sessions.rejected(token);
      token = await this.#sessions.token(this.#sessionSend, () => call.signal);
      answer = await this.#send(prepared, blobs, token, call, progress);
      failure = errorFromResponse(answer.response, prepared.commands, { secrets: this.#secrets });
    }
    if (failure !== undefined) throw failure;
    return { response: answer.response as ApertureDBResponse, blobs: answer.blobs };
  }

  async #send(
    prepared: PreparedQuery,
    blobs: readonly Uint8Array[],
    token: Secret | undefined,
    call: CallContext,
    progress: RestPostProgress,
  ): Promise<RestAnswer> {
    progress.written = false;
    progress.answered = false;
    call.markSent();
    try {
      return await this.#transport.post(prepared.json, blobs, token, { cancel: call }, progress);
    } catch (error) {
      // The connection never came up: nothing can have run, whatever the query was.
      if (!progress.written) call.markNotExecuted();
      throw error;
    }
  }
}

function notSent(): RestPostProgress {
  return { written: false, answered: false };
}

/**
 * The one resend: after a network failure (never an HTTP status or a server's answer), when the
 * request provably did not leave, or when it only reads and no answer had begun.
 */
function mayResend(error: unknown, progress: RestPostProgress, readOnly: boolean): boolean {
  if (!(error instanceof ConnectionError) || progress.answered) return false;
  if (error.code === 'CONN_APERTUREDB_HTTP_STATUS' || error.code === 'CONN_TLS_FAILED') return false;
  return progress.written ? readOnly : error.retryable;
}

// util.inspect uses this hook; defined here because isolatedDeclarations rejects a computed method.
Object.defineProperty(ApertureDBRestClient.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value(this: ApertureDBRestClient): string {
    return `ApertureDBRestClient ${JSON.stringify(this.toJSON())}`;
  },
});
