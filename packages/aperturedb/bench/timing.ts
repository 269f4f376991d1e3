/**
 * One timed run of a contender: wall time, this process's CPU time (it holds only the client) and
 * the server process's CPU time over the same span, so a figure says whether the client or the
 * server set the pace.
 */
import type { ServerProcess } from './server-process.js';

export interface Timed {
  readonly seconds: number;
  /** CPU seconds of this process (the client under measurement). */
  readonly clientCpuSeconds: number;
  /** Share of the wall time the server process was on a CPU (1 = one CPU all the time). */
  readonly serverBusy: number;
}

export async function timed(server: ServerProcess, run: () => Promise<void>): Promise<Timed> {
  const serverCpuBefore = await server.cpuSeconds();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const serverCpu = (await server.cpuSeconds()) - serverCpuBefore;
  return { seconds, clientCpuSeconds: (cpu.user + cpu.system) / 1e6, serverBusy: serverCpu / seconds };
}
