import { type ConnError, ConnectionError, ProtocolError } from '@conn/core';

/** Where a request stood when its socket failed. */
export type RequestPhase = 'connecting' | 'handshake' | 'open';

/** Where requests go, for messages (never a path's credentials or a header). */
export interface RestTarget {
  readonly scheme: 'https:' | 'http:';
  readonly host: string;
  readonly port: number;
}

/** Node's codes for a failed certificate check (plus every `ERR_TLS_*` and `ERR_SSL_*`). */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
]);

/**
 * A socket failure as the driver contract types it: before the connection was up a retryable
 * `ConnectionError` (`details.written: false`: nothing left); a refused certificate
 * `CONN_TLS_FAILED` (permanent); afterwards `CONN_CONNECTION_CLOSED` (`written: true`).
 */
export function networkError(error: unknown, phase: RequestPhase, target: RestTarget): ConnError {
  const where = `${target.scheme}//${target.host}:${target.port}`;
  const code = (error as { code?: unknown }).code;
  const errno = typeof code === 'string' ? code : undefined;
  const said = error instanceof Error ? error.message : String(error);
  const details = { host: target.host, port: target.port, errno };
  if (
    phase === 'handshake' ||
    (errno !== undefined &&
      (CERTIFICATE_CODES.has(errno) || errno.startsWith('ERR_TLS_') || errno.startsWith('ERR_SSL_')))
  ) {
    return new ConnectionError(`ApertureDB REST: TLS with ${where} failed: ${said}`, {
      code: 'CONN_TLS_FAILED',
      retryable: false,
      cause: error,
      details: { ...details, written: false },
    });
  }
  if (phase === 'connecting') {
    return new ConnectionError(`ApertureDB REST: cannot connect to ${where}: ${said}`, {
      code: 'CONN_CONNECTION_FAILED',
      retryable: true,
      cause: error,
      details: { ...details, written: false },
    });
  }
  return new ConnectionError(`ApertureDB REST: the connection to ${where} failed: ${said}`, {
    code: 'CONN_CONNECTION_CLOSED',
    retryable: false,
    cause: error,
    details: { ...details, written: true },
  });
}

/** No TCP connection (and TLS handshake) within `connectTimeoutMs`: nothing was sent. */
export function connectTimeoutError(target: RestTarget, connectTimeoutMs: number): ConnectionError {
  return new ConnectionError(
    `ApertureDB REST: no connection to ${target.scheme}//${target.host}:${target.port} within ${connectTimeoutMs} ms`,
    {
      code: 'CONN_CONNECT_TIMEOUT',
      retryable: true,
      details: { host: target.host, port: target.port, connectTimeoutMs, written: false },
    },
  );
}

/**
 * An HTTP status other than 200. A gateway's 502, 503 or 504 says the database was not reached
 * or did not answer: a `ConnectionError`; anything else is a `ProtocolError`. Both
 * `CONN_APERTUREDB_HTTP_STATUS` with `details.httpStatus`, and `serverMessage` the body's `info`
 * when it had one (secrets removed by the caller's `clean`). Never retried: the request arrived.
 */
export function httpStatusError(
  status: number,
  body: Buffer,
  target: RestTarget,
  clean: (text: string) => string,
): ConnError {
  const info = infoOf(body);
  const serverMessage = info === undefined ? undefined : clean(info);
  const message = `ApertureDB REST answered HTTP ${status} from ${target.scheme}//${target.host}:${target.port}${
    serverMessage === undefined ? '' : `: ${serverMessage}`
  }`;
  const options = {
    code: 'CONN_APERTUREDB_HTTP_STATUS',
    retryable: false,
    details: { httpStatus: status, serverCode: status, serverMessage, host: target.host, port: target.port },
  } as const;
  return status === 502 || status === 503 || status === 504
    ? new ConnectionError(message, options)
    : new ProtocolError(message, options);
}

/** The `info` text of a small JSON error body, if it has one. */
function infoOf(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const info = (parsed as { info?: unknown } | null)?.info;
    return typeof info === 'string' ? info.slice(0, 500) : undefined;
  } catch {
    return undefined;
  }
}
