import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVE = fileURLToPath(new URL('./serve.ts', import.meta.url));

/** The bench's ApertureDB test server and replay peer, running in a child process (`bench/serve.ts`). */
export interface ServerProcess {
  /** The test server. */
  readonly url: string;
  /** The replay peer answering with pre-encoded blob answers (bench/replay-server.ts). */
  readonly replayUrl: string;
  /** CPU seconds (user + system) the server process has used so far. */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts `bench/serve.ts` in a child process and resolves once it listens. The server's CPU time
 * is read over its stdin/stdout, one request at a time (the bench never asks twice at once).
 */
export async function startServerProcess(): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVE], { stdio: ['pipe', 'pipe', 'inherit'] });
  const replies: string[] = [];
  let waiter: (() => void) | undefined;
  let exited = false;
  createInterface({ input: child.stdout }).on('line', (line) => {
    replies.push(line);
    waiter?.();
  });
  child.once('exit', () => {
    exited = true;
    waiter?.();
  });
  const nextReply = async (): Promise<unknown> => {
    while (replies.length === 0) {
      if (exited) throw new Error(`the bench server exited (code ${String(child.exitCode)})`);
      await new Promise<void>((resolve) => {
        waiter = resolve;
      });
      waiter = undefined;
    }
    return JSON.parse(replies.shift() as string) as unknown;
  };
  const { url, replayUrl } = (await nextReply()) as { url: string; replayUrl: string };
  return {
    url,
    replayUrl,
    cpuSeconds: async () => {
      child.stdin.write('cpu\n');
      return ((await nextReply()) as { cpuSeconds: number }).cpuSeconds;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}
