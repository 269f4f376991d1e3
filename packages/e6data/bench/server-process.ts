import {
  type ServerProcess as Child,
  startServerProcess as startChild,
} from '@conn/bench-kit/server-process';

/** The bench's test server (replay engine) in a child process: its URL and the result's size. */
export type ServerProcess = Child<{ readonly url: string; readonly bytes: number }>;

/** Starts `bench/serve.ts` in a child process and resolves once it listens. */
export const startServerProcess = (): Promise<ServerProcess> =>
  startChild(new URL('./serve.ts', import.meta.url));
