/**
 * qpack encode and decode throughput (MB/s of qpack bytes) of `@conn/siridb` against Debian's
 * python3-qpack (the cesbit C extension), on realistic SiriDB payloads:
 *
 * - `insert`: an insert of 10,000 points across 100 series, `{series: [[ts, float], …]}`;
 * - `query`: a select result of 10 series × 10,000 points, as the server sends it (open map never
 *   closed, open point arrays);
 * - `mixed strings`: a `list series` result (names, ints, type names) plus a string series of
 *   2,000 log messages, 4 words in 10 non-ASCII (accents, CJK, emoji);
 * - `ascii strings`: the same shape with ASCII-only messages.
 *
 * Python decodes the same bytes (`unpackb(data, decode='utf-8')`) and encodes the value it decoded,
 * with the same number of iterations as ours; only its loops are timed (time.perf_counter), in one
 * subprocess. Both sides run ROUNDS interleaved rounds (ours, then python's, and again), so both see
 * the same machine load; the table shows each side's median round.
 *
 * Python caches a str's UTF-8 bytes after its first encode, so from the second iteration on its
 * encoder copies cached bytes; ours transcodes every string every time (what a real insert does).
 *
 * Run: `npx tsx bench/qpack.bench.ts` from packages/siridb (about 30 s).
 * Optional env: BENCH_ROUNDS (default 7), BENCH_TARGET_MS (our time per measurement, all rounds, default 1500).
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decodeQpack, encodeQpack } from '../src/protocol/qpack.js';

/** One line of the result table. */
export interface Row {
  readonly payload: string;
  readonly op: 'encode' | 'decode';
  /** Size of the qpack bytes encoded or decoded once. */
  readonly bytes: number;
  readonly iterations: number;
  readonly oursMBps: number;
  /** `null` when python3-qpack is not installed. */
  readonly pythonMBps: number | null;
  /** ours / python; above 1 means we are faster. */
  readonly ratio: number | null;
}

const PYTHON = '/usr/bin/python3';
const HELPER = fileURLToPath(new URL('./python/qpack_bench.py', import.meta.url));
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
const TARGET_MS = Number(process.env['BENCH_TARGET_MS'] ?? 1500);

interface Payload {
  readonly name: string;
  /** The value to encode. */
  readonly value: unknown;
  /** The bytes to decode (the server's form: top-level map left open). */
  readonly wire: Buffer;
  /** Our encoding of `value` (python's packb of the same value must be identical). */
  readonly canonical: Buffer;
}

/** Deterministic pseudo-random numbers (Park–Miller), so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16_807) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

function payloads(): Payload[] {
  const rnd = random(42);
  const t0 = 1_700_000_000_000;

  const insert: Record<string, [number, number][]> = {};
  for (let s = 0; s < 100; s++) {
    insert[`sensors.rack-${s % 10}.node-${s}.temperature`] = Array.from({ length: 100 }, (_, i) => [
      t0 + i * 10_000,
      Math.round(rnd() * 1e6) / 1e3 + 0.0005,
    ]);
  }

  const query: Record<string, [number, number][]> = {};
  for (let s = 0; s < 10; s++) {
    query[`cpu.${s}.load`] = Array.from({ length: 10_000 }, (_, i) => [t0 + i * 1000, rnd() * 100]);
  }

  // 4 words in 10 are non-ASCII (2-byte, 3-byte and 4-byte UTF-8); the ASCII set has the same lengths.
  const mixedWords = [
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
  const asciiWords = [
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
  const message = (words: readonly string[]): string => {
    const n = 3 + Math.floor(rnd() * 40);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(words[Math.floor(rnd() * words.length)] as string);
    return parts.join(' ');
  };
  const types = ['float', 'integer', 'string'];
  const strings = (words: readonly string[]): unknown => ({
    columns: ['name', 'length', 'type', 'start', 'end'],
    series: Array.from({ length: 2000 }, (_, i) => [
      `host-${i}.region-${i % 7}.cpu.load`,
      Math.floor(rnd() * 100_000),
      types[i % 3] as string,
      t0,
      t0 + i * 1000,
    ]),
    'app.log': Array.from({ length: 2000 }, (_, i) => [t0 + i, message(words)]),
  });
  const mixed = strings(mixedWords);
  const ascii = strings(asciiWords);

  const serverForm = (value: unknown): { wire: Buffer; canonical: Buffer } => {
    const canonical = encodeQpack(value);
    // A map of 6+ keys is MAP_OPEN … MAP_CLOSE; the server leaves the top-level map open.
    const wire = canonical[canonical.length - 1] === 0xff ? canonical.subarray(0, -1) : canonical;
    return { wire, canonical };
  };
  const insertBytes = encodeQpack(insert);
  return [
    { name: 'insert 100×100', value: insert, wire: insertBytes, canonical: insertBytes },
    { name: 'query 10×10,000', value: query, ...serverForm(query) },
    { name: 'mixed strings', value: mixed, ...serverForm(mixed) },
    { name: 'ascii strings', value: ascii, ...serverForm(ascii) },
  ];
}

let sink = 0;

/** Seconds for `iterations` runs of `op`. */
function time(op: () => unknown, iterations: number): number {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) sink ^= (op() as { length?: number }).length ?? 1;
  return (performance.now() - start) / 1000;
}

