import { type ConnError, ProtocolError, type Secret } from '@conn/core';
import { errorFromServerFrame } from '../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../protocol/json.js';
import { ResponseCode } from '../protocol/response-codes.js';
import type { ResponseEnvelope } from '../protocol/response-envelope.js';
import { classifyResponse } from '../protocol/response-envelope.js';

/** What a query asks for; it decides the shape of the answer (docs/protocols/zteradb.md, response streams). */
export type ZTeraDBRequestKind = 'select' | 'count' | 'insert' | 'update' | 'delete';

/** The single result of a count. */
export interface ZTeraDBCountResult {
  readonly count: number;
}
/** The single result of an insert: the new row's id (an integer or a 26-character id). */
export interface ZTeraDBInsertResult {
  readonly lastInsertId: number | string;
}
/** The single result of an update. */
export interface ZTeraDBUpdateResult {
  readonly isUpdated: boolean;
}
/** The single result of a delete. */
export interface ZTeraDBDeleteResult {
  readonly isDeleted: boolean;
}

/** The result of each single-result kind. */
export interface ZTeraDBResultOf {
  readonly count: ZTeraDBCountResult;
  readonly insert: ZTeraDBInsertResult;
  readonly update: ZTeraDBUpdateResult;
  readonly delete: ZTeraDBDeleteResult;
}

/** A single result of any kind. */
export type ZTeraDBSingleResult = ZTeraDBResultOf[keyof ZTeraDBResultOf];

/** What one frame of an answer means. */
export type AnswerEvent =
  /** A select's row. */
  | { readonly type: 'row'; readonly row: JsonObject }
  /**
   * A count/insert/update/delete's result. The answer may still end with a QUERY_COMPLETE: wait for
   * it at most the grace time; if it does not come, the connection cannot be reused.
   */
  | { readonly type: 'result'; readonly result: ZTeraDBSingleResult }
  /** QUERY_COMPLETE: the answer is over and the connection is ready for the next request. */
  | { readonly type: 'end' };

/** Where an {@link AnswerReader} is. */
export type AnswerState = 'reading' | 'awaiting-complete' | 'done' | 'failed';

/**
 * Reads the answer to one query, frame by frame, as a pure state machine. A select yields one row
 * per code-7 frame until QUERY_COMPLETE. A count, insert, update or delete yields its one result;
 * whether QUERY_COMPLETE follows is unknown for the real server, so after the result the reader
 * waits for it (`awaiting-complete`) and the caller gives it a short grace. An error frame becomes
 * the typed error (never empty rows); a frame out of order is a `ProtocolError`.
 */
export class AnswerReader {
  readonly kind: ZTeraDBRequestKind;
  readonly #secrets: readonly (Secret | undefined)[];
  #state: AnswerState = 'reading';

  /** `secrets` are removed from server messages that echo them. */
  constructor(kind: ZTeraDBRequestKind, secrets: readonly (Secret | undefined)[] = []) {
    this.kind = kind;
    this.#secrets = secrets;
  }

  /** Where the reader is. */
  get state(): AnswerState {
    return this.#state;
  }

  /**
   * True only once the whole answer was read to QUERY_COMPLETE. After an error frame it is false:
   * the server is not known to send nothing more, and a stray QUERY_COMPLETE read by the next
   * select would look like an empty result.
   */
  get connectionReusable(): boolean {
    return this.#state === 'done';
  }

  /**
   * The row of a select's plain row frame, read without the objects {@link accept} makes (the
   * hot path of a long answer); `undefined` for any other frame, which then goes to `accept`.
   */
  rowOf(envelope: ResponseEnvelope): JsonObject | undefined {
    if (this.kind !== 'select' || this.#state !== 'reading') return undefined;
    if (envelope.error || envelope.responseCode !== ResponseCode.QUERY_DATA) return undefined;
    const { data } = envelope;
    return isJsonObject(data) ? data : undefined;
  }

  /**
   * Feeds one frame of the answer.
   * @throws the typed server error for an error frame (`errorFromServerFrame`).
   * @throws ProtocolError `CONN_ZTERADB_UNEXPECTED_FRAME` for a frame out of order or after the end,
   * `CONN_ZTERADB_MALFORMED_FRAME` for a result of the wrong shape.
   */
  accept(envelope: ResponseEnvelope): AnswerEvent {
    if (this.#state === 'done' || this.#state === 'failed') {
      throw this.#fail(unexpected(`a frame (response code ${envelope.responseCode}) after the answer ended`));
    }
    let frame: ReturnType<typeof classifyResponse>;
    try {
      frame = classifyResponse(envelope);
    } catch (error) {
      this.#state = 'failed';
      throw error;
    }
    if (frame.kind === 'error') throw this.#fail(errorFromServerFrame(frame, 'query', this.#secrets));
    if (frame.kind === 'complete') {
      if (this.kind !== 'select' && this.#state === 'reading') {
        throw this.#fail(unexpected(`QUERY_COMPLETE before the ${this.kind} result`));
      }
      this.#state = 'done';
      return { type: 'end' };
    }
    if (frame.kind === 'connected') throw this.#fail(unexpected('CONNECTED in the answer to a query'));
    if (this.kind === 'select') {
      if (frame.kind !== 'row') {
        throw this.#fail(unexpected(`response code ${envelope.responseCode} where a row (7) was expected`));
      }
      return { type: 'row', row: frame.row };
    }
    if (this.#state === 'awaiting-complete') {
      throw this.#fail(unexpected(`a second ${this.kind} result (response code ${envelope.responseCode})`));
    }
    // The result frame's code is not documented: 7 like a row, or another success code.
    const data = frame.kind === 'row' ? frame.row : frame.data;
    const result = readResult(this.kind, data);
    if (result === undefined) throw this.#fail(malformed(this.kind));
    this.#state = 'awaiting-complete';
    return { type: 'result', result };
  }

  #fail(error: ConnError): ConnError {
    this.#state = 'failed';
    return error;
  }
}

function readResult(
  kind: Exclude<ZTeraDBRequestKind, 'select'>,
  data: JsonValue,
): ZTeraDBSingleResult | undefined {
  if (!isJsonObject(data)) return undefined;
  switch (kind) {
    case 'count': {
      const count = data.count;
      return typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? { count } : undefined;
    }
    case 'insert': {
      const id = data.last_insert_id;
      return (typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id !== '')
        ? { lastInsertId: id }
        : undefined;
    }
    case 'update':
      return typeof data.is_updated === 'boolean' ? { isUpdated: data.is_updated } : undefined;
    case 'delete':
      return typeof data.is_deleted === 'boolean' ? { isDeleted: data.is_deleted } : undefined;
  }
}

const RESULT_FIELD: Readonly<Record<Exclude<ZTeraDBRequestKind, 'select'>, string>> = {
  count: 'count (a non-negative integer)',
  insert: 'last_insert_id (an integer or a non-empty string)',
  update: 'is_updated (a boolean)',
  delete: 'is_deleted (a boolean)',
};

function malformed(kind: Exclude<ZTeraDBRequestKind, 'select'>): ProtocolError {
  return new ProtocolError(`the ${kind} result has no ${RESULT_FIELD[kind]}`, {
    code: 'CONN_ZTERADB_MALFORMED_FRAME',
    details: { kind },
  });
}

function unexpected(what: string): ProtocolError {
  return new ProtocolError(`ZTeraDB answer: unexpected ${what}`, { code: 'CONN_ZTERADB_UNEXPECTED_FRAME' });
}
