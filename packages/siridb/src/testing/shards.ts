/**
 * Shards as SiriDB 2.0.55 makes them, derived from the inserts (docs/protocols/siridb.md §13), for
 * `list shards`, `count shards [size]` and the `shard_duration` of `list series`.
 *
 * A numeric series keeps its newest points in a small buffer (`buffer_size / 16` points) and
 * writes them to shards once the buffer is full, or at once when an insert brings more points
 * than the buffer holds; string series have no buffer. The first write fixes the series' shard
 * duration: from the typical interval between its points (about 2,000 points a shard, rounded up
 * to whole hours, days or weeks) when there are 8 points or more, else the database's
 * `duration_num` / `duration_log`. A shard covers `[start, start + duration)` and its id is
 * `start + mask`, the mask spreading series over shards by a sum of their name's bytes.
 * Points are written in chunks (at most 1,200 numbers or 128 strings); `size` counts the bytes
 * of the shard file with the server's compression for numbers, and without text compression for
 * strings (the server also shortens repeated text, so its log shards can be smaller).
 * @internal
 */
import type { PointValue, SeriesType, TestSeries } from './store.js';
import { type Precision, ticksPerSecond } from './time-expr.js';

export type ShardType = 'number' | 'log';

/** One shard file. */
export interface Shard {
  readonly id: bigint;
  readonly duration: bigint;
  readonly type: ShardType;
  /** Bytes of the shard file. */
  size: number;
  /** Whether two chunks of one series in it overlap in time. */
  overlap: boolean;
}

/** A shard's time range: `[start, end)`. */
export function shardStart(shard: Shard): bigint {
  return shard.id - (shard.id % shard.duration);
}

/** The `status` column: every shard written since the server started has new, compressed values. */
export function shardStatus(shard: Shard): string {
  return shard.overlap ? 'overlap | new-values | compressed' : 'new-values | compressed';
}

/** What the book needs to know about its database. */
export interface ShardSettings {
  readonly precision: Precision;
  readonly durationNum: bigint;
  readonly durationLog: bigint;
  readonly bufferSize: number;
}

type Timestamps = readonly (number | bigint)[];

/** Points in time order. */
interface Batch {
  readonly ts: Timestamps;
  readonly values: readonly PointValue[];
}

/** What one series keeps for sharding. */
interface SeriesShards {
  readonly mask: bigint;
  /** 0 until the first write. */
  duration: bigint;
  /** Buffered points, in time order (numeric series only). */
  readonly bufferTs: (number | bigint)[];
  readonly bufferValues: PointValue[];
  /** Time ranges of the chunks written, ordered by start, to notice overlaps. */
  readonly chunks: { readonly start: number | bigint; readonly end: number | bigint }[];
}

/** Header bytes of a shard file. */
const HEADER_BYTES = 22;
/** Points below which a chunk is stored raw (16 bytes a number point). */
const ZIP_THRESHOLD = 5;
const MAX_CHUNK: Readonly<Record<ShardType, number>> = { number: 1200, log: 128 };
/** Shards aim at about this many points of a series. */
const POINTS_PER_SHARD = 2000n;
const TWO_32 = 4_294_967_296;

/** `(uint16) sqrt(seconds) / 24`: how many masks a duration spreads series over. */
function maskCount(duration: bigint, precision: Precision): bigint {
  return BigInt(Math.floor(Math.sqrt(Number(duration / ticksPerSecond(precision))))) / 24n;
}

/** The sum of the name's bytes as signed chars, as an unsigned 32-bit number. */
function nameSum(name: string): number {
  let sum = 0;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code >= 0x80) {
      // not ASCII: sum the UTF-8 bytes instead
      sum = 0;
      for (const byte of Buffer.from(name, 'utf8')) sum += byte >= 0x80 ? byte - 256 : byte;
      break;
    }
    sum += code;
  }
  return sum >>> 0;
}

/** Index of the first chunk/point after `ts` among items ordered by `key` (insertion after equals). */
function upperBound<T>(items: readonly T[], ts: number | bigint, key: (item: T) => number | bigint): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (key(items[mid] as T) <= ts) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** `a - b` for timestamps (a number when both are numbers). */
function minus(a: number | bigint, b: number | bigint): number | bigint {
  return typeof a === 'number' && typeof b === 'number' ? a - b : BigInt(a) - BigInt(b);
}

/** A 64-bit unsigned value as two 32-bit halves, for byte tests without bigint arithmetic. */
class Word {
  hi = 0;
  lo = 0;

