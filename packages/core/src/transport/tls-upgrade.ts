import { isIP, type Socket } from 'node:net';
import tls, { type ConnectionOptions, type SecureVersion, type TLSSocket } from 'node:tls';
import { abortReason } from '../abort.js';
import { ConnectionError } from '../errors/index.js';

/** PEM text or bytes, one or several. */
export type PemInput = string | Buffer | ReadonlyArray<string | Buffer>;

/**
 * TLS settings of a connection. Certificates are verified unless `rejectUnauthorized` is
 * explicitly `false`; the system's root CAs are trusted unless `ca` is given.
 */
export interface TlsOptions {
  /** CA certificates to trust instead of the system's root CAs (PEM). */
  ca?: PemInput | undefined;
  /** Client certificate chain for mutual TLS (PEM). */
  cert?: PemInput | undefined;
  /** Private key of `cert` (PEM). */
  key?: PemInput | undefined;
  /** Name for SNI and certificate verification. Defaults to the host when it is a name, not an IP. */
  servername?: string | undefined;
  /** Verify the server's certificate chain and name. Default `true`; only `false` turns it off. */
  rejectUnauthorized?: boolean | undefined;
  /**
   * Check that the certificate names the host. Default `true`; `false` still verifies the chain
   * (for a server whose certificate, signed by a trusted CA, names another host).
   */
  verifyHostname?: boolean | undefined;
  /** Oldest TLS version accepted. Default `'TLSv1.2'`. */
  minVersion?: SecureVersion | undefined;
}

/** Options of {@link upgradeToTls}: TLS settings plus the target the certificate must match. */
export interface TlsUpgradeOptions extends TlsOptions {
  /** Host name or IP the certificate must be valid for. Default: `servername`, else the peer's IP. */
  host?: string | undefined;
  /** Port, for error details only. Default: the peer's port. */
  port?: number | undefined;
}

/**
 * Starts TLS on an already connected socket (for example after ApertureDB's cleartext hello) and
 * resolves with the encrypted socket once the handshake and certificate checks succeeded. Bytes
 * already received but not consumed (left in the socket's readable buffer, e.g. by
 * {@link readFrame}) are fed to TLS, not lost. On failure or abort both sockets are destroyed.
 *
 * @throws ConnectionError `CONN_TLS_FAILED` (not retryable for certificate or protocol errors),
 * or the signal's `ConnError` when it aborts first.
 */
export function upgradeToTls(
  socket: Socket,
  options: TlsUpgradeOptions = {},
  signal?: AbortSignal,
): Promise<TLSSocket> {
  if (signal?.aborted) {
    socket.destroy();
    return Promise.reject(abortReason(signal, 'TLS handshake'));
  }
  const host = options.host ?? options.servername ?? socket.remoteAddress ?? 'localhost';
  const port = options.port ?? socket.remotePort ?? 0;
  return new Promise<TLSSocket>((resolve, reject) => {
    let tlsSocket: TLSSocket;
    try {
      tlsSocket = tls.connect(tlsConnectOptions(options, host, socket));
    } catch (error) {
      socket.destroy();
      reject(tlsFailure(error, host, port));
      return;
    }
    const finish = (error: unknown): void => {
      tlsSocket.off('secureConnect', onSecure);
      tlsSocket.off('error', onError);
      tlsSocket.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) {
        resolve(tlsSocket);
        return;
      }
      tlsSocket.destroy();
      socket.destroy();
      reject(error);
    };
    const onSecure = (): void => finish(undefined);
    const onError = (error: Error): void => finish(tlsFailure(error, host, port));
    const onClose = (): void =>
      finish(tlsFailure(new Error('socket closed during the TLS handshake'), host, port, true));
    const onAbort = (): void => finish(abortReason(signal as AbortSignal, 'TLS handshake'));
    tlsSocket.once('secureConnect', onSecure);
    tlsSocket.once('error', onError);
    tlsSocket.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function tlsConnectOptions(options: TlsOptions, host: string, socket: Socket): ConnectionOptions {
  const servername = options.servername ?? (isIP(host) === 0 ? host : undefined);
  const result: ConnectionOptions = {
    socket,
    host,
    rejectUnauthorized: options.rejectUnauthorized !== false,
    minVersion: options.minVersion ?? 'TLSv1.2',
  };
  if (servername !== undefined) result.servername = servername;
  if (options.verifyHostname === false) result.checkServerIdentity = () => undefined;
  if (options.ca !== undefined) result.ca = pem(options.ca);
  if (options.cert !== undefined) result.cert = pem(options.cert);
  if (options.key !== undefined) result.key = pem(options.key);
  return result;
}

function pem(input: PemInput): string | Buffer | Array<string | Buffer> {
  return typeof input === 'string' || Buffer.isBuffer(input) ? input : [...input];
}

/** Network failures during a handshake that a new attempt may not meet. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

function tlsFailure(error: unknown, host: string, port: number, transient = false): ConnectionError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectionError(`TLS handshake with ${host}:${port} failed: ${message}`, {
    code: 'CONN_TLS_FAILED',
    cause: error,
    // Certificate and protocol errors will fail again the same way; resets may not.
    retryable: transient || (code !== undefined && TRANSIENT_CODES.has(code)),
    details: { host, port, ...(code === undefined ? {} : { tlsCode: code }) },
  });
}
