import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError, Secret } from '@conn/core';
import type { CockroachTlsOptions, SslMode } from './options.js';

/** What `pg` gets as `ssl`, plus whether a plain connection may follow a refused TLS request. */
export interface TlsPlan {
  readonly ssl: false | ConnectionOptions;
  /** `sslmode=prefer`: retry without TLS when the server does not offer it. */
  readonly plainFallback: boolean;
}

async function pem(
  inline: string | Buffer | Secret | undefined,
  file: string | undefined,
  field: string,
): Promise<string | Buffer | undefined> {
  if (inline !== undefined) return inline instanceof Secret ? inline.reveal() : inline;
  if (file === undefined) return undefined;
  try {
    return await readFile(file);
  } catch (error) {
    throw new ConfigError(`could not read ${field} file ${file}: ${(error as Error).message}`, {
      field,
      cause: error,
    });
  }
}

/**
 * Turns `sslmode` and the PEM settings into `tls.connect` options, with libpq's meanings:
 * `require` encrypts without checking the certificate (unless a root certificate is given, then it
 * acts as `verify-ca`), `verify-ca` checks the chain, `verify-full` also the host name.
 */
export async function planTls(tls: CockroachTlsOptions & { readonly mode: SslMode }): Promise<TlsPlan> {
  if (tls.mode === 'disable' || tls.mode === 'allow') return { ssl: false, plainFallback: false };
  const ca = await pem(tls.ca, tls.caFile, 'tls.ca');
  const cert = await pem(tls.cert, tls.certFile, 'tls.cert');
  const key = await pem(tls.key, tls.keyFile, 'tls.key');
  const base: ConnectionOptions = {};
  if (ca !== undefined) base.ca = ca;
  if (cert !== undefined) base.cert = cert;
  if (key !== undefined) base.key = key;
  if (tls.servername !== undefined) base.servername = tls.servername;
  let mode = tls.mode;
  if (mode === 'require' && ca !== undefined) mode = 'verify-ca';
  switch (mode) {
    case 'prefer':
      return { ssl: { ...base, rejectUnauthorized: false }, plainFallback: true };
    case 'require':
      return { ssl: { ...base, rejectUnauthorized: false }, plainFallback: false };
    case 'verify-ca':
      return {
        ssl: { ...base, rejectUnauthorized: true, checkServerIdentity: () => undefined },
        plainFallback: false,
      };
    default:
      return { ssl: { ...base, rejectUnauthorized: true }, plainFallback: false };
  }
}
