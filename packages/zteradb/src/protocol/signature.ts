import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '@conn/core';

/** What the v2 signature covers (docs/protocols/zteradb.md, signature algorithm). */
export interface SignatureInput {
  readonly accessKey: Secret;
  readonly secretKey: Secret;
  /** Unix time in whole seconds. */
  readonly timestamp: number;
  readonly nonce: string;
}

/**
 * The v2 signature: lowercase hex HMAC-SHA256 of `access_key:timestamp:nonce`, keyed with the
 * secret key's UTF-8 bytes (not hex-decoded, although it may look like hex).
 */
export function signV2(input: SignatureInput): string {
  return createHmac('sha256', Buffer.from(input.secretKey.reveal(), 'utf8'))
    .update(`${input.accessKey.reveal()}:${String(input.timestamp)}:${input.nonce}`, 'utf8')
    .digest('hex');
}

/** True when `signature` is the v2 signature of `input`; compared in constant time. */
export function verifySignatureV2(input: SignatureInput, signature: string): boolean {
  const expected = Buffer.from(signV2(input), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
