import { ProtocolError } from '@conn/core';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { describeResponseCode, ResponseCode, type ResponseCodeInfo } from './response-codes.js';

/** One server frame: `{error, response_code, data, client_auth?}` (docs/protocols/zteradb.md, responses). */
export interface ResponseEnvelope {
  readonly error: boolean;
  readonly responseCode: number;
  /** Usually an object; kept as sent so the caller decides what an odd value means. */
  readonly data: JsonValue;
  /** The server's proof, present only on CONNECTED. */
  readonly clientAuth: JsonObject | undefined;
}

/**
 * Checks the envelope's shape: `error` a boolean, `response_code` an integer, `client_auth` an
 * object when present. A missing `data` reads as `null`.
 * @throws ProtocolError `CONN_ZTERADB_MALFORMED_FRAME` naming the bad field (never its value).
 */
export function parseResponseEnvelope(frame: JsonObject): ResponseEnvelope {
  const { error, response_code: responseCode, data, client_auth: clientAuth } = frame;
  if (typeof error !== 'boolean') throw badField('error', 'a boolean');
  if (typeof responseCode !== 'number' || !Number.isSafeInteger(responseCode)) {
    throw badField('response_code', 'an integer');
  }
  if (clientAuth !== undefined && !isJsonObject(clientAuth)) throw badField('client_auth', 'an object');
  return { error, responseCode, data: data ?? null, clientAuth };
}

/** A server frame classified by what it means to the client. */
export type ServerFrame =
  | { readonly kind: 'connected'; readonly data: JsonValue; readonly clientAuth: JsonObject | undefined }
  | { readonly kind: 'complete' }
  | { readonly kind: 'row'; readonly row: JsonObject }
  | { readonly kind: 'data'; readonly code: ResponseCodeInfo; readonly data: JsonValue }
  | {
      readonly kind: 'error';
      readonly code: ResponseCodeInfo;
      readonly message: string;
      readonly data: JsonValue;
    };

/**
 * Classifies an envelope. `error: true` decides failure whatever the number (the two code tables
 * disagree); code 2 is CONNECTED, 1544 QUERY_COMPLETE, 7 a row whose `data` must be an object.
 * Other non-error codes (a count, an insert result under another number) are `data`.
 * @throws ProtocolError `CONN_ZTERADB_MALFORMED_FRAME` for a row frame whose data is not an object.
 */
export function classifyResponse(envelope: ResponseEnvelope): ServerFrame {
  const { responseCode, data } = envelope;
  if (envelope.error) {
    return {
      kind: 'error',
      code: describeResponseCode(responseCode),
      message: serverErrorMessage(data),
      data,
    };
  }
  switch (responseCode) {
    case ResponseCode.CONNECTED:
      return { kind: 'connected', data, clientAuth: envelope.clientAuth };
    case ResponseCode.QUERY_COMPLETE:
      return { kind: 'complete' };
    case ResponseCode.QUERY_DATA:
      if (!isJsonObject(data)) throw badField('data', 'an object in a row frame');
      return { kind: 'row', row: data };
    default:
      return { kind: 'data', code: describeResponseCode(responseCode), data };
  }
}

/** The server's error text: `data.zteradb_error` when it is a string, else the data as JSON. */
export function serverErrorMessage(data: JsonValue): string {
  if (isJsonObject(data) && typeof data.zteradb_error === 'string') return data.zteradb_error;
  return data === null ? '' : JSON.stringify(data);
}

function badField(field: string, expected: string): ProtocolError {
  return new ProtocolError(`a response frame's ${field} is not ${expected}`, {
    code: 'CONN_ZTERADB_MALFORMED_FRAME',
    details: { field },
  });
}
