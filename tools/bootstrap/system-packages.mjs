// Debian packages the tests need (PostgreSQL server binaries, Python peers for cross-checks),
// declared by each workspace package as "conn": { "debianPackages": [...] } in its package.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './setup.mjs';

function declaredPackages() {
  const wanted = new Set();
  for (const group of ['packages', 'tools']) {
    const dir = join(repoRoot, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const manifestPath = join(dir, name, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      for (const pkg of manifest.conn?.debianPackages ?? []) wanted.add(pkg);
    }
  }
  return [...wanted].sort();
}

function isInstalled(pkg) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

/** Installs missing declared Debian packages when running as root; otherwise says what is missing and why. */
export function ensureSystemPackages(env) {
  const wanted = declaredPackages();
  if (wanted.length === 0) return;
  if (spawnSync('dpkg-query', ['--version']).status !== 0) {
    console.log(
      `System packages: no dpkg on this machine; tests needing ${wanted.join(', ')} will say they skip.`,
    );
    return;
  }
  const missing = wanted.filter((pkg) => !isInstalled(pkg));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.log(
      `System packages missing (${missing.join(', ')}) and not root: tests needing them will say they skip.`,
    );
    return;
  }
  console.log(`Installing Debian packages: ${missing.join(', ')}`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { env: aptEnv, stdio: 'inherit' });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    env: aptEnv,
    stdio: 'inherit',
  });
  if (update.status !== 0 || install.status !== 0) {
    console.log(`Could not install ${missing.join(', ')}: tests needing them will say they skip.`);
  }
}
