import {
  type ServerProcess as Child,
  startServerProcess as startChild,
} from '@conn/bench-kit/server-process';

/**
 * The bench's ApertureDB test server (`url`, preloaded with the FindEntity entities and the blob)
 * and the replay peer answering with pre-encoded blob answers (`replayUrl`, bench/replay-server.ts),
 * running in a child process (`bench/serve.ts`).
 */
export type ServerProcess = Child<{ readonly url: string; readonly replayUrl: string }>;

/** Starts `bench/serve.ts` in a child process and resolves once it is preloaded and listening. */
export const startServerProcess = (): Promise<ServerProcess> =>
  startChild(new URL('./serve.ts', import.meta.url));
