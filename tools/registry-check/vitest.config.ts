import { connTestConfig } from '@conn/test-kit/vitest';
import { defineConfig } from 'vitest/config';

// Installs from registries and runs packages in child processes: minutes, not the default 20 s.
export default defineConfig(connTestConfig({ testTimeout: 110_000 }));
