import { ConfigError } from '@conn/core';
import { findCycle } from './qpack-cycles.js';
import type { QpackFloat } from './qpack-float.js';
import * as qpackWriter from './qpack-writer.js';

// Module-local copies: code over imported bindings ran several times slower when the sources run
// as separate ES modules (tsx, vitest); bundled builds inline them either way.
const { copyOut, EncodeFailure, ownOutput, QpackWriter, releaseScratch, takeScratch } = qpackWriter;

/**
 * What {@link encodeQpack} can write.
 *
 * - `null` and `undefined` → null (also inside arrays and objects: a key whose value is `undefined`
 *   is written with a null value, not left out).
 * - `number`: integral values (`Number.isInteger`) → the smallest integer encoding; everything else
 *   (fractions, `NaN`, `±Infinity`) → a double. Wrap a number in {@link QpackFloat} to force a double.
 * - `bigint` → integer. Integers must fit in a signed 64-bit integer.
 * - `string` → UTF-8 raw; `Uint8Array` (and `Buffer`) → raw bytes.
 * - arrays → qpack arrays; plain objects and `Map`s with string keys → qpack maps.
 */
export type QpackInput =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | QpackFloat
  | readonly QpackInput[]
  | { readonly [key: string]: QpackInput }
  | ReadonlyMap<string, QpackInput>;

/** Options of {@link encodeQpack}. */
export interface QpackEncodeOptions {
  /**
   * Bytes to leave free (zeroed) at the start of the returned buffer, for a header the caller writes
   * in place (SiriDB's 8-byte package header), so a message is one buffer. Default 0.
   */
  reserve?: number;
}

/**
 * Bytes the last output that outgrew the scratch buffer needed: the next such encode starts its
 * own buffer at about this size, so a stream of similar payloads is written in place, not copied.
 */
let lastLargeBytes = 0;
/** The size hint never makes a first own buffer larger than this (one huge payload is not a trend). */
const MAX_HINTED_BYTES = 8 << 20;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `points[3][1]`, `series["cpu load"]`; segments arrive innermost first. */
function formatPath(segments: readonly (string | number)[]): string {
  let path = '';
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i] as string | number;
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/**
 * Encodes `value` as qpack with the canonical rules of the C and Python encoders
 * (docs/protocols/siridb.md §4.2). Returns one new buffer, with `options.reserve` zeroed bytes
 * before the qpack bytes.
 *
 * @throws ConfigError `CONN_SIRIDB_QPACK_TYPE` for a value qpack cannot hold (function, symbol,
 *   class instance, circular reference, non-string `Map` key); `CONN_SIRIDB_QPACK_RANGE` for an
 *   integer outside the signed 64-bit range. The message and `details.path` name where it is.
 */
export function encodeQpack(value: unknown, options?: QpackEncodeOptions): Buffer {
  const reserve = options?.reserve ?? 0;
  if (!Number.isSafeInteger(reserve) || reserve < 0) {
    throw new ConfigError(`qpack: reserve must be a non-negative integer, got ${String(reserve)}`, {
      code: 'CONN_SIRIDB_QPACK_OPTIONS',
      field: 'reserve',
    });
  }
  const scratch = takeScratch(reserve);
  const writer = new QpackWriter(scratch, reserve);
  if (lastLargeBytes > 0) {
    writer.firstGrowBytes = Math.min(MAX_HINTED_BYTES, lastLargeBytes + (lastLargeBytes >>> 5) + 64);
  }
  try {
    writer.value(value);
  } catch (error) {
    if (!(error instanceof EncodeFailure)) throw error;
    const cycle = error.tooDeep ? findCycle(value) : undefined;
    const path = formatPath(cycle ?? error.path);
    const what = cycle === undefined ? error.what : 'a circular reference';
    throw new ConfigError(`qpack: cannot encode ${what} ${path === '' ? 'at the top level' : `at ${path}`}`, {
      code: error.code,
      details: { path },
    });
  } finally {
    releaseScratch(scratch);
  }
  if (writer.buf === scratch) return copyOut(writer, reserve);
  lastLargeBytes = writer.pos;
  return ownOutput(writer, reserve);
}
