import type { ViteUserConfig } from 'vitest/config';

/** Options a package may override in the shared vitest config. */
export interface ConnTestConfigOverrides {
  testTimeout?: number;
  include?: string[];
}

/** The shared vitest config of every @conn package. */
export function connTestConfig(overrides?: ConnTestConfigOverrides): ViteUserConfig;
