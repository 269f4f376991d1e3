import { InsertError } from './errors.js';
import { encodeInsert, type SiriDBInsertData, type SiriDBSeriesPoints } from './insert-data.js';
import { PACKAGE_TOO_LARGE, packageTooLarge } from './package-size.js';
import { SERVER_MAX_PACKAGE_BYTES } from './protocol/package.js';

/** Part of one series in a request: `points` is the slice of the series given from `firstPoint` on. */
export interface SeriesSlice extends SiriDBSeriesPoints {
  readonly firstPoint: number;
}

/** One request cut from a batch, encoded (so validated) and ready to send. @internal */
export interface PlannedRequest {
  readonly series: readonly SeriesSlice[];
  readonly pointCount: number;
  readonly payload: Buffer;
}

/** A batch cut into requests. @internal */
export interface PlannedBatch {
  readonly requests: readonly PlannedRequest[];
  /** Series entries of the batch (a series cut into several requests counts once). */
  readonly seriesCount: number;
  readonly pointCount: number;
}

/** How large one request may be. @internal */
export interface RequestLimits {
  readonly maxPoints: number;
  readonly maxBytes: number;
}

/**
 * Cuts one batch (any form `insert()` takes) into requests of at most `maxPoints` points and
 * `maxBytes` payload bytes, series after series and point after point in the order given, and
 * encodes every request before returning, so an invalid point fails the batch before any of it is
 * sent. Errors are those of `insert()` for the same data, naming the series and point as given.
 * A point that alone is over `maxBytes` goes in a request of its own, as `insert()` would send it.
 * @throws InsertError / ConfigError as `insert()` does; ConfigError `CONN_SIRIDB_PACKAGE_TOO_LARGE`
 * for a point that alone makes a request larger than the server accepts.
 * @internal
 */
export function planBatch(batch: SiriDBInsertData, limits: RequestLimits): PlannedBatch {
  const series = seriesOf(batch);
  if (series === undefined) throw refusal(batch);
  let pointCount = 0;
  for (const entry of series) pointCount += entry.points.length;
  if (series.length === 0) return { requests: [], seriesCount: 0, pointCount: 0 };
  const requests: PlannedRequest[] = [];
  try {
    if (pointCount <= limits.maxPoints) {
      // The whole batch in one request, encoded as given: no copy, and errors name what was given.
      place(series, pointCount, encodeInsert(batch).payload, limits, requests);
    } else {
      for (const chunk of cut(series, limits.maxPoints)) encodeWithin(chunk, limits, requests);
    }
  } catch (error) {
    if (isPackageTooLarge(error)) throw error;
    // A slice's error names the slice; the batch as given gets the error of `insert()`.
    throw refusal(batch, error);
  }
  return { requests, seriesCount: series.length, pointCount };
}

/**
 * The series of a batch in order, or `undefined` when its shape is wrong (then encoding the batch
 * throws the error `insert()` gives). Holes in the array form carry no points and are skipped.
 */
function seriesOf(batch: unknown): SeriesSlice[] | undefined {
  const out: SeriesSlice[] = [];
  if (Array.isArray(batch)) {
    for (let i = 0; i < batch.length; i++) {
      if (!(i in batch)) continue;
      const entry: unknown = batch[i];
      if (typeof entry !== 'object' || entry === null) return undefined;
      const { name, points } = entry as SiriDBSeriesPoints;
      if (!wellFormed(name, points)) return undefined;
      out.push({ name, points, firstPoint: 0 });
    }
  } else if (batch instanceof Map) {
    for (const [name, points] of batch as ReadonlyMap<unknown, unknown>) {
      if (!wellFormed(name, points)) return undefined;
      out.push({ name: name as string, points, firstPoint: 0 });
    }
  } else if (typeof batch === 'object' && batch !== null) {
    const proto: unknown = Object.getPrototypeOf(batch);
    if (proto !== Object.prototype && proto !== null) return undefined;
    const record = batch as Readonly<Record<string, unknown>>;
    for (const name of Object.keys(record)) {
      const points = record[name];
      if (!wellFormed(name, points)) return undefined;
      out.push({ name, points, firstPoint: 0 });
    }
  } else {
    return undefined;
  }
  return out;
}

function wellFormed(name: unknown, points: unknown): points is SeriesSlice['points'] {
  return typeof name === 'string' && name.length > 0 && Array.isArray(points) && points.length > 0;
}

/** Cuts series into chunks of at most `size` points, in order; whole series are not copied. */
export function cut(series: readonly SeriesSlice[], size: number): SeriesSlice[][] {
  const chunks: SeriesSlice[][] = [];
  let chunk: SeriesSlice[] = [];
  let room = size;
  for (const entry of series) {
    const n = entry.points.length;
    let from = 0;
    while (from < n) {
      const take = Math.min(room, n - from);
      const points = take === n ? entry.points : entry.points.slice(from, from + take);
      chunk.push({ name: entry.name, points, firstPoint: entry.firstPoint + from });
      from += take;
      room -= take;
      if (room === 0) {
        chunks.push(chunk);
        chunk = [];
        room = size;
      }
    }
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** Encodes a chunk as one request, or as several when it is over `maxBytes`. */
function encodeWithin(chunk: readonly SeriesSlice[], limits: RequestLimits, out: PlannedRequest[]): void {
  place(chunk, countPoints(chunk), encodeInsert(chunk).payload, limits, out);
}

/**
 * Adds an encoded chunk as one request when it is within `maxBytes` (or is a single point the
 * server takes); else cuts it into parts of equal point counts, as many as its size calls for.
 */
function place(
  chunk: readonly SeriesSlice[],
  pointCount: number,
  payload: Buffer,
  limits: RequestLimits,
  out: PlannedRequest[],
): void {
  if (payload.length <= limits.maxBytes) {
    out.push({ series: chunk, pointCount, payload });
    return;
  }
  if (pointCount === 1) {
    const only = chunk[0] as SeriesSlice;
    if (payload.length > SERVER_MAX_PACKAGE_BYTES) {
      throw packageTooLarge(
        `insertMany: series ${shortName(only.name)}, point ${only.firstPoint} alone makes a request that`,
        payload.length,
        'data',
        { series: only.name.slice(0, 200), point: only.firstPoint },
      );
    }
    out.push({ series: chunk, pointCount, payload });
    return;
  }
  const parts = Math.min(pointCount, Math.ceil(payload.length / limits.maxBytes));
  for (const part of cut(chunk, Math.ceil(pointCount / parts))) encodeWithin(part, limits, out);
}

function countPoints(chunk: readonly SeriesSlice[]): number {
  let total = 0;
  for (const entry of chunk) total += entry.points.length;
  return total;
}

/** The error `insert()` gives for the batch as given, else `fallback`. */
function refusal(batch: SiriDBInsertData, fallback?: unknown): unknown {
  try {
    encodeInsert(batch);
  } catch (error) {
    return error;
  }
  return (
    fallback ??
    new InsertError('insert data must be { name: points }, a Map, or an array of { name, points }', {
      code: 'CONN_SIRIDB_INVALID_INSERT',
      siridbType: 0,
    })
  );
}

function isPackageTooLarge(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === PACKAGE_TOO_LARGE;
}

/** A series name for messages: quoted, long ones cut. */
function shortName(name: string): string {
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}...` : name);
}
