import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './run-command.js';

export const repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface PublishablePackage {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
}

/** Every package under packages/ that is published (not private). */
export function publishablePackages(): PublishablePackage[] {
  const packagesDir = join(repoRoot, 'packages');
  const found: PublishablePackage[] = [];
  for (const entry of readdirSync(packagesDir).sort()) {
    const manifestFile = join(packagesDir, entry, 'package.json');
    if (!existsSync(manifestFile)) continue;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
      name: string;
      version: string;
      private?: boolean;
    };
    if (manifest.private !== true)
      found.push({ name: manifest.name, version: manifest.version, dir: join(packagesDir, entry) });
  }
  return found;
}

/** pnpm itself when a `pnpm run` started us (its exact version), else the `pnpm` on PATH. */
function pnpmCommand(): { command: string; prefix: string[] } {
  const execPath = process.env['npm_execpath'];
  if (execPath !== undefined && /pnpm\.c?js$/.test(execPath))
    return { command: process.execPath, prefix: [execPath] };
  return { command: 'pnpm', prefix: [] };
}

/**
 * `pnpm pack` of one package into `destination`, as `pnpm publish` would upload it: the built
 * dist, and `workspace:` ranges replaced by real versions. Returns the tarball's path.
 */
export async function packPackage(pkg: PublishablePackage, destination: string): Promise<string> {
  const pnpm = pnpmCommand();
  const { stdout } = await runCommand(
    pnpm.command,
    [...pnpm.prefix, 'pack', '--pack-destination', destination, '--json'],
    { cwd: pkg.dir },
  );
  const { filename } = JSON.parse(stdout) as { filename: string };
  return filename;
}
