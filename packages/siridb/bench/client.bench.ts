/**
 * `@conn/siridb` against Debian's python3-siridb-connector (C qpack), each against a fresh test
 * server in its own process: insert points/s (1,000,000 points in requests of 10,000, awaited one
 * by one), the same with 4 requests in flight (ours only: the Python connector is used with
 * sequential awaits, so its row repeats its sequential figure), and sequential `select` round
 * trips/s. When CONN_SIRIDB_URL names a real server, our client is measured against it too (it
 * writes series named `conn.bench.*` and drops them afterwards).
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SiriDBClient } from '../src/index.js';

export interface ClientBenchRow {
  readonly target: string;
  readonly metric: string;
  readonly ours: number;
  readonly python: number | null;
  readonly ratio: number | null;
}

const PYTHON = '/usr/bin/python3';
const SPEC = {
  batches: 100,
  /** Requests in flight in the concurrent insert measurement. */
  inFlight: 4,
  series: 100,
  pointsPerSeries: 100,
  queries: 3_000,
  warmupBatches: 20,
  warmupQueries: 500,
};
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

interface Measured {
  readonly insertPointsPerSecond: number;
  readonly queriesPerSecond: number;
}

interface MeasuredOurs extends Measured {
  readonly concurrentInsertPointsPerSecond: number;
}

/** Starts the test server in a child process; resolves with its port and a stop function. */
async function startServerProcess(): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', here('./serve.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').once('data', (line: string) => resolve(Number(line.trim())));
    child.once('exit', (code) => reject(new Error(`test server exited with ${code}`)));
  });
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

function batch(index: number, namePrefix: string): Record<string, [number, number][]> {
  const base = 1_700_000_000_000 + index * SPEC.pointsPerSeries;
  const data: Record<string, [number, number][]> = {};
  for (let s = 0; s < SPEC.series; s++) {
    const points: [number, number][] = [];
    for (let p = 0; p < SPEC.pointsPerSeries; p++) points.push([base + p, (s * 7 + p) * 0.001 + 1e-9]);
    data[`${namePrefix}${s}`] = points;
  }
  return data;
}

/** Inserts every batch with `inFlight` requests outstanding at a time. */
async function insertConcurrently(
  client: SiriDBClient,
  batches: readonly Record<string, [number, number][]>[],
  inFlight: number,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < batches.length) {
      const data = batches[next++] as Record<string, [number, number][]>;
      await client.insert(data);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

async function measureOurs(client: SiriDBClient, prefix: string): Promise<MeasuredOurs> {
  const batches = Array.from({ length: SPEC.batches }, (_, i) => batch(i, prefix));
  await client.connect();
  // Warm-up (JIT of both the client and the server process), the same for both clients.
  for (let i = 0; i < SPEC.warmupBatches; i++) await client.insert(batch(i, `${prefix}warm.`));
  for (let i = 0; i < SPEC.warmupQueries; i++) await client.query('count series');
  let started = performance.now();
  for (const data of batches) await client.insert(data);
  const insertSeconds = (performance.now() - started) / 1000;
  // Built after the sequential run, so that run's heap is the same as before this one existed. It
  // writes other series, so its points are appended like the sequential ones.
  const concurrentBatches = Array.from({ length: SPEC.batches }, (_, i) => batch(i, `${prefix}c.`));
  started = performance.now();
  await insertConcurrently(client, concurrentBatches, SPEC.inFlight);
  const concurrentInsertSeconds = (performance.now() - started) / 1000;
  await client.insert({
    [`${prefix}rt`]: Array.from({ length: 10 }, (_, i) => [i, i * 0.5] as [number, number]),
  });
  const query = `select * from "${prefix}rt"`;
  started = performance.now();
  for (let i = 0; i < SPEC.queries; i++) await client.query(query);
  const querySeconds = (performance.now() - started) / 1000;
  const points = SPEC.batches * SPEC.series * SPEC.pointsPerSeries;
  return {
    insertPointsPerSecond: points / insertSeconds,
    concurrentInsertPointsPerSecond: points / concurrentInsertSeconds,
    queriesPerSecond: SPEC.queries / querySeconds,
  };
}

async function measurePython(port: number): Promise<Measured | null> {
  if (spawnSync(PYTHON, ['-c', 'import siridb.connector']).status !== 0) return null;
  const child = spawn(PYTHON, [here('./python/connector_bench.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stdin.end(JSON.stringify({ host: '127.0.0.1', port, ...SPEC }));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`python benchmark exited with ${code}`);
  return JSON.parse(out) as Measured;
}

function rows(target: string, ours: MeasuredOurs, python: Measured | null): ClientBenchRow[] {
  const row = (metric: string, oursKey: keyof MeasuredOurs, pythonKey: keyof Measured): ClientBenchRow => ({
    target,
    metric,
    ours: ours[oursKey],
    python: python?.[pythonKey] ?? null,
    ratio: python === null ? null : ours[oursKey] / python[pythonKey],
  });
  return [
    row('insert points/s (10,000 per request, sequential)', 'insertPointsPerSecond', 'insertPointsPerSecond'),
    row(
      `insert points/s, ${SPEC.inFlight} requests in flight (python: sequential, its API awaits each insert)`,
      'concurrentInsertPointsPerSecond',
      'insertPointsPerSecond',
    ),
    row('sequential select/s', 'queriesPerSecond', 'queriesPerSecond'),
  ];
}

/** Runs the client benchmark; returns the rows of the table. */
export async function runClientBench(): Promise<ClientBenchRow[]> {
  const result: ClientBenchRow[] = [];
  // Python first, then ours, each on a fresh server process.
  const forPython = await startServerProcess();
  const python = await measurePython(forPython.port).finally(() => forPython.stop());
  const forUs = await startServerProcess();
  try {
    await using client = new SiriDBClient({
      username: 'iris',
      password: 'siri',
      dbname: 'dbtest',
      hostlist: [{ host: '127.0.0.1', port: forUs.port }],
      keepalive: false,
    });
    result.push(...rows('test server', await measureOurs(client, 'bench.'), python));
  } finally {
    await forUs.stop();
  }
  const realUrl = process.env['CONN_SIRIDB_URL'];
  if (realUrl) {
    await using client = SiriDBClient.fromUrl(realUrl, { keepalive: false });
    try {
      result.push(...rows('CONN_SIRIDB_URL', await measureOurs(client, 'conn.bench.'), null));
    } finally {
      await client.query('drop series /conn\\.bench\\..*/ set ignore_threshold true').catch(() => {});
    }
  }
  return result;
}
