/**
 * Benchmark 3: loading entities. `runParallel` adds `SPEC.parallelEntities` entities in
 * transactions of `SPEC.parallelBatchSize`, `SPEC.parallelConcurrency` at a time (a client with a
 * pool of that many connections), against one AddEntity query per entity in sequence. To bound the
 * runtime the one-by-one contender adds a sample of `SPEC.oneByOneEntities` entities: the rates
 * (entities/s) are compared. Round 0 warms up on a tenth of each count. Target: ≥ 10×.
 *
 * The measured rounds run against the replay peer, which answers each AddEntity transaction with
 * pre-encoded statuses: the test server copies its whole store on the first write of every
 * transaction, so there a one-by-one load costs the server time proportional to the store and the
 * ratio would measure that copy. One smaller run against the test server follows, for information.
 */

import { runRounds } from '@conn/bench-kit/rounds';
import { median } from '@conn/bench-kit/stats';
import { ApertureDBClient, type ApertureDBCommand } from '../src/index.js';
import { type ParallelItem, runParallel } from '../src/parallel/index.js';
import { printFigure, printHeader, printNote, printRatio } from './report.js';
import type { ServerProcess } from './server-process.js';
import { SPEC } from './spec.js';
import { type Timed, timed } from './timing.js';

const TARGET = 10;
const LOAD_CLASS = 'Load';

interface Sample extends Timed {
  readonly entitiesPerSecond: number;
}

/** Ids never repeat across contenders and rounds, so every AddEntity adds a new entity. */
let nextId = 0;

function addEntity(): ApertureDBCommand {
  const id = nextId++;
  return { AddEntity: { class: LOAD_CLASS, properties: { id, name: `load ${String(id)}` } } };
}

function* items(count: number): Generator<ParallelItem> {
  for (let k = 0; k < count; k++) yield { commands: [addEntity()] };
}

export async function parallelSection(server: ServerProcess): Promise<void> {
  const { parallelEntities, parallelBatchSize, parallelConcurrency, oneByOneEntities } = SPEC;
  printHeader(
    `parallel load: ${parallelEntities.toLocaleString('en-US')} AddEntity via runParallel ` +
      `(batchSize ${String(parallelBatchSize)}, concurrency ${String(parallelConcurrency)}) vs one query ` +
      `per entity (a sample of ${oneByOneEntities.toLocaleString('en-US')}); medians of ${String(SPEC.rounds)} rounds`,
  );
  const sized = (round: number, count: number): number => (round === 0 ? Math.ceil(count / 10) : count);
  const { replayUrl } = server;
  await using pooled = ApertureDBClient.fromUrl(replayUrl, { pool: { max: parallelConcurrency } });
  await using single = ApertureDBClient.fromUrl(replayUrl, { pool: { max: 1 } });
  const samples = await runRounds(
    {
      parallel: (round) => loadInParallel(server, pooled, sized(round, parallelEntities)),
      oneByOne: (round) => loadOneByOne(server, single, sized(round, oneByOneEntities)),
    },
    SPEC.rounds,
  );
  const of = (name: keyof typeof samples, field: keyof Sample): number[] =>
    samples[name].map((sample) => sample[field]);
  printFigure('entities/s, runParallel', of('parallel', 'entitiesPerSecond'));
  printFigure('entities/s, one query per entity (sample)', of('oneByOne', 'entitiesPerSecond'));
  printRatio(
    'runParallel/one-by-one entities/s',
    median(of('parallel', 'entitiesPerSecond')),
    median(of('oneByOne', 'entitiesPerSecond')),
    TARGET,
  );
  printFigure('server CPU busy during runParallel', of('parallel', 'serverBusy'), '×');
  printFigure('server CPU busy during one-by-one', of('oneByOne', 'serverBusy'), '×');
  printNote(
    `One-by-one adds ${oneByOneEntities.toLocaleString('en-US')} entities per round, not ` +
      `${parallelEntities.toLocaleString('en-US')}: the ratio compares rates. Peer: the replay peer.`,
  );

  // For information: the same against the test server, once, on smaller counts.
  const onServer = { parallel: parallelEntities / 10, oneByOne: oneByOneEntities / 25 };
  await using serverPooled = ApertureDBClient.fromUrl(server.url, { pool: { max: parallelConcurrency } });
  await using serverSingle = ApertureDBClient.fromUrl(server.url, { pool: { max: 1 } });
  const parallel = await loadInParallel(server, serverPooled, onServer.parallel);
  const oneByOne = await loadOneByOne(server, serverSingle, onServer.oneByOne);
  printFigure(
    `entities/s on the test server, runParallel (${onServer.parallel.toLocaleString('en-US')}, one run)`,
    [parallel.entitiesPerSecond],
  );
  printFigure(`entities/s on the test server, one-by-one (${String(onServer.oneByOne)}, one run)`, [
    oneByOne.entitiesPerSecond,
  ]);
  printRatio('test server: runParallel/one-by-one', parallel.entitiesPerSecond, oneByOne.entitiesPerSecond);
  printFigure('server CPU busy during runParallel (test server)', [parallel.serverBusy], '×');
  printFigure('server CPU busy during one-by-one (test server)', [oneByOne.serverBusy], '×');
}

async function loadInParallel(
  server: ServerProcess,
  client: ApertureDBClient,
  count: number,
): Promise<Sample> {
  let succeeded = 0;
  const run = await timed(server, async () => {
    const result = await runParallel(client, items(count), {
      batchSize: SPEC.parallelBatchSize,
      concurrency: SPEC.parallelConcurrency,
    });
    succeeded = result.succeeded;
  });
  if (succeeded !== count) throw new Error(`runParallel added ${String(succeeded)} of ${String(count)}`);
  return { ...run, entitiesPerSecond: count / run.seconds };
}

async function loadOneByOne(server: ServerProcess, client: ApertureDBClient, count: number): Promise<Sample> {
  const run = await timed(server, async () => {
    for (let k = 0; k < count; k++) await client.query([addEntity()]);
  });
  return { ...run, entitiesPerSecond: count / run.seconds };
}
