import { randomBytes, randomUUID } from 'node:crypto';
import { Secret } from '@conn/core';
import { type JsonObject, ResponseCode, signV2 } from '../protocol/index.js';
import type { ZTeraDBTestKey } from './connect-check.js';

/** How long a session token lives, as the CONNECTED frame announces it. */
const TOKEN_LIFETIME_SECONDS = 3600;

/** A CONNECTED frame and the token it hands out. */
export interface IssuedSession {
  readonly accessToken: string;
  readonly frame: JsonObject;
}

/**
 * The CONNECTED frame (docs/protocols/zteradb.md, CONNECTED response): `data` with the four auth
 * fields, and `client_auth`, the server's proof: a v2 HMAC over `access_key:timestamp:nonce` with a
 * fresh server nonce, which only a holder of the secret key can make.
 */
export function issueSession(key: ZTeraDBTestKey, nowSeconds: number): IssuedSession {
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
      access_token_expire: utcDateTime(nowSeconds + TOKEN_LIFETIME_SECONDS),
    },
    client_auth: { client_key: key.clientKey, nonce, timestamp: nowSeconds, signature },
  };
  return { accessToken, frame };
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, the format the service uses for expiry times. */
function utcDateTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
