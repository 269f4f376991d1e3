import { fileURLToPath } from 'node:url';
import { connTestConfig } from '@conn/test-kit/vitest';
import { defineConfig } from 'vitest/config';

// Each block runs in a child process (a second or two each); the CockroachDB quickstart needs the
// run's PostgreSQL, started once by the same global setup as @conn/cockroachdb's tests.
const base = connTestConfig({ testTimeout: 90_000 });

export default defineConfig({
  ...base,
  // The snippets import the built packages, so the test servers they talk to are the built ones
  // too: no aliases to the sources.
  resolve: { alias: [] },
  test: {
    ...base.test,
    globalSetup: [fileURLToPath(new URL('../pg-server/src/vitest-global-setup.ts', import.meta.url))],
  },
});
