/**
 * `@conn/siridb` against Debian's python3-siridb-connector (C qpack) and a bare Node socket, all
 * three against the SAME server in the same run, in interleaved rounds (`bench/rounds.ts`):
 * sequential select latency, 5,000 selects in flight, sequential inserts built in the timed loop,
 * and inserts with 4 in flight. Servers: the test server in a child process, then every URL of
 * CONN_SIRIDB_BENCH_URLS (comma-separated) and CONN_SIRIDB_URL. Timestamps are written in each
 * database's own precision (`show time_precision`). Every line is printed as soon as it is
 * measured; a section or server that fails prints its error and the benchmark goes on.
 */
import { randomBytes } from 'node:crypto';
import { SiriDBClient } from '../src/index.js';
import { BareSiriDBSocket } from './bare-client.js';
import type { BenchContext } from './bench-context.js';
import { concurrencySection } from './concurrency-section.js';
import { insertInFlightSection } from './insert-in-flight-section.js';
import { insertSection } from './insert-section.js';
import { latencySection } from './latency-section.js';
import { PythonConnector, pythonConnectorAvailable } from './python-connector.js';
import { printError, printHeader } from './report.js';
import { describeLogin, describeUrl, loginFromUrl } from './server-login.js';
import { SPEC } from './spec.js';
import { startTestServerProcess } from './test-server-process.js';
import { BASE_SECONDS, precisionOf, timestampClock, unitsPerSecond } from './timestamps.js';

const SECTIONS: readonly [string, (context: BenchContext) => Promise<void>][] = [
  ['select latency', latencySection],
  ['concurrent selects', concurrencySection],
  ['sequential inserts', insertSection],
  ['inserts in flight', insertInFlightSection],
];

/** The real servers to measure: CONN_SIRIDB_BENCH_URLS, then CONN_SIRIDB_URL if not among them. */
function realServerUrls(): string[] {
  const urls = (process.env['CONN_SIRIDB_BENCH_URLS'] ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  const single = process.env['CONN_SIRIDB_URL']?.trim();
  if (single && !urls.includes(single)) urls.push(single);
  return urls;
}

/** Opens a contender, or prints why it could not and returns `undefined`. */
async function optional<T>(what: string, open: () => Promise<T>): Promise<T | undefined> {
  try {
    return await open();
  } catch (error) {
    printError(`${what} unavailable`, error);
    return undefined;
  }
}

/** Measures one server: connects the three contenders, runs every section, drops what it wrote. */
async function benchServer(name: string, url: string, withPython: boolean): Promise<void> {
  const login = loginFromUrl(url);
  const started = performance.now();
  // A server that goes away mid-run fails a section in 20 s rather than the default minute.
  await using ours = SiriDBClient.fromUrl(url, { keepalive: false, timeoutMs: 20_000 });
  await ours.connect();
  const precision = precisionOf(await ours.query('show time_precision'));
  const prefix = `connbench_${process.pid}_${randomBytes(4).toString('hex')}_`;
  const clock = timestampClock(precision);
  printHeader(
    `${name} ${describeLogin(login)}, precision ${precision}; medians of ${SPEC.rounds} rounds [lowest–highest round]`,
  );
  const python = withPython
    ? await optional('python connector', () =>
        PythonConnector.start({
          ...login,
          baseSeconds: BASE_SECONDS,
          unitsPerSecond: unitsPerSecond(precision),
        }),
      )
    : undefined;
  const bare = await optional('bare socket', () => BareSiriDBSocket.open(login));
  try {
    const selected = Array.from(
      { length: SPEC.selectedPoints },
      (_, k) => [clock(k), k * 0.5 + 0.25] as const,
    );
    await ours.insert({ [`${prefix}select`]: selected });
    const context = {
      ours,
      python,
      bare,
      precision,
      clock,
      prefix,
      selectQuery: `select * from "${prefix}select"`,
    };
    for (const [section, run] of SECTIONS) {
      try {
        await run(context);
      } catch (error) {
        printError(`${section} failed`, error);
      }
    }
  } finally {
    python?.close();
    bare?.close();
    await ours
      .query(`drop series /${prefix}.*/ set ignore_threshold true`)
      .catch((error: unknown) => printError(`could not drop the series named ${prefix}*`, error));
  }
  console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

/** Runs the client benchmark, printing as it goes. */
export async function runClientBench(): Promise<void> {
  const withPython = pythonConnectorAvailable();
  if (!withPython) console.log('python3-siridb-connector is not importable: its column stays empty');
  try {
    const server = await startTestServerProcess();
    try {
      await benchServer('test server', server.url, withPython);
    } finally {
      await server.stop();
    }
  } catch (error) {
    printError('test server benchmark failed', error);
  }
  for (const url of realServerUrls()) {
    try {
      await benchServer('real server', url, withPython);
    } catch (error) {
      printError(`real server benchmark failed (${describeUrl(url)})`, error);
    }
  }
}
