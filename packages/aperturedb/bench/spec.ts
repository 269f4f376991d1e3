/**
 * Sizes of `pnpm bench`, the same for every contender. CONN_APERTUREDB_BENCH_ROUNDS shrinks the
 * rounds for a quick look; the targets are for the defaults.
 */
export interface BenchSpec {
  /** Measured rounds per section, each section preceded by one warm-up round that is not reported. */
  readonly rounds: number;
  /** Sequential GetStatus round trips per contender per round. */
  readonly statusTrips: number;
  /**
   * Rounds of the comparisons on the replay peer: many of them, so a median is not decided by a
   * slow spell of the host or one garbage collection that hit one contender's round.
   */
  readonly replayRounds: number;
  /** Entities of class {@link FIND_CLASS} the server is preloaded with. */
  readonly findEntities: number;
  /** FindEntity commands in one transaction. */
  readonly findCommands: number;
  /** Transactions of {@link findCommands} per contender per round on the test server. */
  readonly findTransactions: number;
  /** The same through the replay peer, which answers at once. */
  readonly replayFindTransactions: number;
  /** Size of the one preloaded blob, in bytes. */
  readonly blobBytes: number;
  /** Times each contender fetches the blob from the test server per round (its copies are slow). */
  readonly serverBlobTransfers: number;
  /** Times each contender fetches (or sends) the blob through the replay peer per round. */
  readonly replayBlobTransfers: number;
  /** Entities added by `runParallel` per round. */
  readonly parallelEntities: number;
  readonly parallelBatchSize: number;
  readonly parallelConcurrency: number;
  /** Entities added one query at a time per round: a sample, to bound the runtime. */
  readonly oneByOneEntities: number;
}

function positiveInteger(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isSafeInteger(value) && value >= 1 ? value : fallback;
}

const ROUNDS = positiveInteger('CONN_APERTUREDB_BENCH_ROUNDS', 3);

export const SPEC: BenchSpec = {
  rounds: ROUNDS,
  statusTrips: 4_000,
  replayRounds: ROUNDS * 3,
  findEntities: 10_000,
  findCommands: 1_000,
  findTransactions: 2,
  replayFindTransactions: 40,
  blobBytes: 64 * 1024 * 1024,
  serverBlobTransfers: 1,
  replayBlobTransfers: 2,
  parallelEntities: 100_000,
  parallelBatchSize: 100,
  parallelConcurrency: 8,
  oneByOneEntities: 5_000,
};

/** The class of the preloaded entities the FindEntity batches look up by `id`. */
export const FIND_CLASS = 'X';
/** The `name` property of the preloaded blob. */
export const BLOB_NAME = 'bench-blob';

/** The FindEntity transaction: `count` lookups by `id`, spread over the preloaded ids. */
export function findCommands(count: number, entities: number): Record<string, unknown>[] {
  const stride = Math.max(1, Math.floor(entities / count));
  return Array.from({ length: count }, (_, k) => ({
    FindEntity: {
      with_class: FIND_CLASS,
      constraints: { id: ['==', (k * stride) % entities] },
      results: { list: ['id'] },
    },
  }));
}

/** The FindBlob command that returns the preloaded blob. */
export const FIND_BLOB: readonly Record<string, unknown>[] = [
  { FindBlob: { constraints: { name: ['==', BLOB_NAME] }, blobs: true, results: { list: ['name'] } } },
];
