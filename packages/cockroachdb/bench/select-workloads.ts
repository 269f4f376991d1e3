// Workloads 1–3: `SELECT 1` round trips, sequential and from 16 concurrent callers. Every case opens
// a fresh client (fresh server sessions) before each round and closes it after, so one lucky or
// unlucky session placement on the 2 CPUs does not follow a client through all its rounds.

import type { Clients } from './connections.js';
import { type BenchCase, check, concurrently, type Workload } from './measure.js';

const SQL = 'SELECT 1 AS x';

interface Opened {
  /** Runs the statement once and returns the `x` it answered. */
  query(): Promise<unknown>;
  close(): Promise<void>;
}

type Opener = () => Promise<Opened>;

interface Openers {
  ours(max: number): Opener;
  pgClient(): Opener;
  pgPipelined(): Opener;
  pgPool(max: number): Opener;
  postgresJsTagged(max: number): Opener;
  postgresJsUnsafe(max: number): Opener;
}

function openers(clients: Clients): Openers {
  return {
    ours: (max) => async () => {
      const db = clients.ours(max);
      return {
        query: async () => (await db.query<{ x: number }>(SQL))[0]?.x,
        close: () => db.close(),
      };
    },
    pgClient: () => async () => {
      const client = await clients.pgClient();
      return { query: async () => (await client.query(SQL)).rows[0]?.x, close: () => client.end() };
    },
    pgPipelined: () => async () => {
      const client = await clients.pgClient({ pipeline: true });
      return { query: async () => (await client.query(SQL)).rows[0]?.x, close: () => client.end() };
    },
    pgPool: (max) => async () => {
      const pool = clients.pgPool(max);
      return { query: async () => (await pool.query(SQL)).rows[0]?.x, close: () => pool.end() };
    },
    postgresJsTagged: (max) => async () => {
      const sql = clients.postgresJs(max);
      return { query: async () => (await sql`SELECT 1 AS x`)[0]?.['x'], close: () => sql.end() };
    },
    postgresJsUnsafe: (max) => async () => {
      const sql = clients.postgresJs(max);
      return { query: async () => (await sql.unsafe(SQL))[0]?.['x'], close: () => sql.end() };
    },
  };
}

/** A case that opens its client in `setup` (warming every session up) and closes it in `teardown`. */
function selectCase(
  client: string,
  open: Opener,
  callers: number,
  queries: number,
  ours?: 'primary',
  warmMs = 0,
): BenchCase {
  let opened: Opened | undefined;
  let answered = 0;
  return {
    client,
    ...(ours === undefined ? {} : { ours }),
    async setup() {
      opened = await open();
      const session = opened;
      // Opens every session the case will use (16 callers open up to 16) and warms them up. A pool
      // may answer the first queries on its first sessions while the others still connect (ours
      // pipelines on them; postgres.js holds queries until their own session is up): `warmMs` of
      // load lets every client finish opening before the clock starts, so the rounds compare
      // steady states instead of who pays for the connects inside the measured window.
      const warmUntil = performance.now() + warmMs;
      do {
        await concurrently(callers * 20, callers, async () => (await session.query()) === 1);
      } while (performance.now() < warmUntil);
    },
    async run() {
      const session = opened as Opened;
      if (callers === 1) {
        answered = 0;
        for (let i = 0; i < queries; i++) if ((await session.query()) === 1) answered++;
      } else {
        answered = await concurrently(queries, callers, async () => (await session.query()) === 1);
      }
      return queries;
    },
    async verify() {
      check(answered === queries, `${client}: ${answered} of ${queries} SELECT 1 answered 1`);
    },
    async teardown() {
      await opened?.close();
      opened = undefined;
    },
  };
}

export const SEQUENTIAL = 'sequential SELECT 1, one connection';
export const ONE_CONNECTION = '16 concurrent callers, one connection';
export const SIXTEEN_CONNECTIONS = '16 concurrent callers, 16 connections';

/** Warm-up load of the 16-connection cases, ms: long enough for 16 sessions to open on 2 CPUs. */
const OPEN_MS = 1_000;

export function selectWorkloads(
  clients: Clients,
  settings: {
    sequentialQueries: number;
    concurrentQueries: number;
    sequentialRounds: number;
    rounds: number;
  },
): Workload[] {
  const open = openers(clients);
  const { sequentialQueries: sequential, concurrentQueries: concurrent } = settings;
  const tagged = (max: number): string => `postgres.js sql\`SELECT 1\` (max ${max})`;
  const unsafe = (max: number): string => `postgres.js sql.unsafe (max ${max})`;
  return [
    {
      name: SEQUENTIAL,
      unit: 'queries/s',
      rounds: settings.sequentialRounds,
      cases: [
        selectCase('@conn/cockroachdb (pool max 1)', open.ours(1), 1, sequential, 'primary'),
        selectCase('pg.Client', open.pgClient(), 1, sequential),
        selectCase('pg.Pool (max 1)', open.pgPool(1), 1, sequential),
        selectCase(tagged(1), open.postgresJsTagged(1), 1, sequential),
        selectCase(unsafe(1), open.postgresJsUnsafe(1), 1, sequential),
      ],
      reference: ['pg.Client'],
      targets: [{ minRatio: 0.95, text: 'ours ≥ 0.95 × pg.Client' }],
    },
    {
      name: ONE_CONNECTION,
      unit: 'queries/s',
      rounds: settings.rounds,
      cases: [
        selectCase('@conn/cockroachdb (pool max 1, pipelined)', open.ours(1), 16, concurrent, 'primary'),
        selectCase('pg.Client pipeline: true', open.pgPipelined(), 16, concurrent),
        selectCase('pg.Client (internal queue)', open.pgClient(), 16, concurrent),
        selectCase(tagged(1), open.postgresJsTagged(1), 16, concurrent),
        selectCase(unsafe(1), open.postgresJsUnsafe(1), 16, concurrent),
      ],
      reference: [tagged(1), unsafe(1)],
      targets: [{ minRatio: 1, text: 'ours ≥ faster postgres.js' }],
    },
    {
      name: SIXTEEN_CONNECTIONS,
      unit: 'queries/s',
      rounds: settings.rounds,
      cases: [
        selectCase('@conn/cockroachdb (pool max 16)', open.ours(16), 16, concurrent, 'primary', OPEN_MS),
        selectCase('pg.Pool (max 16)', open.pgPool(16), 16, concurrent, undefined, OPEN_MS),
        selectCase(tagged(16), open.postgresJsTagged(16), 16, concurrent, undefined, OPEN_MS),
        selectCase(unsafe(16), open.postgresJsUnsafe(16), 16, concurrent, undefined, OPEN_MS),
        // The reference peer again: ours and postgres.js are at parity here (the same bytes on the
        // wire, one write and one read per query each), so the target's verdict is only as sure as
        // two equal clients' ratio in the same run is close to 1.
        {
          ...selectCase(
            `${tagged(16)}, again`,
            open.postgresJsTagged(16),
            16,
            concurrent,
            undefined,
            OPEN_MS,
          ),
          controlOf: tagged(16),
        },
      ],
      reference: [tagged(16), unsafe(16)],
      targets: [{ minRatio: 1, text: 'ours ≥ faster postgres.js' }],
    },
  ];
}
