import { AuthenticationError, type Secret } from '@conn/core';
import { isJsonObject, type JsonObject } from './json.js';
import { verifySignatureV2 } from './signature.js';

/** How the CONNECTED frame's `client_auth` proof is checked. */
export interface ServerProofOptions {
  readonly accessKey: Secret;
  readonly secretKey: Secret;
  /** Refuse a CONNECTED frame without a proof. Off by default: the service may omit it. */
  readonly strict?: boolean | undefined;
}

/**
 * Verifies the server's proof (docs/protocols/zteradb.md, CONNECTED response): a proof that is
 * present must carry `client_key`, `nonce`, an integer `timestamp` and a `signature` equal to the v2
 * HMAC of `access_key:timestamp:nonce` with the server's nonce and timestamp, which only a server
 * that knows our secret can compute. Errors name the problem, never a key or signature.
 * @throws AuthenticationError `CONN_ZTERADB_SERVER_PROOF` when the proof is malformed, wrong, or
 * absent in strict mode.
 */
export function verifyServerProof(clientAuth: JsonObject | undefined, options: ServerProofOptions): void {
  if (clientAuth === undefined) {
    if (options.strict === true)
      throw proofError('the server sent no client_auth proof (strict mode)', 'missing');
    return;
  }
  if (!isJsonObject(clientAuth)) throw proofError('the server proof is not an object', 'malformed');
  const { client_key: clientKey, nonce, timestamp, signature } = clientAuth;
  if (typeof clientKey !== 'string' || clientKey.length === 0) {
    throw proofError('the server proof has no client_key', 'malformed');
  }
  if (typeof nonce !== 'string' || typeof signature !== 'string' || !Number.isSafeInteger(timestamp)) {
    throw proofError('the server proof lacks a nonce, an integer timestamp or a signature', 'malformed');
  }
  const input = {
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    timestamp: timestamp as number,
    nonce,
  };
  if (!verifySignatureV2(input, signature)) {
    throw proofError('the server proof signature does not match our keys', 'mismatch');
  }
}

function proofError(message: string, reason: string): AuthenticationError {
  return new AuthenticationError(message, { code: 'CONN_ZTERADB_SERVER_PROOF', details: { reason } });
}
