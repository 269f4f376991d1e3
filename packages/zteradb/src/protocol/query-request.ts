import type { Secret } from '@conn/core';
import type { ZTeraDBEnv } from './connect-request.js';
import type { WireObject, WireValue } from './json.js';
import { RequestType } from './request-types.js';

/** What a QUERY envelope is built from. */
export interface QueryRequestInput {
  /** From the CONNECTED frame; the Node client sends it with every query. */
  readonly clientKey: Secret;
  /** The per-connection session token from the CONNECTED frame. */
  readonly accessToken: Secret;
  readonly databaseId: string;
  readonly env: ZTeraDBEnv;
  /** The ZQL query object, or a builder whose `toJSON()` returns it. */
  readonly query: WireValue;
}

/**
 * Builds the QUERY envelope (docs/protocols/zteradb.md, request envelope) in the Node client's
 * shape, the superset the service accepts: `client_key, access_token, request_type, database_id,
 * env, query`. Tokens stay `Secret`s until the codec serialises the frame.
 */
export function buildQueryRequest(input: QueryRequestInput): WireObject {
  return {
    client_key: input.clientKey,
    access_token: input.accessToken,
    request_type: RequestType.QUERY,
    database_id: input.databaseId,
    env: input.env,
    query: input.query,
  };
}

/** The CANCEL frame, exactly as the Python client sends it when a stream is abandoned. */
export function buildCancelRequest(): WireObject {
  return { query: 'cancel', request_type: RequestType.CANCEL };
}
