import { readFileSync } from 'node:fs';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import {
  AbortError,
  type CancelSource,
  ConfigError,
  type ConnError,
  ConnectionError,
  isConnError,
  ProtocolError,
  redactSecrets,
  type Secret,
} from '@conn/core';
import type { ResolvedTls } from '../options.js';
import {
  connectTimeoutError,
  httpStatusError,
  networkError,
  type RequestPhase,
  type RestTarget,
} from './http-errors.js';
import { encodeMultipart } from './multipart.js';
import type { ResolvedRestOptions } from './options.js';
import { parseRestAnswer, type RestAnswer } from './response-body.js';

/** How one POST ends early: the call (deadline, abort) and/or a signal. */
export interface RestPostOptions {
  readonly cancel?: CancelSource | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** What a POST got as far as, for the caller's retry decision. */
export interface RestPostProgress {
  /** The connection was up when the body went out: the server may have read it. */
  written: boolean;
  /** The response's status line and headers arrived. */
  answered: boolean;
}

/** Largest error body read for its `info`. */
const ERROR_BODY_BYTES = 4096;
const DEFAULT_CLOSE_TIMEOUT_MS = 30_000;

/**
 * `POST /api/` over `node:http`/`node:https` with one keep-alive agent per client. Chosen over
 * `fetch` because Node 20's `fetch` takes no CA or verification settings without the `undici`
 * package, while `https.Agent` takes `ca`, `servername` and host-name checking directly, keeps TLS
 * verified by default, and lets `close()` destroy every socket it opened. It also tells when the
 * connection was up and when the answer began, which the retry rule needs.
 */
export class RestTransport {
  readonly #options: ResolvedRestOptions;
  readonly #target: RestTarget;
  readonly #secrets: readonly (Secret | undefined)[];
  readonly #inFlight = new Map<ClientRequest, Promise<unknown>>();
  #agent: http.Agent | undefined;

  constructor(options: ResolvedRestOptions, secrets: readonly (Secret | undefined)[]) {
    this.#options = options;
    this.#secrets = secrets;
    this.#target = { scheme: options.scheme, host: options.host, port: options.port };
  }

  get target(): RestTarget {
    return this.#target;
  }

  /**
   * Sends one query (JSON text, blobs, the session token as `Authorization: Bearer`) and resolves
   * with the answer. `progress` says how far it got when it fails.
   * @throws ProtocolError `CONN_APERTUREDB_MESSAGE_TOO_LARGE` (nothing sent) or for an answer over
   * `maxMessageBytes`, `CONN_APERTUREDB_BAD_RESPONSE`, `CONN_APERTUREDB_HTTP_STATUS`; the
   * network's `ConnectionError`s (see `networkError`); the cancel's reason.
   */
  post(
    json: string,
    blobs: readonly Uint8Array[],
    token: Secret | undefined,
    options: RestPostOptions,
    progress: RestPostProgress,
  ): Promise<RestAnswer> {
    // Ended already (e.g. while the session was obtained): no connection is opened.
    if (options.cancel?.reason !== undefined) return Promise.reject(options.cancel.reason);
    if (options.signal?.aborted) return Promise.reject(abortedBy(options.signal));
    const body = encodeMultipart(json, blobs);
    const max = this.#options.maxMessageBytes;
    if (body.byteLength > max) return Promise.reject(tooLarge('request', body.byteLength, max));
    let agent: http.Agent;
    try {
      agent = this.#agentNow();
    } catch (error) {
      return Promise.reject(error);
    }
    const headers: Record<string, string | number> = {
      'content-type': body.contentType,
      'content-length': body.byteLength,
      accept: 'application/json',
    };
    if (token !== undefined) headers['authorization'] = `Bearer ${token.reveal()}`;
    const send = this.#options.scheme === 'https:' ? https.request : http.request;
    const request = send({
      agent,
      host: this.#options.host,
      port: this.#options.port,
      method: 'POST',
      path: this.#options.path,
      headers,
    });
    const answer = this.#exchange(request, options, progress);
    for (const chunk of body.chunks) request.write(chunk);
    request.end();
    return answer;
  }

  /** Lets requests in flight finish for `timeoutMs`, then destroys them and every socket. Idempotent. */
  async close(timeoutMs: number = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    const pending = [...this.#inFlight.values()];
    if (pending.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.allSettled(pending), waited]);
      clearTimeout(timer);
    }
    const closed = new ConnectionError('ApertureDB REST client closed', {
      code: 'CONN_CONNECTION_CLOSED',
      retryable: false,
    });
    for (const request of this.#inFlight.keys()) request.destroy(closed);
    this.#agent?.destroy();
    this.#agent = undefined;
  }

