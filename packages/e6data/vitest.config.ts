import { connTestConfig } from '@conn/test-kit/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig(connTestConfig());
