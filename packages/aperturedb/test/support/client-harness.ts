/**
 * Test servers and clients that close themselves after each test: `harness()` in a test file
 * registers the cleanup, `startServer` and `clientOf` remember what they made.
 */
import { afterEach } from 'vitest';
import { ApertureDBClient } from '../../src/client.js';
import type { ApertureDBClientOptions } from '../../src/options.js';
import {
  type ApertureDBTestServer,
  type ApertureDBTestServerOptions,
  startApertureDBTestServer,
} from '../../src/testing/index.js';

export interface ClientHarness {
  startServer(options?: ApertureDBTestServerOptions): Promise<ApertureDBTestServer>;
  /** A client of `server`'s URL with `overrides` on top. */
  clientOf(server: { readonly url: string }, overrides?: Partial<ApertureDBClientOptions>): ApertureDBClient;
  /** Registers something else to close after the test. */
  onCleanup(cleanup: () => Promise<void> | void): void;
}

export function harness(): ClientHarness {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    async startServer(options = {}) {
      const server = await startApertureDBTestServer(options);
      cleanups.push(() => server.close());
      return server;
    },
    clientOf(server, overrides = {}) {
      const client = ApertureDBClient.fromUrl(server.url, overrides);
      cleanups.push(() => client.close({ timeoutMs: 0 }));
      return client;
    },
    onCleanup(cleanup) {
      cleanups.push(cleanup);
    },
  };
}

/** The commands of every message the server received, by name (e.g. `AddEntity`). */
export function receivedCommandNames(server: ApertureDBTestServer): string[][] {
  return server.receivedMessages.map((message) =>
    (JSON.parse(message.json) as Record<string, unknown>[]).map((command) => Object.keys(command)[0] ?? ''),
  );
}

/** How many received messages hold a command named `name`. */
export function messagesWith(server: ApertureDBTestServer, name: string): number {
  return receivedCommandNames(server).filter((names) => names.includes(name)).length;
}
