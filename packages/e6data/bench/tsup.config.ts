import type { Options } from 'tsup';

// `pnpm bench` builds bench/shipped.ts first: see there why.
const config: Options = {
  entry: { shipped: 'bench/shipped.ts' },
  outDir: '.cache/bench',
  format: ['esm'],
  dts: false,
  clean: true,
  target: 'node20',
  treeshake: true,
  silent: true,
};

export default config;
