/**
 * Writes response payloads with the byte shapes SiriDB 2.0.55 uses (docs/protocols/siridb.md §4.3):
 * query, insert and error answers start with an open map (0xfd) that is never closed, service data
 * with an open array (0xfc) that is never closed, while nested point arrays and list rows are open
 * arrays that *are* closed (0xfc … 0xfe). Inner values go through the package's qpack encoder.
 * @internal
 */
import { encodeQpack, type QpackInput, qpackFloat } from '../protocol/qpack.js';
import type { PointValue, SeriesType } from './store.js';

const MAP_OPEN = 0xfd;
const ARRAY_OPEN = 0xfc;
const ARRAY_CLOSE = 0xfe;
const MAP2 = 0xf5;

const SINGLE = [MAP_OPEN, ARRAY_OPEN, ARRAY_CLOSE, MAP2].map((byte) => Buffer.from([byte]));

/** Collects the pieces of one payload. */
export class ResponseWriter {
  readonly #parts: Buffer[] = [];
  #length = 0;

  #push(part: Buffer): this {
    this.#parts.push(part);
    this.#length += part.length;
    return this;
  }

  /** 0xfd: an open map (never closed at the top level). */
  openMap(): this {
    return this.#push(SINGLE[0] as Buffer);
  }

  /** 0xfc: an open array. */
  openArray(): this {
    return this.#push(SINGLE[1] as Buffer);
  }

  /** 0xfe: closes an open array. */
  closeArray(): this {
    return this.#push(SINGLE[2] as Buffer);
  }

  /** 0xf5: a fixed map of two pairs; the four values follow. */
  map2(): this {
    return this.#push(SINGLE[3] as Buffer);
  }

  /** One value in canonical qpack. */
  value(value: QpackInput): this {
    return this.#push(encodeQpack(value));
  }

  /** A point as the server packs it: fixed ARRAY2 of the timestamp and the typed value. */
  point(ts: bigint, value: PointValue, type: SeriesType): this {
    return this.#push(encodeQpack([ts, typedValue(value, type)]));
  }

  /** The payload bytes. */
  toBuffer(): Buffer {
    return Buffer.concat(this.#parts, this.#length);
  }
}

/** A value as qpack input: floats are always written as doubles (`22.0`, not `22`). */
export function typedValue(value: PointValue, type: SeriesType): QpackInput {
  return type === 'float' ? qpackFloat(value as number) : value;
}

/** `{"error_msg": …}` behind an open map, as `sirinet_pkg_err` writes it. */
export function errorPayload(message: string): Buffer {
  return new ResponseWriter().openMap().value('error_msg').value(message).toBuffer();
}

/** `{"success_msg": …}` behind an open map. */
export function successPayload(message: string): Buffer {
  return new ResponseWriter().openMap().value('success_msg').value(message).toBuffer();
}

/** `{key: value}` behind an open map (count, calc, …). */
export function singlePayload(key: string, value: QpackInput): Buffer {
  return new ResponseWriter().openMap().value(key).value(value).toBuffer();
}

/** Service data: an open array that is never closed (`fc 86"2.0.55"`). */
export function serviceDataPayload(values: readonly string[]): Buffer {
  const writer = new ResponseWriter().openArray();
  for (const value of values) writer.value(value);
  return writer.toBuffer();
}
