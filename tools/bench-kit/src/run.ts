import { printEnvironment, printError } from './report.js';

/** One section of a bench: its name (for the error line) and what it measures. */
export type BenchSection<Server> = readonly [name: string, run: (server: Server) => Promise<void>];

export interface BenchPlan<Server extends { stop(): Promise<void> }> {
  /** The first line printed. */
  readonly title: string;
  /** Printed with the seconds it took, e.g. "test server ready". */
  readonly readyMessage: string;
  readonly startServer: () => Promise<Server>;
  readonly sections: readonly BenchSection<Server>[];
}

/**
 * Prints the title and the environment, starts the server, runs each section and stops the
 * server. A failing section is reported and sets exit code 1; the others still run (a bench is a
 * measurement: missed targets do not fail it).
 */
export async function runBench<Server extends { stop(): Promise<void> }>(
  plan: BenchPlan<Server>,
): Promise<void> {
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  console.log(plan.title);
  printEnvironment();
  const server = await plan.startServer();
  console.log(`${plan.readyMessage} in ${seconds().toFixed(1)} s (child process)`);
  try {
    for (const [name, section] of plan.sections) {
      try {
        await section(server);
      } catch (error) {
        printError(`${name} benchmark failed`, error);
        process.exitCode = 1;
      }
    }
  } finally {
    await server.stop();
  }
  console.log(`\n(all: ${seconds().toFixed(0)} s)`);
}
