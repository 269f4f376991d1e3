/**
 * qpack encode and decode of `@conn/siridb` against Debian's python3-qpack (the cesbit C extension)
 * on SiriDB payloads, in MB/s of qpack bytes and in µs per call:
 *
 * - `string insert`: 20 series × 100 points of `[ts, log message]`, messages of 3 to 42 words; the
 *   `ASCII` one only ASCII, the `UTF-8` one with 4 words in 10 non-ASCII (2-, 3- and 4-byte UTF-8);
 * - `numeric insert`: 100 series × 100 points of `[ts, float]`;
 * - `select 1×10`: the answer to a select of one series of 10 points, as the server sends it (the
 *   top-level map left open); `success_msg`: the answer to an insert;
 * - `select 10×10,000`: a big select answer.
 *
 * Python decodes the same bytes (`unpackb(data, decode='utf-8')`) and encodes the value it decoded;
 * its bytes must equal ours. Each side calibrates its own iteration count; only the loops are timed
 * (time.perf_counter in one python subprocess). The sides run interleaved rounds, so both see the
 * same machine load; a row shows each side's median round and the lowest and highest of the
 * per-round ratios.
 *
 * Strings as a real insert has them, new each time: python keeps the UTF-8 form of a non-ASCII str
 * once it has made it, so for a payload with non-ASCII text python encodes freshly decoded copies
 * (made outside the timed loop); an ASCII str is its own UTF-8, so that payload is encoded as it
 * is. Nothing of ours is kept between calls: every string is transcoded every time.
 *
 * Inserts are encoded as `insert()` encodes them: the insert encoder, writing into the buffer of
 * the previous insert once the server answered it (a stream of real inserts reuses it too); other
 * payloads with `encodeQpack`. Both sides allocate their output per call. Python frees it at once and malloc hands the same
 * memory back; a Node buffer is freed by a later GC, and glibc may have returned that memory to the
 * kernel by then, so the next output touches fresh pages: a page fault each (4 KiB), which costs
 * ~0.1-0.3 µs on bare metal but has been measured at ~12 µs on a busy VM. The last column shows
 * the page faults per call on each side: when ours are high, the big payloads measure the
 * allocator more than the codec (rerun, or compare with MALLOC_TRIM_THRESHOLD_ and
 * MALLOC_MMAP_THRESHOLD_ set high for both processes).
 *
 * Run: `npx tsx bench/qpack.bench.ts` from packages/siridb (about 25 s).
 * Optional env: BENCH_ROUNDS (default 5), BENCH_ROUND_MS (time per round per operation and side,
 * default 120), BENCH_ONLY (a regular expression on payload names).
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodeInsert, type SiriDBInsertData } from '../src/insert-data.js';
import { giveAnsweredBuffer } from '../src/protocol/payload-reuse.js';
import { decodeQpack, encodeQpack } from '../src/protocol/qpack.js';

/** One line of the result table. */
export interface Row {
  readonly payload: string;
  readonly op: 'encode' | 'decode';
  /** Size of the qpack bytes encoded or decoded once. */
  readonly bytes: number;
  readonly oursMBps: number;
  readonly oursMicros: number;
  /** `null` when python3-qpack is not installed (so for the ratios below too). */
  readonly pythonMBps: number | null;
  readonly pythonMicros: number | null;
  /** ours / python of the median rounds; above 1 means we are faster. */
  readonly ratio: number | null;
  /** Lowest and highest ours / python of single rounds. */
  readonly ratioLow: number | null;
  readonly ratioHigh: number | null;
  /** Minor page faults per call (fresh memory touched), median round: what makes big payloads swing. */
  readonly oursFaults: number;
  readonly pythonFaults: number | null;
}

const PYTHON = '/usr/bin/python3';
const HELPER = fileURLToPath(new URL('./python/qpack_bench.py', import.meta.url));
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const ROUND_MS = Number(process.env['BENCH_ROUND_MS'] ?? 120);
const ONLY = new RegExp(process.env['BENCH_ONLY'] ?? '');
/** Payloads whose encode ratio makes the `qpack encode strings` line. */
const STRING_PAYLOADS = /^string insert/;

interface Payload {
  readonly name: string;
  /** The value to encode. */
  readonly value: unknown;
  /** The bytes to decode (an answer in the server's form: top-level map left open). */
  readonly wire: Buffer;
  /** Our encoding of `value` (python's packb of the same value must be identical). */
  readonly canonical: Buffer;
  /** Encodes `value` as our client does for this kind of payload. */
  readonly encode: () => Buffer;
}