  set(value: number | bigint): this {
    if (typeof value === 'number') {
      this.hi = Math.floor(value / TWO_32) >>> 0;
      this.lo = (value % TWO_32) >>> 0;
    } else {
      const unsigned = BigInt.asUintN(64, value);
      this.hi = Number(unsigned >> 32n);
      this.lo = Number(unsigned & 0xffff_ffffn);
    }
    return this;
  }

  /** Whether byte `index` (0 = lowest) is not zero. */
  byte(index: number): boolean {
    const half = index < 4 ? this.lo : this.hi;
    return ((half >>> ((index % 4) * 8)) & 0xff) !== 0;
  }

  /** 1-based index of the highest byte that is not zero; 0 for zero. */
  highest(): number {
    for (let index = 7; index >= 0; index--) if (this.byte(index)) return index + 1;
    return 0;
  }
}

const floatView = new Float64Array(1);
const floatWords = new Uint32Array(floatView.buffer);

/**
 * Bytes of the time-stamp part of a compressed chunk: the widths of the first step (`shift`) and
 * of the others (`count`), found from the bytes in which the steps differ from the last one.
 */
function stepWidths(ts: Timestamps, start: number, end: number): { count: number; shift: number } {
  const last = new Word().set(minus(ts[end - 1] as number, ts[end - 2] as number));
  let hi = 0;
  let lo = 0;
  const step = new Word();
  for (let i = start; i < end - 1; i++) {
    step.set(minus(ts[i + 1] as number, ts[i] as number));
    hi |= (step.hi ^ last.hi) >>> 0;
    lo |= (step.lo ^ last.lo) >>> 0;
  }
  const differs = new Word();
  differs.hi = hi >>> 0;
  differs.lo = lo >>> 0;
  let count = 0;
  let shift = 0;
  for (let index = 0; index < 8; index++) {
    if (differs.byte(index)) count = index + 1;
    else if (last.byte(index)) shift = index + 1;
  }
  return { count, shift: Math.max(count, shift) };
}

/** Value bytes a compressed integer point takes. */
function integerWidth(values: readonly PointValue[], start: number, end: number): number {
  let spread = 0n;
  for (let i = start; i < end - 1; i++) {
    const a = BigInt(values[i + 1] as bigint);
    const b = BigInt(values[i] as bigint);
    spread |= BigInt.asUintN(64, a > b ? a - b : b - a);
  }
  // one more bit for the sign of each step; the server as built always shifts, so a step of 2^63
  // or more loses its top bit (and its values read back wrong, which the test server does not copy)
  return new Word().set(BigInt.asUintN(64, spread << 1n)).highest();
}

/** Value bytes a compressed float point takes: the bytes in which the values differ from the last. */
function floatWidth(values: readonly PointValue[], start: number, end: number): number {
  floatView[0] = values[end - 1] as number;
  const lastLo = floatWords[0] as number;
  const lastHi = floatWords[1] as number;
  let hi = 0;
  let lo = 0;
  for (let i = start; i < end - 1; i++) {
    floatView[0] = values[i] as number;
    lo |= ((floatWords[0] as number) ^ lastLo) >>> 0;
    hi |= ((floatWords[1] as number) ^ lastHi) >>> 0;
  }
  const differs = new Word();
  differs.hi = hi >>> 0;
  differs.lo = lo >>> 0;
  let count = 0;
  for (let index = 0; index < 8; index++) if (differs.byte(index)) count++;
  return count;
}

/** Sizes of 32 KiB and more are kept in whole KiB. */
function roundedSize(size: number): number {
  return size >= 0x8000 ? Math.ceil(size / 1024) * 1024 : size;
}

/** Bytes a literal's length takes in a chunk of text that is not all ASCII. */
function literalHeader(length: number): number {
  let bytes = 1;
  for (let rest = Math.floor(length / 64); rest > 0; rest = Math.floor(rest / 128)) bytes++;
  return bytes;
}

/** Data bytes of a chunk of strings (points `start .. end - 1`). */
function stringChunkBytes(batch: Batch, start: number, end: number): number {
  const n = end - start;
  let text = 0;
  let headers = 0;
  let ascii = true;
  for (let i = start; i < end; i++) {
    const bytes = Buffer.from(batch.values[i] as string, 'utf8');
    // the server stores each string with a closing NUL
    text += bytes.length + 1;
    headers += literalHeader(bytes.length + 1);
    if (ascii && bytes.some((byte) => byte >= 0x80)) ascii = false;
  }
  if (n < ZIP_THRESHOLD) return roundedSize(text) + n * 8;
  const { count, shift } = stepWidths(batch.ts, start, end);
  return roundedSize(13 + shift + count * (n - 2) + text + (ascii ? 0 : headers));
}

