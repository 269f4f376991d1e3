import { ProtocolError, Secret } from '@conn/core';
import { errorFromServerFrame } from '../errors.js';
import { isJsonObject, type JsonValue } from './json.js';
import type { ResponseEnvelope } from './response-envelope.js';
import { classifyResponse } from './response-envelope.js';
import { verifyServerProof } from './server-proof.js';

/** The session a successful handshake yields (the CONNECTED frame's `data`). */
export interface ZTeraDBSession {
  /** The per-connection token sent with every query. */
  readonly accessToken: Secret;
  /** When the token expires (the server sends UTC `YYYY-MM-DD HH:MM:SS`); `undefined` if absent or unreadable. */
  readonly accessTokenExpiresAt: Date | undefined;
}

/** Options of a {@link HandshakeReader}. */
export interface HandshakeReaderOptions {
  readonly clientKey: Secret;
  readonly accessKey: Secret;
  readonly secretKey: Secret;
  /** Require the server's `client_auth` proof (see `verifyServerProof`). */
  readonly strictServerProof?: boolean | undefined;
}

/** Result of feeding one frame to a {@link HandshakeReader}. */
export type HandshakeProgress =
  | { readonly done: false }
  | { readonly done: true; readonly session: ZTeraDBSession };

/**
 * The handshake after CONNECT, as a pure state machine: the server answers CONNECTED (code 2)
 * and then QUERY_COMPLETE (code 1544), which ends the handshake (docs/protocols/zteradb.md,
 * handshake sequence). Feed it each received envelope until it reports `done`.
 */
export class HandshakeReader {
  readonly #options: HandshakeReaderOptions;
  #session: ZTeraDBSession | undefined;

  constructor(options: HandshakeReaderOptions) {
    this.#options = options;
  }

  /**
   * @throws ZTeraDBAuthenticationError `CONN_ZTERADB_AUTH_FAILED` for an error frame, with the
   * server's code and message (our secrets redacted from it).
   * @throws AuthenticationError `CONN_ZTERADB_SERVER_PROOF` for a bad server proof.
   * @throws ProtocolError for frames out of order or a CONNECTED frame without an access token.
   */
  accept(envelope: ResponseEnvelope): HandshakeProgress {
    const frame = classifyResponse(envelope);
    if (frame.kind === 'error') {
      const { clientKey, accessKey, secretKey } = this.#options;
      throw errorFromServerFrame(frame, 'handshake', [clientKey, accessKey, secretKey]);
    }
    if (this.#session === undefined) {
      if (frame.kind !== 'connected') throw outOfOrder(`expected CONNECTED, got ${frameName(envelope)}`);
      verifyServerProof(frame.clientAuth, {
        accessKey: this.#options.accessKey,
        secretKey: this.#options.secretKey,
        strict: this.#options.strictServerProof,
      });
      this.#session = readSession(frame.data);
      return { done: false };
    }
    if (frame.kind !== 'complete') throw outOfOrder(`expected QUERY_COMPLETE, got ${frameName(envelope)}`);
    return { done: true, session: this.#session };
  }
}

function readSession(data: JsonValue): ZTeraDBSession {
  const token = isJsonObject(data) ? data.access_token : undefined;
  if (typeof token !== 'string' || token.length === 0) {
    throw new ProtocolError('the CONNECTED frame carries no access_token', {
      code: 'CONN_ZTERADB_MALFORMED_FRAME',
      details: { field: 'data.access_token' },
    });
  }
  const expire = isJsonObject(data) ? data.access_token_expire : undefined;
  return { accessToken: new Secret(token), accessTokenExpiresAt: parseUtcDateTime(expire) };
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z?$/;

/** Reads `YYYY-MM-DD HH:MM:SS` as UTC; anything else is `undefined`. */
export function parseUtcDateTime(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DATE_TIME.exec(value);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 2025-02-30 over to March: refuse instead of guessing.
  return date.getUTCDate() === day && date.getUTCMonth() === month - 1 ? date : undefined;
}

function frameName(envelope: ResponseEnvelope): string {
  return `response code ${String(envelope.responseCode)}`;
}

function outOfOrder(message: string): ProtocolError {
  return new ProtocolError(`handshake: ${message}`, { code: 'CONN_ZTERADB_HANDSHAKE' });
}
