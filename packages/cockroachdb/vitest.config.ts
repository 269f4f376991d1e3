import { fileURLToPath } from 'node:url';
import { connTestConfig } from '@conn/test-kit/vitest';
import { defineConfig } from 'vitest/config';

const base = connTestConfig({ testTimeout: 60_000 });

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // One real PostgreSQL for the whole run (CONN_COCKROACHDB_URL, or a throwaway local cluster).
    globalSetup: [
      fileURLToPath(new URL('../../tools/pg-server/src/vitest-global-setup.ts', import.meta.url)),
    ],
  },
});
