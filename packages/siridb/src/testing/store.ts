/**
 * In-memory SiriDB data: databases, series (type fixed by the first point, points kept sorted by
 * time), database users and service accounts. A store outlives a server, so a test can stop a
 * server and start another one over the same data.
 * @internal
 */
import { randomUUID } from 'node:crypto';
import { ShardBook } from './shards.js';
import { type Precision, ticksPerSecond } from './time-expr.js';
import { NAIVE } from './timezones.js';
import type { TestUser } from './users.js';

/** A series type as SiriDB names it in `list series type`. */
export type SeriesType = 'integer' | 'float' | 'string';

/** A stored value: `bigint` for integer series, `number` for float series, `string` for strings. */
export type PointValue = bigint | number | string;

/** One point. */
export interface Point {
  readonly ts: bigint;
  readonly value: PointValue;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Columns are kept in chunks of 4,096 points (32 KiB a column): growing never copies more than
 * one chunk, and no chunk is large enough for the allocator to map and unmap it each time.
 */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;
/** The first chunk starts this small and doubles up to a full chunk (small series stay small). */
const FIRST_CHUNK = 16;

/** One chunk of a column: timestamps and float values, integer values, or strings. */
type Chunk = Float64Array | BigInt64Array | string[];

/** Points kept as columns: no object per point until someone reads them as points. */
interface Columns {
  /** Timestamps (all safe integers): point `i` is at `ts[i >>> CHUNK_BITS][i & CHUNK_MASK]`. */
  readonly ts: Float64Array[];
  /** Values of the series' type, chunked the same way. */
  readonly values: Chunk[];
  length: number;
}

/**
 * A series: its points are sorted by time; equal timestamps keep their insertion order.
 *
 * Inserted points are kept in typed columns (timestamps and values), which costs no object per
 * point; the first read of {@link points} (or {@link range}), or a point the columns cannot hold
 * exactly (a timestamp beyond 2^53), turns them into `Point` objects for good, and from then on the
 * series keeps its `Point[]`, as it did before columns existed.
 */
export class TestSeries {
  readonly name: string;
  readonly type: SeriesType;
  /** Told about every batch {@link addAll} stores (set when the series joins a database). */
  shards: ShardBook | undefined;
  #columns: Columns | undefined = { ts: [], values: [], length: 0 };
  #points: Point[] | undefined;

  constructor(name: string, type: SeriesType) {
    this.name = name;
    this.type = type;
  }

  /** The points, sorted by time. The same array from now on; `add` updates it. */
  get points(): Point[] {
    return this.#points ?? this.#toPoints();
  }

