/**
 * Benchmark 1: rows/s of one `select()` of the whole streamed schema, read by the driver
 * (`for await` over `client.run()`, pool of one connection) and by the bare socket parsing every
 * frame (`bench/bare-client.ts`); target: driver ≥ 0.8× bare. The rows come from the replay peer
 * (`bench/replay-server.ts`), which writes a pre-encoded answer in large slices, so the readers and
 * not the server set the pace. A third contender, the bare socket cutting frames without parsing
 * them, shows what the peer delivers; every round also records the client's CPU time (this
 * process holds only the client) and the peer's.
 */

import { runRounds } from '@conn/bench-kit/rounds';
import { median } from '@conn/bench-kit/stats';
import { ZTeraDBClient, ZTeraDBQuery } from '../src/index.js';
import { BareZTeraDBSocket } from './bare-client.js';
import { printFigure, printHeader, printNote, printRatio } from './report.js';
import type { ServerProcess } from './server-process.js';
import { SPEC, STREAMED_SCHEMA } from './spec.js';

/** One contender's round. */
interface StreamSample {
  readonly rowsPerSecond: number;
  /** Rows per second of this process's CPU time: the client's own cost, whatever the server's speed. */
  readonly rowsPerClientCpuSecond: number;
  /** Share of the round's wall time the server process was on a CPU (1 = one CPU all the time). */
  readonly serverBusy: number;
}

const TARGET = 0.8;

export async function streamSection(server: ServerProcess): Promise<void> {
  const rows = SPEC.streamedRows;
  printHeader(
    `stream: select() of ${rows.toLocaleString('en-US')} rows {id, name, price, active}, one connection; ` +
      `medians of ${SPEC.rounds} rounds`,
  );
  await using driver = ZTeraDBClient.fromUrl(server.replayUrl, { pool: { max: 1 } });
  const bare = await BareZTeraDBSocket.open(server.replayUrl);
  try {
    // Round 0 warms up on the first tenth of the rows.
    const warmUpRows = Math.max(1, Math.floor(rows / 10));
    const selectOf = (round: number) =>
      round === 0
        ? ZTeraDBQuery(STREAMED_SCHEMA).select().limit(0, warmUpRows)
        : ZTeraDBQuery(STREAMED_SCHEMA).select();
    const warmUpFrame = bare.selectFrame(STREAMED_SCHEMA, warmUpRows);
    const wholeFrame = bare.selectFrame(STREAMED_SCHEMA);
    const timed = async (rows: number, read: () => Promise<number>): Promise<StreamSample> => {
      const serverCpuBefore = await server.cpuSeconds();
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const count = await read();
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const serverCpu = (await server.cpuSeconds()) - serverCpuBefore;
      if (count !== rows) throw new Error(`read ${String(count)} rows, expected ${String(rows)}`);
      return {
        rowsPerSecond: rows / seconds,
        rowsPerClientCpuSecond: rows / ((cpu.user + cpu.system) / 1e6),
        serverBusy: serverCpu / seconds,
      };
    };
    const samples = await runRounds(
      {
        driver: (round) =>
          timed(round === 0 ? warmUpRows : rows, async () => {
            let count = 0;
            for await (const _row of driver.run(selectOf(round))) count += 1;
            return count;
          }),
        bare: (round) =>
          timed(round === 0 ? warmUpRows : rows, () =>
            bare.exchange(round === 0 ? warmUpFrame : wholeFrame, 'parse'),
          ),
        scan: (round) =>
          timed(round === 0 ? warmUpRows : rows, () =>
            bare.exchange(round === 0 ? warmUpFrame : wholeFrame, 'scan'),
          ),
      },
      SPEC.rounds,
    );
    const of = (name: keyof typeof samples, field: keyof StreamSample): number[] =>
      samples[name].map((sample) => sample[field]);
    printFigure('rows/s, driver (for await over run())', of('driver', 'rowsPerSecond'));
    printFigure('rows/s, bare socket (framing + JSON.parse)', of('bare', 'rowsPerSecond'));
    printFigure('rows/s, framing only (no parse): what the peer delivers', of('scan', 'rowsPerSecond'));
    printRatio(
      'driver/bare rows/s',
      median(of('driver', 'rowsPerSecond')),
      median(of('bare', 'rowsPerSecond')),
      TARGET,
    );
    printRatio(
      'bare/framing-only rows/s (well under 1: the readers, not the peer, set the pace)',
      median(of('bare', 'rowsPerSecond')),
      median(of('scan', 'rowsPerSecond')),
    );
    printFigure('peer CPU busy while the driver reads', of('driver', 'serverBusy'), '×');
    printFigure('peer CPU busy while the bare socket reads', of('bare', 'serverBusy'), '×');
    printFigure('rows per client CPU-second, driver', of('driver', 'rowsPerClientCpuSecond'));
    printFigure('rows per client CPU-second, bare socket', of('bare', 'rowsPerClientCpuSecond'));
    printRatio(
      'driver/bare rows per client CPU-second',
      median(of('driver', 'rowsPerClientCpuSecond')),
      median(of('bare', 'rowsPerClientCpuSecond')),
    );
    printNote('The peer writes a pre-encoded answer, so neither reader waits on a server building');
    printNote('frames; the CPU-second ratio compares what each client costs per row on its own.');
  } finally {
    bare.close();
  }
}
