/**
 * Benchmark 1: sequential round trips on one connection, the driver (`client.query`, pool of one)
 * against the bare socket (`bench/bare-client.ts`): `SPEC.statusTrips` GetStatus round trips, then
 * `SPEC.findTransactions` transactions of `SPEC.findCommands` FindEntity lookups by `id` over the
 * preloaded entities. Target: driver ≥ 0.85× bare. Each first on the test server, whose CPU busy
 * share is printed (near 1: the server, not the clients, set the pace), then on the replay peer
 * (`bench/replay-server.ts`, pre-encoded answers), where only the clients differ: each client
 * serializes its request from the same command objects, as a program sending its own queries
 * must; the bare rate with one request encoded once, before the clock, is printed beside. The
 * replay peer's comparisons run in `SPEC.replayRounds` rounds. Every ratio is the median of
 * per-round ratios (each round runs the contenders back to back).
 */

import { runRounds } from '@conn/bench-kit/rounds';
import { medianOfRatios } from '@conn/bench-kit/stats';
import { ApertureDBClient, type ApertureDBCommand } from '../src/index.js';
import { BareApertureDBSocket } from './bare-client.js';
import { printFigure, printHeader, printNote, printRatio } from './report.js';
import type { ServerProcess } from './server-process.js';
import { findCommands, SPEC } from './spec.js';
import { type Timed, timed } from './timing.js';

const TARGET = 0.85;

interface Sample extends Timed {
  readonly perSecond: number;
}

/** Runs `exchange` `count` times in sequence; `check` throws on a wrong answer. */
async function sequential(
  server: ServerProcess,
  count: number,
  exchange: () => Promise<unknown>,
  check: (answer: unknown) => void,
): Promise<Sample> {
  let last: unknown;
  const run = await timed(server, async () => {
    for (let k = 0; k < count; k++) last = await exchange();
  });
  check(last);
  return { ...run, perSecond: count / run.seconds };
}

function expectCommands(count: number): (response: unknown) => void {
  return (response) => {
    if (!Array.isArray(response) || response.length !== count) {
      throw new Error(
        `expected ${String(count)} command answers, got ${JSON.stringify(response).slice(0, 200)}`,
      );
    }
  };
}

function report(
  what: string,
  unit: string,
  samples: Readonly<Record<'driver' | 'bare', Sample[]>>,
  opsPerSample: number,
  target: number | null = TARGET,
): void {
  const of = (name: 'driver' | 'bare', field: keyof Sample): number[] =>
    samples[name].map((sample) => sample[field]);
  const cpuPerOp = (name: 'driver' | 'bare'): number[] =>
    samples[name].map((sample) => (sample.clientCpuSeconds / opsPerSample) * 1e6);
  printFigure(`${unit}, driver (client.query)`, of('driver', 'perSecond'));
  printFigure(`${unit}, bare socket`, of('bare', 'perSecond'));
  // Each round measures both back to back: the median of the per-round ratios is not moved by a
  // slow spell of the host that hit one contender's median round and not the other's.
  printRatio(
    `driver/bare ${what}`,
    medianOfRatios(of('driver', 'perSecond'), of('bare', 'perSecond')),
    1,
    target ?? undefined,
  );
  printFigure('client CPU µs per exchange, driver', cpuPerOp('driver'));
  printFigure('client CPU µs per exchange, bare socket', cpuPerOp('bare'));
  printFigure('server CPU busy while the driver runs', of('driver', 'serverBusy'), '×');
  printFigure('server CPU busy while the bare socket runs', of('bare', 'serverBusy'), '×');
}

/** The driver and the bare socket on the test server and on the replay peer. */
interface Contenders {
  readonly driver: ApertureDBClient;
  readonly bare: BareApertureDBSocket;
  readonly replayDriver: ApertureDBClient;
  readonly replayBare: BareApertureDBSocket;
}

export async function roundTripSection(server: ServerProcess): Promise<void> {
  await using driver = ApertureDBClient.fromUrl(server.url, { pool: { max: 1 } });
  await using replayDriver = ApertureDBClient.fromUrl(server.replayUrl, { pool: { max: 1 } });
  const bare = await BareApertureDBSocket.open(server.url);
  const replayBare = await BareApertureDBSocket.open(server.replayUrl);
  try {
    const contenders = { driver, bare, replayDriver, replayBare };
    await statusRoundTrips(server, contenders);
    await findTransactions(server, contenders);
  } finally {
    bare.close();
    replayBare.close();
  }
}

