import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** What the parent can ask of a server script started by {@link startServerProcess}. */
export interface ServerControl {
  /** CPU seconds (user + system) the server process has used so far. */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

/** A server script in a child process: what it announced once ready, and its controls. */
export type ServerProcess<Announced extends object> = Announced & ServerControl;

/** What the server script of a `ServerProcess` type announces (its type argument). */
export type AnnouncementOf<Process extends ServerControl> = Omit<Process, keyof ServerControl>;

/**
 * Starts `script` (a TypeScript file run by tsx that calls `announceServer` from
 * `@conn/bench-kit/server-child`) in a child process and resolves once it announces itself; the
 * announced JSON is trusted to be an `Announced`. The server's CPU time is read over its
 * stdin/stdout, one request at a time (a bench never asks twice at once).
 */
export async function startServerProcess<Announced extends object>(
  script: string | URL,
): Promise<ServerProcess<Announced>> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', typeof script === 'string' ? script : fileURLToPath(script)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
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
  const announced = (await nextReply()) as Announced;
  const control: ServerControl = {
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
  return { ...announced, ...control };
}