  get length(): number {
    const columns = this.#columns;
    return columns === undefined ? (this.#points as Point[]).length : columns.length;
  }

  get start(): bigint {
    const columns = this.#columns;
    if (columns === undefined) return ((this.#points as Point[])[0] as Point).ts;
    return BigInt(tsAt(columns, 0));
  }

  get end(): bigint {
    const columns = this.#columns;
    if (columns === undefined) {
      const points = this.#points as Point[];
      return (points[points.length - 1] as Point).ts;
    }
    return BigInt(tsAt(columns, columns.length - 1));
  }

  /** Adds a point whose value has the series' type. */
  add(point: Point): void {
    const columns = this.#columns;
    if (columns !== undefined) {
      const ts = point.ts;
      if (typeof ts === 'bigint' && ts >= -MAX_SAFE && ts <= MAX_SAFE && this.#fits(point.value)) {
        this.#put(columns, Number(ts), point.value);
        return;
      }
    }
    const points = this.points;
    const last = points[points.length - 1];
    if (last === undefined || point.ts >= last.ts) {
      points.push(point);
      return;
    }
    // first index whose ts is greater than the new one (upper bound)
    let low = 0;
    let high = points.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((points[mid] as Point).ts <= point.ts) low = mid + 1;
      else high = mid;
    }
    points.splice(low, 0, point);
  }

  /**
   * Adds `ts.length` points, `values[i]` (of the series' type) at `ts[i]`: the same as `add` for
   * each in order, without a `Point` per point. Number timestamps must be safe integers.
   */
  addAll(ts: readonly number[] | readonly bigint[], values: readonly PointValue[]): void {
    this.shards?.stored(this, ts, values);
    const n = ts.length;
    const columns = this.#columns;
    if (columns === undefined || n === 0 || typeof ts[0] !== 'number') {
      for (let i = 0; i < n; i++) {
        this.add({ ts: BigInt(ts[i] as number | bigint), value: values[i] as PointValue });
      }
      return;
    }
    const numbers = ts as readonly number[];
    let i = 0;
    if (this.type === 'float') {
      // the common case in one loop: floats appended in time order
      let length = columns.length;
      let last = length === 0 ? Number.NEGATIVE_INFINITY : tsAt(columns, length - 1);
      let tsChunk: Float64Array | undefined;
      let valueChunk: Float64Array | undefined;
      let offset = 0;
      let room = 0;
      for (; i < n; i++) {
        const t = numbers[i] as number;
        const value = values[i];
        if (t < last || typeof value !== 'number' || !Number.isSafeInteger(t)) break;
        if (room === 0) {
          columns.length = length;
          reserve(columns, length + 1, this.type);
          const c = length >>> CHUNK_BITS;
          tsChunk = columns.ts[c] as Float64Array;
          valueChunk = columns.values[c] as Float64Array;
          offset = length & CHUNK_MASK;
          room = tsChunk.length - offset;
        }
        (tsChunk as Float64Array)[offset] = t;
        (valueChunk as Float64Array)[offset] = value;
        offset++;
        room--;
        length++;
        last = t;
      }
      columns.length = length;
    }
    for (; i < n; i++) {
      const t = numbers[i] as number;
      const value = values[i] as PointValue;
      if (this.#columns !== undefined && Number.isSafeInteger(t) && this.#fits(value)) {
        this.#put(this.#columns, t, value);
      } else {
        this.add({ ts: BigInt(t), value });
      }
    }
  }

  /** Points with `start <= ts < end` (either bound optional). */
  range(start: bigint | undefined, end: bigint | undefined): Point[] {
    const points = this.points;
    const from = start === undefined ? 0 : this.#lowerBound(start);
    const to = end === undefined ? points.length : this.#lowerBound(end);
    return points.slice(from, Math.max(from, to));
  }

  #lowerBound(ts: bigint): number {
    const points = this.points;
    let low = 0;
    let high = points.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((points[mid] as Point).ts < ts) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Whether the value column holds `value` exactly (64-bit integers). */
  #fits(value: PointValue): boolean {
    switch (this.type) {
      case 'float':
        return typeof value === 'number';
      case 'integer':
        return typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX;
      default:
        return typeof value === 'string';
    }
  }

  /** Adds one point to the columns, keeping them sorted (after equal timestamps). */
  #put(columns: Columns, ts: number, value: PointValue): void {
    const length = columns.length;
    reserve(columns, length + 1, this.type);
    if (length === 0 || ts >= tsAt(columns, length - 1)) {
      setAt(columns, length, ts, value);
      columns.length = length + 1;
      return;
    }
    // first index whose ts is greater than the new one (upper bound)
    let low = 0;
    let high = length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (tsAt(columns, mid) <= ts) low = mid + 1;
      else high = mid;
    }
    setAt(columns, length, ts, value); // claims the new last slot (a string chunk grows into it)
    shiftRight(columns.ts, low, length);
    shiftRight(columns.values, low, length);
    setAt(columns, low, ts, value);
    columns.length = length + 1;
  }

  /** Turns the columns into points, for good. */
  #toPoints(): Point[] {
    const columns = this.#columns as Columns;
    const points: Point[] = [];
    for (let c = 0; c < columns.ts.length; c++) {
      const ts = columns.ts[c] as Float64Array;
      const values = columns.values[c] as Chunk;
      const count = Math.min(ts.length, columns.length - c * CHUNK);
      for (let i = 0; i < count; i++) {
        points.push({ ts: BigInt(ts[i] as number), value: values[i] as PointValue });
      }
    }
    this.#columns = undefined;
    this.#points = points;
    return points;
  }
}

function tsAt(columns: Columns, index: number): number {
  return (columns.ts[index >>> CHUNK_BITS] as Float64Array)[index & CHUNK_MASK] as number;
}

function setAt(columns: Columns, index: number, ts: number, value: PointValue): void {
  const c = index >>> CHUNK_BITS;
  const offset = index & CHUNK_MASK;
  (columns.ts[c] as Float64Array)[offset] = ts;
  (columns.values[c] as Chunk)[offset] = value as never;
}

function newChunk(type: SeriesType, size: number): Chunk {
  return type === 'float' ? new Float64Array(size) : type === 'integer' ? new BigInt64Array(size) : [];
}

/** Makes room for `size` points: grows the first chunk (doubling up to a full one) or adds chunks. */
function reserve(columns: Columns, size: number, type: SeriesType): void {
  const ts = columns.ts;
  const values = columns.values;
  const first = ts[0];
  if (first === undefined) {
    const capacity = Math.min(CHUNK, Math.max(FIRST_CHUNK, size));
    ts.push(new Float64Array(capacity));
    values.push(newChunk(type, capacity));
  }
  const head = ts[0] as Float64Array;
  if (head.length < CHUNK && size > head.length) {
    let capacity = head.length * 2;
    while (capacity < size && capacity < CHUNK) capacity *= 2;
    const grown = new Float64Array(capacity);
    grown.set(head);
    ts[0] = grown;
    const value = values[0] as Chunk;
    if (value instanceof Float64Array) {
      const grownValues = new Float64Array(capacity);
      grownValues.set(value);
      values[0] = grownValues;
    } else if (value instanceof BigInt64Array) {
      const grownValues = new BigInt64Array(capacity);
      grownValues.set(value);
      values[0] = grownValues;
    }
  }
  while (ts.length * CHUNK < size) {
    ts.push(new Float64Array(CHUNK));
    values.push(newChunk(type, CHUNK));
  }
}

