#!/usr/bin/env node
// `npm test` and `npm run demo` start here, on a machine that may have only Node and npm.
// Plain JavaScript with no dependencies: nothing is installed yet when this runs.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled, ensurePnpm, repoRoot, run } from './setup.mjs';
import { ensureSystemPackages } from './system-packages.mjs';

const command = process.argv[2];
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };

async function main() {
  const pnpm = ensurePnpm(env);
  ensureInstalled(pnpm, env);

  if (command === 'demo') {
    run(pnpm, ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], env);
    run(pnpm, ['--filter', '@conn/demo', 'start'], env);
    return;
  }

  if (command === 'test') {
    ensureSystemPackages(env);
    clearOldResults();
    // check:changesets is a root task (turbo.json `//#check:changesets`): the summary counts it.
    const tasks = ['build', 'lint', 'typecheck', 'test', 'check:package', 'check:changesets'];
    const turbo = run(
      pnpm,
      ['exec', 'turbo', 'run', ...tasks, '--continue', '--summarize', '--concurrency=2', ...cacheFlags()],
      env,
      {
        allowFailure: true,
      },
    );
    // The summary prints the closing `N passed, N failed` line and sets the exit code.
    const summary = run(
      process.execPath,
      [join(repoRoot, 'tools', 'test-kit', 'summary-cli.mjs'), repoRoot],
      env,
      {
        allowFailure: true,
      },
    );
    process.exitCode = turbo !== 0 || summary !== 0 ? 1 : 0;
    return;
  }

  console.error('usage: node tools/bootstrap/run.mjs <test|demo>');
  process.exitCode = 2;
}

/**
 * A real server's state changes between runs, so a run against one must execute, not replay: the
 * URLs are part of the test hash (turbo.json `env`), and here the cache is write-only for such runs.
 */
function cacheFlags() {
  const realServers = Object.keys(env).filter((name) => /^CONN_\w+_URL$/.test(name) && env[name]);
  if (realServers.length === 0) return [];
  console.log(`${realServers.join(', ')} set: running every task instead of replaying the cache`);
  return ['--cache=local:w'];
}

/** Old reports would be counted again: remove turbo's run summaries and vitest's JSON reports. */
function clearOldResults() {
  rmSync(join(repoRoot, '.turbo', 'runs'), { recursive: true, force: true });
  for (const group of ['packages', 'tools']) {
    const dir = join(repoRoot, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir))
      rmSync(join(dir, name, 'test-results'), { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
