import { malformedChunk } from '../protocol-errors.js';
import { formatLocal } from './date-time.js';
import { formatOffset, zoneOffsetSeconds } from './zone-offset.js';

/**
 * A TIMESTAMP_TZ value: wall time in `zone` plus its offset, e.g. `2026-02-12T05:30:00.123+05:30`
 * (docs/protocols/e6data.md §6.4). `undefined` when the zone is not recognised.
 */
export function tryFormatTimestampTz(micros: bigint | number, zone: string | undefined): string | undefined {
  const offset = zoneOffsetSeconds(zone, micros);
  if (offset === undefined) return undefined;
  if (offset === 0) return `${formatLocal(micros)}+00:00`;
  let local: bigint | number;
  if (typeof micros === 'number') {
    local = micros + offset * 1_000_000;
    if (!Number.isSafeInteger(local)) local = BigInt(micros) + BigInt(offset) * 1_000_000n;
  } else {
    local = micros + BigInt(offset) * 1_000_000n;
  }
  return `${formatLocal(local)}${formatOffset(offset)}`;
}

/**
 * A TIMESTAMP_TZ value (see {@link tryFormatTimestampTz}); an unknown zone is a
 * `CONN_E6DATA_MALFORMED_CHUNK` error reporting `offset`.
 */
export function formatTimestampTz(micros: bigint | number, zone: string | undefined, offset = 0): string {
  const text = tryFormatTimestampTz(micros, zone);
  if (text === undefined)
    throw malformedChunk(`unknown time zone ${JSON.stringify(zone?.slice(0, 64))}`, offset);
  return text;
}
