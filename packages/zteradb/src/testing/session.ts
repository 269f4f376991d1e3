import { randomBytes, randomUUID } from 'node:crypto';
import { Secret } from '@conn/core';
import { type JsonObject, ResponseCode, signV2 } from '../protocol/index.js';
import type { ZTeraDBTestKey } from './connect-check.js';

/** A CONNECTED frame and the token it hands out. */
export interface IssuedSession {
  readonly accessToken: string;
  /** Server time (whole seconds) from which the token is refused. */
  readonly expiresAtSeconds: number;
  readonly frame: JsonObject;
}

/**
 * The CONNECTED frame (docs/protocols/zteradb.md, CONNECTED response): `data` with the four auth
 * fields, and `client_auth`, the server's proof: a v2 HMAC over `access_key:timestamp:nonce` with a
 * fresh server nonce, which only a holder of the secret key can make.
 */
export function issueSession(
  key: ZTeraDBTestKey,
  nowSeconds: number,
  lifetimeSeconds: number,
): IssuedSession {
  const accessToken = randomBytes(48).toString('hex');
  const nonce = randomUUID();
  const signature = signV2({
    accessKey: new Secret(key.accessKey),
    secretKey: new Secret(key.secretKey),
    timestamp: nowSeconds,
    nonce,
  });
  const frame: JsonObject = {
    error: false,
    response_code: ResponseCode.CONNECTED,
    data: {
      client_key: key.clientKey,
      access_key: key.accessKey,
      access_token: accessToken,
      access_token_expire: utcDateTime(nowSeconds + lifetimeSeconds),
    },
    client_auth: { client_key: key.clientKey, nonce, timestamp: nowSeconds, signature },
  };
  return { accessToken, expiresAtSeconds: nowSeconds + lifetimeSeconds, frame };
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, the format the service uses for expiry times. */
function utcDateTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
