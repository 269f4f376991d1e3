import { randomUUID } from 'node:crypto';
import { ConfigError, type Secret } from '@conn/core';
import type { WireObject } from './json.js';
import { RequestType } from './request-types.js';
import { signV2 } from './signature.js';

/** The deployment environments the service knows. */
export type ZTeraDBEnv = 'dev' | 'staging' | 'qa' | 'prod';

/** The only response data type defined by the protocol. */
export type ZTeraDBResponseDataType = 'json';

/** What a CONNECT frame is built from. */
export interface ConnectRequestInput {
  readonly clientKey: Secret;
  readonly accessKey: Secret;
  readonly secretKey: Secret;
  readonly databaseId: string;
  readonly env: ZTeraDBEnv;
  readonly responseDataType?: ZTeraDBResponseDataType | undefined;
  /** Unix time in whole seconds; defaults to now. Tests pin it. */
  readonly timestamp?: number | undefined;
  /** Defaults to a fresh UUIDv4, so every connection signs a different message. Tests pin it. */
  readonly nonce?: string | undefined;
}

/** A CONNECT frame ready for the codec, plus the nonce and timestamp it signed. */
export interface ConnectRequest {
  readonly frame: WireObject;
  readonly nonce: string;
  readonly timestamp: number;
}

/**
 * Builds the v2 CONNECT frame in the Node client's key order, the superset of fields
 * (docs/protocols/zteradb.md, CONNECT request fields): `client_key, nonce, timestamp, database_id,
 * signature, request_type, env, response_data_type`. `access_key` and `secret_key` are never sent.
 * The client key stays a `Secret` inside the frame: it is revealed only when the codec serialises.
 * @throws ConfigError for a non-integer or negative timestamp or an empty nonce.
 */
export function buildConnectRequest(input: ConnectRequestInput): ConnectRequest {
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = input.nonce ?? randomUUID();
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new ConfigError('the CONNECT timestamp must be a non-negative integer of seconds', {
      field: 'timestamp',
    });
  }
  if (nonce.length === 0) throw new ConfigError('the CONNECT nonce must not be empty', { field: 'nonce' });
  const signature = signV2({ accessKey: input.accessKey, secretKey: input.secretKey, timestamp, nonce });
  const frame: WireObject = {
    client_key: input.clientKey,
    nonce,
    timestamp,
    database_id: input.databaseId,
    signature,
    request_type: RequestType.CONNECT,
    env: input.env,
    response_data_type: input.responseDataType ?? 'json',
  };
  return { frame, nonce, timestamp };
}
