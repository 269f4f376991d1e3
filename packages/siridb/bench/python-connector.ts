/**
 * Debian's python3-siridb-connector in one long-lived Python process per server, driven by JSON
 * lines on stdin (see `bench/python/connector_bench.py`): rounds interleave with ours without
 * paying a process start each time.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BareLogin } from './bare-client.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python/connector_bench.py', import.meta.url));

/** What the Python side needs besides the login to build the same batches as ours. */
export interface PythonSetup extends BareLogin {
  readonly baseSeconds: number;
  readonly unitsPerSecond: number;
}

/** True when the Python connector can be imported. */
export function pythonConnectorAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import siridb.connector']).status === 0;
}

export class PythonConnector {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #replies: ((line: string | Error) => void)[] = [];
  #stderr = '';
  #exited: Error | undefined;

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.#child = child;
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      this.#stderr = (this.#stderr + text).slice(-2_000);
    });
    createInterface({ input: child.stdout }).on('line', (line) => this.#replies.shift()?.(line));
    child.on('exit', (code, signal) => {
      this.#exited = new Error(`python connector exited (${signal ?? code}): ${this.#stderr.trim()}`);
      for (const reply of this.#replies.splice(0)) reply(this.#exited);
    });
    child.on('error', (error) => {
      this.#exited = error;
      for (const reply of this.#replies.splice(0)) reply(error);
    });
  }

  /** Starts the process; it connects and authenticates before answering its first line. */
  static async start(setup: PythonSetup): Promise<PythonConnector> {
    const connector = new PythonConnector(spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] }));
    try {
      await connector.request(setup);
    } catch (error) {
      connector.close();
      throw error;
    }
    return connector;
  }

  /** Sends one command and resolves with its answer (rejects with the Python error). */
  request<T>(command: object): Promise<T> {
    if (this.#exited !== undefined) return Promise.reject(this.#exited);
    return new Promise<T>((resolve, reject) => {
      this.#replies.push((line) => {
        if (line instanceof Error) return reject(line);
        const answer = JSON.parse(line) as { error?: string };
        if (answer.error !== undefined) reject(new Error(`python: ${answer.error}`));
        else resolve(answer as T);
      });
      this.#child.stdin.write(`${JSON.stringify(command)}\n`);
    });
  }

  /** Closing stdin ends the process after it closes its connection. */
  close(): void {
    this.#child.stdin.end();
  }
}
