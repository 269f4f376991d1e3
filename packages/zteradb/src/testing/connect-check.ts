import { Secret } from '@conn/core';
import { type JsonObject, RequestType, verifySignatureV2 } from '../protocol/index.js';

/** A key set the server accepts: the account's client key and its access/secret key pair. */
export interface ZTeraDBTestKey {
  readonly clientKey: string;
  readonly accessKey: string;
  readonly secretKey: string;
}

/** How CONNECT frames are judged. */
export interface ConnectCheckOptions {
  readonly keys: readonly ZTeraDBTestKey[];
  readonly databaseIds: ReadonlySet<string>;
  /** Largest accepted `|server time - timestamp|` in seconds. */
  readonly clockSkewSeconds: number;
  readonly refuseNonceReuse: boolean;
  /** Server time in whole seconds. */
  readonly nowSeconds: () => number;
}

/** The outcome of one CONNECT: the key that signed it, or why it was refused. */
export type ConnectVerdict =
  | { readonly ok: true; readonly key: ZTeraDBTestKey }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks CONNECT frames as docs/protocols/zteradb.md (handshake, signature algorithm) describes:
 * `request_type` 1, a known `client_key`, an integer `timestamp` within the skew window, a v2
 * HMAC over `access_key:timestamp:nonce` made with that key's secret, and optionally a nonce never
 * seen before. `database_id` is optional (the Python client omits it) but must be known when sent.
 * Reasons never contain a key or a signature.
 */
export class ConnectChecker {
  readonly #options: ConnectCheckOptions;
  readonly #seenNonces = new Set<string>();

  constructor(options: ConnectCheckOptions) {
    this.#options = options;
  }

  check(frame: JsonObject): ConnectVerdict {
    if (frame.request_type !== RequestType.CONNECT) return refuse('the first request must be CONNECT');
    const { client_key: clientKey, nonce, timestamp, signature, database_id: databaseId } = frame;
    if (typeof clientKey !== 'string' || typeof nonce !== 'string' || nonce.length === 0) {
      return refuse('CONNECT needs a client_key and a nonce');
    }
    if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp)) {
      return refuse('CONNECT needs an integer timestamp in seconds');
    }
    if (typeof signature !== 'string') return refuse('CONNECT needs a signature');
    if (databaseId !== undefined && !(typeof databaseId === 'string' && this.#knowsDatabase(databaseId))) {
      return refuse('unknown database_id');
    }
    const key = this.#options.keys.find((candidate) => candidate.clientKey === clientKey);
    if (key === undefined) return refuse('unknown client_key');
    if (Math.abs(this.#options.nowSeconds() - timestamp) > this.#options.clockSkewSeconds) {
      return refuse('the timestamp is outside the allowed clock skew');
    }
    const input = {
      accessKey: new Secret(key.accessKey),
      secretKey: new Secret(key.secretKey),
      timestamp,
      nonce,
    };
    if (!verifySignatureV2(input, signature)) return refuse('invalid signature');
    if (this.#options.refuseNonceReuse && this.#seenNonces.has(nonce)) return refuse('nonce already used');
    this.#seenNonces.add(nonce);
    return { ok: true, key };
  }

  #knowsDatabase(databaseId: string): boolean {
    // An empty id is what some clients send when none is configured.
    return databaseId === '' || this.#options.databaseIds.has(databaseId);
  }
}

function refuse(reason: string): ConnectVerdict {
  return { ok: false, reason: `Authentication failed: ${reason}` };
}
