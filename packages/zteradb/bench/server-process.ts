import {
  type ServerProcess as Child,
  startServerProcess as startChild,
} from '@conn/bench-kit/server-process';

/**
 * The bench's test server (`url`) and the replay peer serving the streamed schema's pre-encoded
 * answer (`replayUrl`, bench/replay-server.ts), running in a child process (`bench/serve.ts`).
 */
export type ServerProcess = Child<{ readonly url: string; readonly replayUrl: string }>;

/** Starts `bench/serve.ts` in a child process and resolves once it listens. */
export const startServerProcess = (): Promise<ServerProcess> =>
  startChild(new URL('./serve.ts', import.meta.url));
