import { readFileSync } from 'node:fs';
import { ConfigError } from '@conn/core';
import { type ChannelCredentials, type ChannelOptions, credentials } from '@grpc/grpc-js';
import type { ResolvedE6DataOptions } from '../options.js';

/** The `host:port` grpc-js dials (an IPv6 address in brackets). */
export function channelTarget(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * TLS credentials verified against the given CA (or the system roots), or plaintext when `secure`
 * was turned off; the channel options with a server-name override when one was given.
 */
export function channelSetup(options: ResolvedE6DataOptions): {
  credentials: ChannelCredentials;
  channelOptions: ChannelOptions;
} {
  const tls = options.tls;
  const channelOptions: ChannelOptions = { ...options.grpcOptions };
  if (tls === undefined) return { credentials: credentials.createInsecure(), channelOptions };
  const ca = tls.ca ?? (tls.caFile === undefined ? undefined : readCaFile(tls.caFile));
  if (tls.servername !== undefined) channelOptions['grpc.ssl_target_name_override'] = tls.servername;
  const roots = ca === undefined ? null : Buffer.from(typeof ca === 'string' ? ca : ca);
  return { credentials: credentials.createSsl(roots), channelOptions };
}

function readCaFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new ConfigError(`tls.caFile cannot be read: ${path}`, { field: 'tls.caFile', cause });
  }
}
