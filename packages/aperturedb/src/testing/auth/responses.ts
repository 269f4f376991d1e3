/**
 * The exact JSON objects the auth commands answer with (docs/protocols/aperturedb.md, section 2.1).
 * The engine wraps each per-command object as `{"<Command>": object}` inside the response array;
 * `NOT_AUTHENTICATED` is sent as the whole response (a top-level object, not an array).
 * Key order follows the observed server replies, so `JSON.stringify` reproduces them.
 */

/** The top-level reply to a request whose session token is missing, expired or unknown. */
export const NOT_AUTHENTICATED: Readonly<{ info: 'Not Authenticated!'; status: -1 }> = Object.freeze({
  info: 'Not Authenticated!',
  status: -1,
});

/** The `RefreshToken` reply when the refresh token is unknown, rotated away or expired. */
export const INVALID_SESSION: Readonly<{ info: 'Invalid Session'; status: -1 }> = Object.freeze({
  info: 'Invalid Session',
  status: -1,
});

/** A successful `Authenticate` or `RefreshToken`; TTLs are in seconds. */
export interface SessionGrant {
  status: 0;
  session_token: string;
  session_token_expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
}

/** A refused command: `status -1` with a human-readable reason that never echoes a secret. */
export interface CommandFailure {
  status: -1;
  info: string;
}

export function failure(info: string): CommandFailure {
  return { status: -1, info };
}

/** `GenerateToken` success: the new, not yet attached, API token. */
export interface GeneratedToken {
  status: 0;
  token: string;
}

/** Success of commands that return nothing else (`UpdateUser`). */
export interface PlainSuccess {
  status: 0;
}