/** Deterministic pseudo-random numbers (Park–Miller), so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16_807) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

const T0 = 1_700_000_000_000;

// 4 words in 10 are non-ASCII (2-, 3- and 4-byte UTF-8); the ASCII set has the same lengths in UTF-16.
const UTF8_WORDS = [
  'error',
  'warning',
  'connection',
  'timeout',
  'série',
  'überlastet',
  'ok',
  '数据库',
  '🚀',
  'retry',
];
const ASCII_WORDS = [
  'error',
  'warning',
  'connection',
  'timeout',
  'serie',
  'uberlastet',
  'ok',
  'db1',
  'go',
  'retry',
];

function stringInsert(words: readonly string[], rnd: () => number): Record<string, [number, string][]> {
  const message = (): string => {
    const n = 3 + Math.floor(rnd() * 40);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(words[Math.floor(rnd() * words.length)] as string);
    return parts.join(' ');
  };
  const insert: Record<string, [number, string][]> = {};
  for (let s = 0; s < 20; s++) {
    insert[`app.host-${s}.log`] = Array.from({ length: 100 }, (_, i) => [T0 + i * 1000, message()]);
  }
  return insert;
}

function numericSeries(
  series: number,
  points: number,
  rnd: () => number,
): Record<string, [number, number][]> {
  const data: Record<string, [number, number][]> = {};
  for (let s = 0; s < series; s++) {
    data[`sensors.rack-${s % 10}.node-${s}.temperature`] = Array.from({ length: points }, (_, i) => [
      T0 + i * 10_000,
      Math.round(rnd() * 1e6) / 1e3 + 0.0005,
    ]);
  }
  return data;
}

/**
 * An insert: sent as our canonical bytes, encoded as `insert()` encodes it (the same bytes): the
 * insert encoder, which writes into the buffer of the previous insert once the server answered it
 * (the socket is done with it then), as a stream of real inserts does.
 */
function insertPayload(name: string, value: unknown): Payload {
  const canonical = encodeQpack(value);
  const data = value as SiriDBInsertData;
  const encode = (): Buffer => {
    const encoded = encodeInsert(data);
    if (encoded.ownsBuffer) giveAnsweredBuffer(encoded.payload);
    return encoded.payload;
  };
  if (!encode().equals(canonical))
    throw new Error(`${name}: the insert encoder's bytes differ from encodeQpack's`);
  return { name, value, wire: canonical, canonical, encode };
}

/** An answer: the server opens its top-level map (`0xfd`) and never closes it. */
function answerPayload(name: string, value: unknown): Payload {
  const canonical = encodeQpack(value);
  const first = canonical[0] as number;
  const wire =
    first === 0xfd ? canonical.subarray(0, -1) : Buffer.concat([Buffer.from([0xfd]), canonical.subarray(1)]); // MAP0..MAP5 → MAP_OPEN
  return { name, value, wire, canonical, encode: () => encodeQpack(value) };
}

/** The payloads of the table, in its order. */
export function qpackBenchPayloads(): Payload[] {
  const rnd = random(42);
  return [
    insertPayload('string insert, ASCII', stringInsert(ASCII_WORDS, rnd)),
    insertPayload('string insert, UTF-8', stringInsert(UTF8_WORDS, rnd)),
    insertPayload('numeric insert 100×100', numericSeries(100, 100, rnd)),
    answerPayload('select 1×10 answer', {
      'cpu.load': numericSeries(1, 10, rnd)['sensors.rack-0.node-0.temperature'],
    }),
    answerPayload('success_msg answer', { success_msg: 'Successfully inserted 1000 point(s).' }),
    answerPayload('select 10×10,000 answer', numericSeries(10, 10_000, rnd)),
  ].filter((p) => ONLY.test(p.name));
}

let sink = 0;

interface Sample {
  /** Seconds per call. */
  readonly seconds: number;
  /** Minor page faults per call. */
  readonly faults: number;
}

/** Runs `op` `iterations` times. */
function time(op: () => unknown, iterations: number): Sample {
  const faults = process.resourceUsage().minorPageFault;
  const start = performance.now();
  for (let i = 0; i < iterations; i++) sink ^= (op() as { length?: number }).length ?? 1;
  const seconds = (performance.now() - start) / 1000;
  return {
    seconds: seconds / iterations,
    faults: (process.resourceUsage().minorPageFault - faults) / iterations,
  };
}

