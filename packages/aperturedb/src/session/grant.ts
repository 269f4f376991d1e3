import { ProtocolError, Secret } from '@conn/core';

/** A session the server granted (Authenticate or RefreshToken): both tokens and when they expire. */
export interface SessionGrant {
  readonly sessionToken: Secret;
  readonly refreshToken: Secret | undefined;
  /** `Date.now()` scale. */
  readonly sessionExpiresAt: number;
  /** `Date.now()` scale; `undefined` when no refresh token came. */
  readonly refreshExpiresAt: number | undefined;
}

/**
 * Reads the success object of Authenticate or RefreshToken (docs/protocols/aperturedb.md,
 * authentication). Lifetimes are seconds; older servers sent them as strings, so numeric strings
 * are read too.
 * @throws ProtocolError `CONN_APERTUREDB_BAD_RESPONSE` without a session token or its lifetime.
 */
export function grantOf(result: Readonly<Record<string, unknown>>, now: number): SessionGrant {
  const sessionToken = result['session_token'];
  const sessionSeconds = seconds(result['session_token_expires_in']);
  if (typeof sessionToken !== 'string' || sessionToken === '' || sessionSeconds === undefined) {
    throw new ProtocolError('ApertureDB granted a session without a session token and its lifetime', {
      code: 'CONN_APERTUREDB_BAD_RESPONSE',
    });
  }
  const refreshToken = result['refresh_token'];
  const refreshSeconds = seconds(result['refresh_token_expires_in']);
  const refresh = typeof refreshToken === 'string' && refreshToken !== '' && refreshSeconds !== undefined;
  return {
    sessionToken: new Secret(sessionToken),
    refreshToken: refresh ? new Secret(refreshToken) : undefined,
    sessionExpiresAt: now + sessionSeconds * 1000,
    refreshExpiresAt: refresh ? now + (refreshSeconds as number) * 1000 : undefined,
  };
}

function seconds(value: unknown): number | undefined {
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}