/** Data bytes of a chunk of numbers. */
function numberChunkBytes(batch: Batch, start: number, end: number, type: SeriesType): number {
  const n = end - start;
  if (n < ZIP_THRESHOLD) return n * 16;
  const { count, shift } = stepWidths(batch.ts, start, end);
  const width =
    type === 'integer' ? integerWidth(batch.values, start, end) : floatWidth(batch.values, start, end);
  return 16 + shift - count + (count + width) * (n - 1);
}

/** The points in time order; equal times keep their order (the server sorts by insertion). */
function sorted(ts: Timestamps, values: readonly PointValue[]): Batch {
  let ordered = true;
  for (let i = 1; i < ts.length && ordered; i++) ordered = (ts[i - 1] as number) <= (ts[i] as number);
  if (ordered) return { ts, values };
  const order = ts
    .map((_, i) => i)
    .sort((a, b) => {
      const x = ts[a] as number | bigint;
      const y = ts[b] as number | bigint;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  return {
    ts: order.map((i) => ts[i] as number | bigint),
    values: order.map((i) => values[i] as PointValue),
  };
}

/** The shards of one database and the sharding state of its series. */
export class ShardBook {
  readonly #settings: ShardSettings;
  readonly #shards = new Map<string, Shard>();
  readonly #series = new WeakMap<TestSeries, SeriesShards>();
  readonly #numberMasks: bigint;
  readonly #logMasks: bigint;

  constructor(settings: ShardSettings) {
    this.#settings = settings;
    this.#numberMasks = maskCount(settings.durationNum, settings.precision);
    this.#logMasks = maskCount(settings.durationLog, settings.precision);
  }

  /** The shards in the server's order (that of its integer map by id, then by duration). */
  list(): Shard[] {
    return [...this.#shards.values()].sort(compareShards);
  }

  /** A series' shard duration: 0 until points of it were written to a shard. */
  durationOf(series: TestSeries): bigint {
    return this.#series.get(series)?.duration ?? 0n;
  }

  /** Records the points one insert stored in `series` (in insert order, not yet sorted). */
  stored(series: TestSeries, ts: Timestamps, values: readonly PointValue[]): void {
    if (ts.length === 0) return;
    const state = this.#state(series);
    if (series.type === 'string') {
      // string series have no buffer
      this.#write(series, state, sorted(ts, values));
      return;
    }
    const capacity = Math.floor(this.#settings.bufferSize / 16);
    const buffered = state.bufferTs.length;
    if (ts.length > capacity) {
      this.#write(series, state, sorted(ts, values));
    } else if (ts.length > 1 && ts.length + buffered > capacity) {
      // the buffered points join the insert's (after its points of the same time, last first)
      const allTs = [...ts, ...state.bufferTs.reverse()];
      const allValues = [...values, ...state.bufferValues.reverse()];
      state.bufferTs.length = 0;
      state.bufferValues.length = 0;
      this.#write(series, state, sorted(allTs, allValues));
    } else {
      const buffer = state.bufferTs;
      for (let i = 0; i < ts.length; i++) {
        const t = ts[i] as number;
        if (buffer.length === 0 || (buffer[buffer.length - 1] as number) <= t) {
          buffer.push(t);
          state.bufferValues.push(values[i] as PointValue);
        } else {
          const at = upperBound(buffer, t, (item) => item);
          buffer.splice(at, 0, t);
          state.bufferValues.splice(at, 0, values[i] as PointValue);
        }
        if (state.bufferTs.length === capacity) {
          const full = { ts: state.bufferTs.splice(0), values: state.bufferValues.splice(0) };
          this.#write(series, state, full);
        }
      }
    }
  }

  #state(series: TestSeries): SeriesShards {
    let state = this.#series.get(series);
    if (state === undefined) {
      const spread = BigInt(Math.floor(nameSum(series.name) / 11));
      const mask =
        series.type === 'string'
          ? (this.#logMasks === 0n ? 0n : spread % this.#logMasks) + 600n
          : this.#numberMasks === 0n
            ? 0n
            : spread % this.#numberMasks;
      state = { mask, duration: 0n, bufferTs: [], bufferValues: [], chunks: [] };
      this.#series.set(series, state);
    }
    return state;
  }

  /** The duration for a series' first write, from the interval between its points. */
  #firstDuration(series: TestSeries, batch: Batch): bigint {
    const { durationNum, durationLog, precision } = this.#settings;
    const interval = typicalInterval(batch.ts);
    if (interval === 0n) return series.type === 'string' ? durationLog : durationNum;
    const wanted = BigInt.asUintN(64, interval * POINTS_PER_SHARD);
    if (wanted === durationNum) return durationNum;
    if (wanted === durationLog) return durationLog;
    const ticks = ticksPerSecond(precision);
    for (const unit of [604_800n * ticks, 86_400n * ticks]) {
      const whole = wanted / unit;
      if (whole > 0n) return (whole + 1n) * unit;
    }
    const hour = 3600n * ticks;
    return (wanted / hour + 1n) * hour;
  }

  #write(series: TestSeries, state: SeriesShards, batch: Batch): void {
    if (state.duration === 0n) state.duration = this.#firstDuration(series, batch);
    const duration = state.duration;
    const type: ShardType = series.type === 'string' ? 'log' : 'number';
    const indexBytes = this.#settings.precision === 0 ? 16 : 24;
    const { ts } = batch;
    for (let from = 0; from < ts.length; ) {
      const first = BigInt(ts[from] as number);
      const start = first - (first % duration);
      const end = start + duration;
      let to = from;
      while (to < ts.length && (ts[to] as number) < end) to++;
      const shard = this.#shard(start + state.mask, duration, type);
      const size = to - from;
      const chunks = Math.floor((size - 1) / MAX_CHUNK[type]) + 1;
      const chunkSize = Math.floor(size / chunks) + (size % chunks === 0 ? 0 : 1);
      for (let at = from; at < to; at += chunkSize) {
        const stop = Math.min(at + chunkSize, to);
        const data =
          type === 'log' ? stringChunkBytes(batch, at, stop) : numberChunkBytes(batch, at, stop, series.type);
        shard.size += indexBytes + data;
        if (addChunk(state, ts[at] as number, ts[stop - 1] as number)) shard.overlap = true;
      }
      from = to;
    }
  }

  #shard(id: bigint, duration: bigint, type: ShardType): Shard {
    const key = `${id}/${duration}`;
    let shard = this.#shards.get(key);
    if (shard === undefined) {
      shard = { id, duration, type, size: HEADER_BYTES, overlap: false };
      this.#shards.set(key, shard);
    }
    return shard;
  }
}

/** Records a chunk's time range; true when it overlaps a neighbour. */
function addChunk(state: SeriesShards, start: number | bigint, end: number | bigint): boolean {
  const chunks = state.chunks;
  const at = upperBound(chunks, start, (chunk) => chunk.start);
  chunks.splice(at, 0, { start, end });
  const before = chunks[at - 1];
  const after = chunks[at + 1];
  return (before !== undefined && start < before.end) || (after !== undefined && end > after.start);
}

/**
 * The typical step between points: the median of the first 63 steps, or 0 when there are fewer
 * than 8 points or the steps vary by more than a tenth of the median.
 */
function typicalInterval(ts: Timestamps): bigint {
  if (ts.length < 8) return 0n;
  const n = Math.min(ts.length - 1, 63);
  const steps: bigint[] = [];
  for (let i = 0; i < n; i++) steps.push(BigInt(minus(ts[i + 1] as number, ts[i] as number)));
  steps.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const quarter = Math.floor(n / 4);
  const half = Math.floor(n / 2);
  const low = steps[quarter] as bigint;
  const median = steps[half] as bigint;
  const high = steps[half * 2 - quarter] as bigint;
  const tolerance = median / 10n;
  return low + tolerance < median || high - tolerance > median ? 0n : median;
}

/** Base-32 digits of an id as the server's integer map nests them (lowest first). */
function mapDigits(id: bigint): bigint[] {
  const digits = [id % 32n];
  for (let rest = id / 32n; rest !== 0n; rest /= 32n) {
    rest -= 1n;
    digits.push(rest % 32n);
  }
  return digits;
}

function compareShards(a: Shard, b: Shard): number {
  const left = mapDigits(a.id);
  const right = mapDigits(b.id);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] as bigint;
    const y = right[i] as bigint;
    if (x !== y) return x < y ? -1 : 1;
  }
  if (left.length !== right.length) return left.length - right.length;
  return a.duration < b.duration ? -1 : a.duration > b.duration ? 1 : 0;
}