/** Warms `op` up (about 0.25 s) and picks the iterations of one round (about ROUND_MS). */
function calibrate(op: () => unknown): number {
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < 250 || runs < 5) {
    op();
    runs++;
  }
  const once = (performance.now() - start) / runs;
  return Math.min(2_000_000, Math.max(1, Math.round(ROUND_MS / once)));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

interface PythonResult {
  name: string;
  decode_s: number;
  decode_n: number;
  decode_faults: number;
  encode_s: number;
  encode_n: number;
  encode_faults: number;
  same_bytes: boolean;
}

function pythonAvailable(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import qpack'], { encoding: 'utf8', timeout: 15_000 });
  return probe.error === undefined && probe.status === 0;
}

/** The python helper, kept running between rounds; `round()` runs one round of every payload. */
class PythonSide {
  readonly #child: ChildProcessWithoutNullStreams;
  #buffered = '';
  #waiting: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  #failure: Error | undefined;

  constructor(list: readonly Payload[]) {
    const spec = list.map((p) => ({
      name: p.name,
      decode_len: p.wire.length,
      encode_len: p.canonical.length,
      round_s: ROUND_MS / 1000,
    }));
    this.#child = spawn(PYTHON, [HELPER], { stdio: ['pipe', 'pipe', 'pipe'] });
    const err: Buffer[] = [];
    this.#child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    this.#child.stdout.on('data', (chunk: Buffer) => {
      this.#buffered += chunk.toString('utf8');
      const newline = this.#buffered.indexOf('\n');
      if (newline >= 0 && this.#waiting !== undefined) {
        const line = this.#buffered.slice(0, newline);
        this.#buffered = this.#buffered.slice(newline + 1);
        const waiting = this.#waiting;
        this.#waiting = undefined;
        waiting.resolve(line);
      }
    });
    const fail = (error: Error): void => {
      this.#failure = error;
      this.#waiting?.reject(error);
      this.#waiting = undefined;
    };
    this.#child.on('error', fail);
    this.#child.on('close', (code, signal) => {
      if (code !== 0) fail(new Error(`${HELPER}: exit ${code ?? signal}\n${Buffer.concat(err).toString()}`));
      else fail(new Error(`${HELPER} exited`));
    });
    this.#child.stdin.write(`${JSON.stringify(spec)}\n`);
    for (const p of list) {
      this.#child.stdin.write(p.wire);
      this.#child.stdin.write(p.canonical);
    }
  }

  #line(command: string | undefined): Promise<string> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<string>((resolve, reject) => {
      this.#waiting = { resolve, reject };
      if (command !== undefined) this.#child.stdin.write(`${command}\n`);
    });
  }

  /** Resolves once python has calibrated its loops. */
  async ready(): Promise<void> {
    const line = await this.#line(undefined);
    if (line !== 'ready') throw new Error(`${HELPER}: expected "ready", got ${JSON.stringify(line)}`);
  }

  async round(): Promise<PythonResult[]> {
    return JSON.parse(await this.#line('round')) as PythonResult[];
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
        resolve();
        return;
      }
      this.#child.once('close', () => resolve());
      this.#child.stdin.end('quit\n');
    });
  }
}

interface Samples {
  decode: Sample[];
  encode: Sample[];
}