/** GetStatus round trips: on the test server (information), then on the replay peer (judged). */
async function statusRoundTrips(server: ServerProcess, contenders: Contenders): Promise<void> {
  const { driver, bare, replayDriver, replayBare } = contenders;
  const trips = SPEC.statusTrips;
  printHeader(
    `round trips: ${trips.toLocaleString('en-US')} sequential GetStatus, one connection; ` +
      `${String(SPEC.rounds)} rounds on the test server, ${String(SPEC.replayRounds)} on the replay peer`,
  );
  const status: ApertureDBCommand[] = [{ GetStatus: {} }];
  const oneAnswer = expectCommands(1);
  // Both bare contenders serialize each request from the command objects, as the driver does and
  // as any program sending its own queries must.
  const statusSamples = await runRounds(
    {
      driver: () => sequential(server, trips, async () => (await driver.query(status)).response, oneAnswer),
      bare: () =>
        sequential(server, trips, async () => (await bare.exchange(bare.frame(status))).response, oneAnswer),
    },
    SPEC.rounds,
  );
  // The test server's own work per request shares the 2 CPUs with both clients: shown for
  // information; the target is judged on the replay peer, where only the clients differ.
  report('GetStatus round trips/s (test server)', 'round trips/s', statusSamples, trips, null);

  // The bare rate with the frame encoded once, before the clock, is shown beside: the floor of a
  // client that only ever sends one query.
  const statusFrame = replayBare.frame(status);
  const replayStatus = await runRounds(
    {
      driver: () =>
        sequential(server, trips, async () => (await replayDriver.query(status)).response, oneAnswer),
      bare: () =>
        sequential(
          server,
          trips,
          async () => (await replayBare.exchange(replayBare.frame(status))).response,
          oneAnswer,
        ),
      preEncoded: () =>
        sequential(server, trips, async () => (await replayBare.exchange(statusFrame)).response, oneAnswer),
    },
    SPEC.replayRounds,
  );
  report(
    'GetStatus round trips/s (replay peer, both serializing each request)',
    'round trips/s (replay peer)',
    replayStatus,
    trips,
  );
  const preEncodedRates = replayStatus.preEncoded.map((sample) => sample.perSecond);
  printFigure('round trips/s (replay peer), bare socket with the request encoded once', preEncodedRates);
  printRatio(
    'driver/bare GetStatus round trips/s, the bare request encoded once',
    medianOfRatios(
      replayStatus.driver.map((sample) => sample.perSecond),
      preEncodedRates,
    ),
    1,
  );
}

/** 1,000-command FindEntity transactions: on the test server, then on the replay peer. */
async function findTransactions(server: ServerProcess, contenders: Contenders): Promise<void> {
  const { driver, bare, replayDriver, replayBare } = contenders;
  const { findCommands: commandCount, findTransactions: transactions, findEntities } = SPEC;
  printHeader(
    `FindEntity batches: ${String(transactions)} transactions of ${commandCount.toLocaleString('en-US')} ` +
      `lookups by id over ${findEntities.toLocaleString('en-US')} entities; ` +
      `${String(SPEC.rounds)} rounds on the test server, ${String(SPEC.replayRounds)} on the replay peer`,
  );
  const finds = findCommands(commandCount, findEntities) as unknown as ApertureDBCommand[];
  const findFrame = bare.frame(finds);
  const allFound = (response: unknown): void => {
    expectCommands(commandCount)(response);
    const first = (response as [{ FindEntity?: { returned?: number } }])[0];
    if (first.FindEntity?.returned !== 1) throw new Error(`a lookup found ${JSON.stringify(first)}`);
  };
  const findSamples = await findRounds(server, driver, bare, transactions, finds, findFrame, allFound);
  report('1,000-command transactions/s', 'transactions/s', findSamples, transactions);
  printNote('Both contenders wait on the same server; its CPU busy share shows how much of the');
  printNote('time it set the pace (1× = one CPU all the time). Next: the same through the replay peer.');
  // Here the bare socket serializes each request from the same command objects, as the driver
  // must; its rate with the request encoded once, before the clock, is shown too.
  const replayFrame = replayBare.frame(finds);
  const replaySamples = await runRounds(
    {
      driver: () =>
        sequential(
          server,
          SPEC.replayFindTransactions,
          async () => (await replayDriver.query(finds)).response,
          allFound,
        ),
      bare: () =>
        sequential(
          server,
          SPEC.replayFindTransactions,
          async () => (await replayBare.exchange(replayBare.frame(finds))).response,
          allFound,
        ),
      preEncoded: () =>
        sequential(
          server,
          SPEC.replayFindTransactions,
          async () => (await replayBare.exchange(replayFrame)).response,
          allFound,
        ),
    },
    SPEC.replayRounds,
  );
  report(
    '1,000-command transactions/s (replay peer, both serializing each request)',
    'transactions/s (replay peer)',
    replaySamples,
    SPEC.replayFindTransactions,
  );
  printFigure(
    'transactions/s (replay peer), bare socket with the request encoded once',
    replaySamples.preEncoded.map((sample) => sample.perSecond),
  );
}

/** Interleaved rounds of `transactions` FindEntity transactions, driver and bare. */
function findRounds(
  server: ServerProcess,
  driver: ApertureDBClient,
  bare: BareApertureDBSocket,
  transactions: number,
  finds: ApertureDBCommand[],
  findFrame: Buffer,
  check: (response: unknown) => void,
): Promise<Record<'driver' | 'bare', Sample[]>> {
  return runRounds(
    {
      driver: () => sequential(server, transactions, async () => (await driver.query(finds)).response, check),
      bare: () =>
        sequential(server, transactions, async () => (await bare.exchange(findFrame)).response, check),
    },
    SPEC.rounds,
  );
}
