import { startServerProcess } from '@conn/bench-kit/server-process';

/** What `bench/serve.ts` announces once listening. */
export interface TestServerAnnouncement {
  readonly port: number;
}

/**
 * Starts the test server (`bench/serve.ts`) in a child process, so the client under measurement
 * does not share its event loop. Resolves with its URL and a stop function.
 */
export async function startTestServerProcess(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = await startServerProcess<TestServerAnnouncement>(new URL('./serve.ts', import.meta.url));
  return { url: `siridb://iris:siri@127.0.0.1:${server.port}/dbtest`, stop: server.stop };
}