/**
 * Moves the items at `from .. to - 1` one place up (to `from + 1 .. to`), across chunks. The
 * slot `to` exists (every chunk but the last is full).
 */
function shiftRight(chunks: Chunk[], from: number, to: number): void {
  const first = from >>> CHUNK_BITS;
  const lastChunk = to >>> CHUNK_BITS;
  for (let c = lastChunk; c > first; c--) {
    const chunk = chunks[c] as Chunk;
    const previous = chunks[c - 1] as Chunk;
    chunk.copyWithin(1, 0, c === lastChunk ? to & CHUNK_MASK : CHUNK_MASK);
    chunk[0] = previous[CHUNK_MASK] as never;
  }
  const start = from & CHUNK_MASK;
  (chunks[first] as Chunk).copyWithin(start + 1, start, first === lastChunk ? to & CHUNK_MASK : CHUNK_MASK);
}

/** Default shard durations of `new_database` (1 week for numbers, 1 day for strings), in seconds. */
const DURATION_NUM_SECONDS = 604_800n;
const DURATION_LOG_SECONDS = 86_400n;

/** Series by name; a series that joins is told about the database's shards. */
class SeriesMap extends Map<string, TestSeries> {
  readonly #shards: ShardBook;

  constructor(shards: ShardBook) {
    super();
    this.#shards = shards;
  }

  override set(name: string, series: TestSeries): this {
    series.shards = this.#shards;
    return super.set(name, series);
  }
}

/** One database. */
export class TestDatabase {
  readonly name: string;
  readonly precision: Precision;
  readonly uuid: string = randomUUID();
  readonly users: TestUser[];
  /** Series in creation order (the order `list series` uses). */
  readonly series: Map<string, TestSeries>;
  /** Shards written so far; they stay when their series are dropped. */
  readonly shards: ShardBook;
  readonly durationNum: bigint;
  readonly durationLog: bigint;
  readonly bufferSize: number;
  /** `NAIVE` or a zone name as the server spells it (see timezones.ts). */
  timezone: string = NAIVE;
  dropThreshold = 1;
  selectPointsLimit = 1_000_000;
  listLimit = 10_000;
  receivedPoints = 0;
  selectedPoints = 0;
  dropped = false;

  constructor(
    name: string,
    precision: Precision,
    users: TestUser[],
    options: { durationNum?: bigint; durationLog?: bigint; bufferSize?: number } = {},
  ) {
    this.name = name;
    this.precision = precision;
    this.users = users;
    this.durationNum = options.durationNum ?? DURATION_NUM_SECONDS * ticksPerSecond(precision);
    this.durationLog = options.durationLog ?? DURATION_LOG_SECONDS * ticksPerSecond(precision);
    this.bufferSize = options.bufferSize ?? 1024;
    this.shards = new ShardBook(this);
    this.series = new SeriesMap(this.shards);
  }

  /** `siridb_users_get_user` with a password check. */
  authenticate(username: string, password: string): TestUser | undefined {
    return this.users.find((user) => user.name === username && user.password === password);
  }

  pointCount(series?: string): number {
    if (series !== undefined) return this.series.get(series)?.length ?? 0;
    let total = 0;
    for (const entry of this.series.values()) total += entry.length;
    return total;
  }
}

/** A service account (`sa` / `siri` by default). */
export interface ServiceAccount {
  username: string;
  password: string;
}

/**
 * Data of one or more SiriDB test servers. Pass the same store to a new server (for example on the
 * port of a stopped one) to keep databases, series, users and service accounts.
 */
export interface SiriDBTestStore {
  /** Names of the databases, in creation order. */
  readonly databaseNames: readonly string[];
  /** Points in `database` (or in one of its series); 0 when either does not exist. */
  pointCount(database: string, series?: string): number;
}

/** @internal The implementation behind {@link SiriDBTestStore}. */
export class TestStore implements SiriDBTestStore {
  readonly databases: Map<string, TestDatabase> = new Map();
  readonly accounts: ServiceAccount[] = [];
  /** Set once the first server has filled the store from its options. */
  initialized = false;

  get databaseNames(): readonly string[] {
    return [...this.databases.keys()];
  }

  pointCount(database: string, series?: string): number {
    return this.databases.get(database)?.pointCount(series) ?? 0;
  }
}

/** Creates an empty store; the first server started with it fills it from its options. */
export function createSiriDBStore(): SiriDBTestStore {
  return new TestStore();
}