/** Runs the benchmark and returns its rows (python columns are `null` without python3-qpack). */
export async function runQpackBench(): Promise<Row[]> {
  const list = qpackBenchPayloads();
  const iterations = new Map<string, { decode: number; encode: number }>();
  for (const p of list) {
    iterations.set(p.name, {
      decode: calibrate(() => decodeQpack(p.wire)),
      encode: calibrate(p.encode),
    });
  }
  const python = pythonAvailable() ? new PythonSide(list) : undefined;
  const ours = new Map<string, Samples>(list.map((p) => [p.name, { decode: [], encode: [] }]));
  const theirs = new Map<string, Samples>(list.map((p) => [p.name, { decode: [], encode: [] }]));
  try {
    await python?.ready();
    for (let round = 0; round < ROUNDS; round++) {
      for (const p of list) {
        const n = iterations.get(p.name) as { decode: number; encode: number };
        const mine = ours.get(p.name) as Samples;
        mine.decode.push(time(() => decodeQpack(p.wire), n.decode));
        mine.encode.push(time(p.encode, n.encode));
      }
      if (python === undefined) continue;
      for (const result of await python.round()) {
        if (!result.same_bytes) {
          throw new Error(
            `python3-qpack encodes ${result.name} differently from us: the comparison would be unfair`,
          );
        }
        const other = theirs.get(result.name) as Samples;
        other.decode.push({
          seconds: result.decode_s / result.decode_n,
          faults: result.decode_faults / result.decode_n,
        });
        other.encode.push({
          seconds: result.encode_s / result.encode_n,
          faults: result.encode_faults / result.encode_n,
        });
      }
    }
  } finally {
    await python?.close();
  }
  const rows: Row[] = [];
  for (const p of list) {
    for (const op of ['encode', 'decode'] as const) {
      const bytes = op === 'decode' ? p.wire.length : p.canonical.length;
      const mine = (ours.get(p.name) as Samples)[op];
      const other = (theirs.get(p.name) as Samples)[op];
      const oursSeconds = median(mine.map((s) => s.seconds));
      const pythonSeconds = other.length === 0 ? null : median(other.map((s) => s.seconds));
      const perRound = other.length === 0 ? [] : mine.map((s, i) => (other[i] as Sample).seconds / s.seconds);
      rows.push({
        payload: p.name,
        op,
        bytes,
        oursMBps: bytes / 1e6 / oursSeconds,
        oursMicros: oursSeconds * 1e6,
        pythonMBps: pythonSeconds === null ? null : bytes / 1e6 / pythonSeconds,
        pythonMicros: pythonSeconds === null ? null : pythonSeconds * 1e6,
        ratio: pythonSeconds === null ? null : pythonSeconds / oursSeconds,
        ratioLow: perRound.length === 0 ? null : Math.min(...perRound),
        ratioHigh: perRound.length === 0 ? null : Math.max(...perRound),
        oursFaults: median(mine.map((s) => s.faults)),
        pythonFaults: other.length === 0 ? null : median(other.map((s) => s.faults)),
      });
    }
  }
  if (sink === 0.5) console.log(sink); // keeps the results observable
  return rows;
}

/** The rows as a fixed-width text table. */
export function formatQpackTable(rows: readonly Row[]): string {
  const header = [
    'payload',
    'op',
    'bytes',
    'ours MB/s',
    'python MB/s',
    'ours µs',
    'python µs',
    'ours/python',
    'rounds',
    'page faults/call',
  ];
  const micros = (n: number | null): string => (n === null ? 'n/a' : n < 100 ? n.toFixed(2) : n.toFixed(0));
  const times = (n: number | null): string => (n === null ? 'n/a' : `${n.toFixed(2)}x`);
  const faults = (n: number): string => (n < 10 ? n.toFixed(1) : n.toFixed(0));
  const lines = rows.map((r) => [
    r.payload,
    r.op,
    r.bytes.toLocaleString('en-US'),
    r.oursMBps.toFixed(1),
    r.pythonMBps === null ? 'n/a' : r.pythonMBps.toFixed(1),
    micros(r.oursMicros),
    micros(r.pythonMicros),
    times(r.ratio),
    r.ratioLow === null ? 'n/a' : `${times(r.ratioLow)}–${times(r.ratioHigh)}`,
    `${faults(r.oursFaults)} / ${r.pythonFaults === null ? 'n/a' : faults(r.pythonFaults)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const format = (cells: readonly string[]): string =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(format)].join('\n');
}

/**
 * The verdict line on string encoding: the lowest encode ratio of the string inserts against the
 * target of 1x, or `undefined` when there is no python figure for them.
 */
export function formatQpackStringVerdict(rows: readonly Row[]): string | undefined {
  const ratios = rows
    .filter((r) => r.op === 'encode' && STRING_PAYLOADS.test(r.payload) && r.ratio !== null)
    .map((r) => r.ratio as number);
  if (ratios.length === 0) return undefined;
  const worst = Math.min(...ratios);
  return `qpack encode strings: ${worst.toFixed(2)}x python3-qpack (target >= 1x): ${worst >= 1 ? 'PASS' : 'MISS'}`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const rows = await runQpackBench();
  console.log(
    `qpack: @conn/siridb vs python3-qpack (${PYTHON}), Node ${process.version}; medians of ${ROUNDS} rounds, ours/python [lowest–highest round]\n`,
  );
  console.log(formatQpackTable(rows));
  const verdict = formatQpackStringVerdict(rows);
  console.log(`\n${verdict ?? 'python3-qpack not found: install python3-qpack (apt) for the comparison.'}`);
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
