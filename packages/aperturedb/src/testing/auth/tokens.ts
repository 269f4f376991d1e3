/**
 * Token minting. ApertureDB tokens are a kind prefix plus random alphanumeric characters; the
 * prefix tells what the token is for (see docs/protocols/aperturedb.md, section 2.1).
 */
import { randomInt } from 'node:crypto';

/** `adbs_` marks a session token, `adbr_` a refresh token, `adbp_` an API ("password") token. */
export const TOKEN_PREFIX = { session: 'adbs_', refresh: 'adbr_', api: 'adbp_' } as const;

export type TokenKind = keyof typeof TOKEN_PREFIX;

/** The documented examples carry 35 characters after the prefix. */
export const TOKEN_BODY_LENGTH = 35;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh unguessable token of the given kind (crypto-random, uniform over the alphabet). */
export function mintToken(kind: TokenKind): string {
  let body = '';
  for (let i = 0; i < TOKEN_BODY_LENGTH; i++) body += ALPHABET[randomInt(ALPHABET.length)];
  return TOKEN_PREFIX[kind] + body;
}
