// `pnpm bench`: @conn/cockroachdb against raw pg.Client, pg.Pool and postgres.js, every workload in
// one run against the same PostgreSQL: CONN_COCKROACHDB_URL, or a throwaway local cluster started by
// @conn/pg-server. Prints a Markdown table to stdout (progress goes to stderr). Exit code 1 only when
// an answer was wrong (or the run broke); a missed performance target is reported, not fatal.
// BENCH_QUICK=1 runs a small smoke version; BENCH_ONLY=<text> only the workloads whose name contains it.

import { availableParallelism } from 'node:os';
import { startPgServer } from '@conn/pg-server';
import type pg from 'pg';
import type postgres from 'postgres';
import type { CockroachDBClient } from '../src/index.js';
import { clientsFor, packageVersion } from './connections.js';
import { loadDriver } from './driver.js';
import { createInsertTable, dropInsertTable, insertWorkload } from './insert-workload.js';
import { CheckError, measureWorkload, type Workload, type WorkloadResult } from './measure.js';
import { renderTable, renderTargets } from './report.js';
import { selectWorkloads } from './select-workloads.js';
import { streamWorkload } from './stream-workload.js';

const quick = process.env['BENCH_QUICK'] === '1';
/** BENCH_ONLY=<text>: measures only the workloads whose name contains it (for a focused rerun). */
const only = process.env['BENCH_ONLY'] || undefined;
const SETTINGS = quick
  ? {
      select: { sequentialQueries: 500, concurrentQueries: 2_000, sequentialRounds: 3, rounds: 3 },
      stream: { rows: 100_000, rounds: 3 },
      insert: { rows: 10_000, perRowRows: 1_000, rounds: 3 },
    }
  : {
      select: { sequentialQueries: 3_000, concurrentQueries: 20_000, sequentialRounds: 21, rounds: 15 },
      stream: { rows: 1_000_000, rounds: 7 },
      insert: { rows: 100_000, perRowRows: 10_000, rounds: 7 },
    };

async function main(): Promise<number> {
  const handle = await startPgServer();
  if (!handle.availability.available) {
    console.log(`benchmark skipped: no PostgreSQL (${handle.availability.reason})`);
    await handle.stop();
    return 0;
  }
  const { info } = handle.availability;
  // pg's internal queue (one of the peers) prints a deprecation warning; this process is only the bench.
  process.noDeprecation = true;
  const closers: (() => Promise<unknown>)[] = [];
  const keep = <T>(resource: T, close: (resource: T) => Promise<unknown>): T => {
    closers.push(() => close(resource));
    return resource;
  };
  let exitCode = 0;
  try {
    const driver = await loadDriver();
    const clients = clientsFor(info.url, driver.Client);
    const streamOurs = keep(clients.ours(1), (db: CockroachDBClient) => db.close());
    const streamPg = keep(await clients.pgClient(), (client: pg.Client) => client.end());
    const streamSql = keep(clients.postgresJs(1), (sql: postgres.Sql) => sql.end());
    const insertOurs = keep(clients.ours(1), (db: CockroachDBClient) => db.close());
    const insertBefore = keep(clients.ours(1, { statementCache: 0 }), (db: CockroachDBClient) => db.close());
    const insertPg = keep(await clients.pgClient(), (client: pg.Client) => client.end());
    await createInsertTable(insertPg);
    closers.unshift(() => dropInsertTable(insertPg));

    const workloads: Workload[] = [
      ...selectWorkloads(clients, SETTINGS.select),
      streamWorkload({ ours: streamOurs, pg: streamPg, sql: streamSql }, SETTINGS.stream),
      insertWorkload({ ours: insertOurs, oursBefore: insertBefore, pg: insertPg }, SETTINGS.insert),
    ].filter((workload) => only === undefined || workload.name.includes(only));
    const serverVersion = (await insertPg.query<{ v: string }>('SELECT version() AS v')).rows[0]?.v ?? '?';
    const started = performance.now();
    const results: WorkloadResult[] = [];
    for (const workload of workloads) {
      process.stderr.write(`measuring: ${workload.name} (${workload.rounds} rounds)… `);
      const result = await measureWorkload(workload);
      process.stderr.write(`${result.seconds.toFixed(1)} s\n`);
      results.push(result);
    }
    const rounds = workloads.map((workload) => `${workload.name}: ${workload.rounds}`).join('; ');
    console.log(
      [
        '',
        `## @conn/cockroachdb benchmark${quick ? ' (BENCH_QUICK smoke run: numbers not meaningful)' : ''}`,
        '',
        `- Node ${process.version}, pg ${packageVersion('pg')}, postgres.js ${packageVersion('postgres')}, ` +
          `${availableParallelism()} CPUs shared by client and server`,
        `- @conn/cockroachdb measured from ${driver.description}`,
        `- server: ${serverVersion} (${info.source === 'env' ? 'CONN_COCKROACHDB_URL' : 'local throwaway cluster'}, ${info.redactedUrl}), TLS off for every client`,
        `- rounds per case (after one untimed warm-up pass; order reversed every other round): ${rounds}`,
        '- rate = median over the rounds; spread = slowest–fastest round; client CPU = median user+system CPU of this process per unit',
        '- ratio = ours ÷ peer: the median over the rounds of the ratio of the two rates in that round (the Targets section also gives the ratio of the medians); the reference peer of a workload is the fastest of the peers its target names',
        '',
      ].join('\n'),
    );
    console.log(renderTable(results));
    console.log(`\n### Targets\n\n${renderTargets(results)}`);
    console.log(`\n(measured in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  } catch (error) {
    exitCode = 1;
    console.error(error instanceof CheckError ? error.message : error);
  } finally {
    for (const close of closers) await close().catch((error: unknown) => console.error('cleanup:', error));
    await handle.stop();
  }
  return exitCode;
}

process.exitCode = await main();