/** Warms `op` up and picks an iteration count for one round (about TARGET_MS / ROUNDS). */
function calibrate(op: () => unknown): number {
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < 300 || runs < 5) {
    op();
    runs++;
  }
  const once = (performance.now() - start) / runs;
  return Math.min(100_000, Math.max(1, Math.ceil(TARGET_MS / ROUNDS / once)));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

interface PythonResult {
  name: string;
  decode_s: number;
  encode_s: number;
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

  constructor(list: readonly Payload[], iterations: ReadonlyMap<string, Iterations>) {
    const spec = list.map((p) => ({
      name: p.name,
      decode_len: p.wire.length,
      encode_len: p.canonical.length,
      decode_iterations: iterations.get(p.name)?.decode ?? 1,
      encode_iterations: iterations.get(p.name)?.encode ?? 1,
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

  round(): Promise<PythonResult[]> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<string>((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#child.stdin.write('round\n');
    }).then((line) => JSON.parse(line) as PythonResult[]);
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

interface Iterations {
  decode: number;
  encode: number;
}

/** Runs the benchmark and returns its rows (python columns are `null` without python3-qpack). */
export async function runQpackBench(): Promise<Row[]> {
  const list = payloads();
  const iterations = new Map<string, Iterations>();
  for (const p of list) {
    iterations.set(p.name, {
      decode: calibrate(() => decodeQpack(p.wire)),
      encode: calibrate(() => encodeQpack(p.value)),
    });
  }
  const python = pythonAvailable() ? new PythonSide(list, iterations) : undefined;
  const ours = new Map<string, { decode: number[]; encode: number[] }>(
    list.map((p) => [p.name, { decode: [], encode: [] }]),
  );
  const theirs = new Map<string, { decode: number[]; encode: number[] }>(
    list.map((p) => [p.name, { decode: [], encode: [] }]),
  );
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const p of list) {
        const n = iterations.get(p.name) as Iterations;
        const mine = ours.get(p.name) as { decode: number[]; encode: number[] };
        mine.decode.push(time(() => decodeQpack(p.wire), n.decode) / n.decode);
        mine.encode.push(time(() => encodeQpack(p.value), n.encode) / n.encode);
      }
      if (python === undefined) continue;
      for (const result of await python.round()) {
        const n = iterations.get(result.name) as Iterations;
        if (!result.same_bytes) {
          throw new Error(
            `python3-qpack encodes ${result.name} differently from us: the comparison would be unfair`,
          );
        }
        const other = theirs.get(result.name) as { decode: number[]; encode: number[] };
        other.decode.push(result.decode_s / n.decode);
        other.encode.push(result.encode_s / n.encode);
      }
    }
  } finally {
    await python?.close();
  }
  const rows: Row[] = [];
  for (const p of list) {
    for (const op of ['decode', 'encode'] as const) {
      const bytes = op === 'decode' ? p.wire.length : p.canonical.length;
      const oursMBps = bytes / 1e6 / median(ours.get(p.name)?.[op] ?? []);
      const other = theirs.get(p.name)?.[op] ?? [];
      const pythonMBps = other.length === 0 ? null : bytes / 1e6 / median(other);
      rows.push({
        payload: p.name,
        op,
        bytes,
        iterations: ROUNDS * (iterations.get(p.name)?.[op] ?? 0),
        oursMBps,
        pythonMBps,
        ratio: pythonMBps === null ? null : oursMBps / pythonMBps,
      });
    }
  }
  if (sink === 0.5) console.log(sink); // keeps the results observable
  return rows;
}

/** The rows as a fixed-width text table. */
export function formatQpackTable(rows: readonly Row[]): string {
  const header = ['payload', 'op', 'bytes', 'iterations', 'ours MB/s', 'python MB/s', 'ours/python'];
  const lines = rows.map((r) => [
    r.payload,
    r.op,
    r.bytes.toLocaleString('en-US'),
    String(r.iterations),
    r.oursMBps.toFixed(1),
    r.pythonMBps === null ? 'n/a' : r.pythonMBps.toFixed(1),
    r.ratio === null ? 'n/a' : `${r.ratio.toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const format = (cells: readonly string[]): string =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(format)].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const rows = await runQpackBench();
  console.log(`qpack: @conn/siridb vs python3-qpack (${PYTHON}), Node ${process.version}\n`);
  console.log(formatQpackTable(rows));
  if (rows.some((r) => r.pythonMBps === null)) {
    console.log('\npython3-qpack not found: install python3-qpack (apt) for the comparison.');
  }
  const slowDecode = rows.filter((r) => r.op === 'decode' && r.ratio !== null && r.ratio < 1);
  console.log(
    `\nTarget (decode at least as fast as python3-qpack): ${slowDecode.length === 0 ? 'met' : `missed for ${slowDecode.map((r) => r.payload).join(', ')}`}`,
  );
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
