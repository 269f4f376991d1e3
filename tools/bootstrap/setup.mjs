// Getting the pinned pnpm and the workspace's dependencies onto a fresh machine.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs a command with inherited output; throws on failure unless `allowFailure`. Returns the exit code. */
export function run(command, args, env, { allowFailure = false, cwd = repoRoot } = {}) {
  const result = spawnSync(command, args, { cwd, env, stdio: 'inherit' });
  if (result.error) throw result.error;
  const status = result.status ?? 1;
  if (status !== 0 && !allowFailure) throw new Error(`${command} ${args.join(' ')} exited with ${status}`);
  return status;
}

function versionOf(command, env) {
  const result = spawnSync(command, ['--version'], { env, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * Returns a pnpm command of exactly the version pinned in package.json#packageManager: the one on
 * PATH when it matches, else `npm i -g pnpm@<pin>` (no corepack: the registry serves no signatures),
 * else a copy installed under .cache/ when global installs are not allowed.
 */
export function ensurePnpm(env) {
  const pin = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).packageManager.replace(
    /^pnpm@/,
    '',
  );
  if (versionOf('pnpm', env) === pin) return 'pnpm';
  console.log(`Installing pnpm ${pin} ...`);
  const global = spawnSync('npm', ['install', '--global', `pnpm@${pin}`], { env, stdio: 'inherit' });
  if (global.status === 0 && versionOf('pnpm', env) === pin) return 'pnpm';
  const prefix = join(repoRoot, '.cache', 'pnpm');
  const local = join(prefix, 'node_modules', '.bin', 'pnpm');
  if (!existsSync(local) || versionOf(local, env) !== pin) {
    run('npm', ['install', '--no-save', '--prefix', prefix, `pnpm@${pin}`], env);
  }
  return local;
}

/** Installs the workspace exactly as the lockfile says. */
export function ensureInstalled(pnpm, env) {
  run(pnpm, ['install', '--frozen-lockfile', '--reporter=append-only'], env);
}
