// Which build of @conn/cockroachdb is measured. tsx compiles src with esbuild's keepNames, which wraps
// every closure created per call in `__name(fn, …)` (an Object.defineProperty per closure): about
// 0.35 µs per query that the published package (tsup, no keepNames) does not pay, while pg and
// postgres.js run untouched from node_modules. So the built dist/ is measured when it is at least as
// new as every file in src/ (`pnpm bench` at the root builds first), src/ otherwise.
// BENCH_DRIVER=src|dist forces one.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Driver from '../src/index.js';

export interface LoadedDriver {
  readonly Client: typeof Driver.CockroachDBClient;
  /** What was loaded, for the report. */
  readonly description: string;
}

function newestMtime(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export async function loadDriver(): Promise<LoadedDriver> {
  const distUrl = new URL('../dist/index.js', import.meta.url);
  const srcUrl = new URL('../src/index.js', import.meta.url);
  const forced = process.env['BENCH_DRIVER'];
  let distMtime: number | undefined;
  try {
    distMtime = statSync(fileURLToPath(distUrl)).mtimeMs;
  } catch {
    distMtime = undefined;
  }
  const srcMtime = newestMtime(fileURLToPath(new URL('../src', import.meta.url)));
  const fresh = distMtime !== undefined && distMtime >= srcMtime;
  const useDist = forced === 'dist' || (forced !== 'src' && fresh);
  const module = (await import(useDist ? distUrl.href : srcUrl.href)) as typeof Driver;
  let description: string;
  if (useDist) {
    description = fresh
      ? 'dist/index.js (built, newer than src/)'
      : 'dist/index.js (BENCH_DRIVER=dist; OLDER than src/)';
  } else {
    description =
      forced === 'src'
        ? 'src/ through tsx (BENCH_DRIVER=src)'
        : 'src/ through tsx, because dist/ is missing or older than src/ (tsx keepNames costs ours ≈0.35 µs per query; build first to measure the published code)';
  }
  return { Client: module.CockroachDBClient, description };
}