  /** The agent, made on first use (a CA file is read then, as the TCP client does). */
  #agentNow(): http.Agent {
    if (this.#agent !== undefined) return this.#agent;
    const common = { keepAlive: true, maxSockets: this.#options.pool.max };
    const tls = this.#options.tls;
    this.#agent =
      this.#options.scheme === 'https:' && tls !== undefined
        ? new https.Agent({ ...common, ...tlsSettings(tls) })
        : new http.Agent(common);
    return this.#agent;
  }

  #exchange(
    request: ClientRequest,
    { cancel, signal }: RestPostOptions,
    progress: RestPostProgress,
  ): Promise<RestAnswer> {
    const target = this.#target;
    const max = this.#options.maxMessageBytes;
    let phase: RequestPhase = 'connecting';
    let connectTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const answer = new Promise<RestAnswer>((resolve, reject) => {
      const onCancel = (reason: ConnError): void => fail(reason);
      const onAbort = (): void => fail(abortedBy(signal as AbortSignal));
      const cleanup = (): void => {
        settled = true;
        clearTimeout(connectTimer);
        cancel?.offCancel(onCancel);
        signal?.removeEventListener('abort', onAbort);
        this.#inFlight.delete(request);
      };
      const fail = (error: unknown): void => {
        if (settled) return;
        cleanup();
        request.destroy();
        reject(error);
      };
      // Errors after `fail` destroyed the request are expected: the listener stays.
      request.on('error', (error) => fail(networkError(error, phase, target)));
      cancel?.onCancel(onCancel);
      signal?.addEventListener('abort', onAbort, { once: true });

      request.on('socket', (socket: Socket) => {
        if (!socket.connecting) {
          // A kept-alive socket: the body goes straight out.
          phase = 'open';
          progress.written = true;
          return;
        }
        connectTimer = setTimeout(
          () => fail(connectTimeoutError(target, this.#options.connectTimeoutMs)),
          this.#options.connectTimeoutMs,
        );
        const up = (): void => {
          clearTimeout(connectTimer);
          phase = 'open';
          progress.written = true;
        };
        if (target.scheme === 'https:') {
          socket.once('connect', () => {
            phase = 'handshake';
          });
          socket.once('secureConnect', up);
        } else socket.once('connect', up);
      });
      request.on('response', (response: IncomingMessage) => {
        progress.answered = true;
        const ok = response.statusCode === 200;
        const limit = ok ? max : ERROR_BODY_BYTES;
        const declared = Number(response.headers['content-length'] ?? 0);
        if (ok && declared > max) return fail(tooLarge('answer', declared, max));
        const chunks: Buffer[] = [];
        let total = 0;
        response.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total <= limit) chunks.push(chunk);
          else if (ok) fail(tooLarge('answer', total, max));
        });
        response.on('error', (error) => fail(networkError(error, 'open', target)));
        response.on('aborted', () => fail(networkError(new Error('answer cut short'), 'open', target)));
        response.on('end', () => {
          if (settled) return;
          const received = Buffer.concat(chunks);
          if (!ok) {
            const clean = (text: string): string => redactSecrets(text, this.#secrets);
            return fail(httpStatusError(response.statusCode ?? 0, received, target, clean));
          }
          try {
            const parsed = parseRestAnswer(received);
            cleanup();
            resolve(parsed);
          } catch (error) {
            fail(error);
          }
        });
      });
    });
    if (!settled) this.#inFlight.set(request, answer);
    return answer;
  }
}

/** Node's TLS settings from ours: verified by default; `insecure` verifies nothing. */
function tlsSettings(tls: ResolvedTls): https.AgentOptions {
  const ca = tls.ca ?? (tls.caFile === undefined ? undefined : readCaFile(tls.caFile));
  return {
    ...(ca === undefined ? {} : { ca: ca as https.AgentOptions['ca'] }),
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
    rejectUnauthorized: !tls.insecure,
    // The chain is still checked; only the name is not (the SDK's verify_hostname=False with a CA).
    ...(tls.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
  };
}

function readCaFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new ConfigError(`tls.caFile cannot be read: ${path}`, { field: 'tls.caFile', cause });
  }
}

/** The signal's reason when it is typed, else an `AbortError` with it as `cause`. */
function abortedBy(signal: AbortSignal): ConnError {
  const reason: unknown = signal.reason;
  return isConnError(reason) ? reason : new AbortError('ApertureDB REST request aborted', { cause: reason });
}

function tooLarge(what: 'request' | 'answer', messageBytes: number, maxMessageBytes: number): ProtocolError {
  return new ProtocolError(
    `an ApertureDB REST ${what} of ${messageBytes} bytes exceeds the limit of ${maxMessageBytes} bytes (maxMessageBytes)`,
    { code: 'CONN_APERTUREDB_MESSAGE_TOO_LARGE', details: { messageBytes, maxMessageBytes } },
  );
}
