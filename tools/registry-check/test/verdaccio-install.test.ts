// Publishes every package to a local Verdaccio (no uplinks) and installs @conn/siridb from it in an
// empty folder, as a user would: only @conn/siridb and @conn/core may arrive, and the installed
// package runs the quickstart through import and through require.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NpmClient } from '../src/npm-client.js';
import { runCommand } from '../src/run-command.js';
import { type LocalRegistry, startVerdaccio } from '../src/verdaccio.js';
import { packPackage, publishablePackages } from '../src/workspace-packages.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

/** Package names under node_modules, scoped ones as `@scope/name`. */
function installedPackages(nodeModules: string): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const scoped of readdirSync(join(nodeModules, entry))) names.push(`${entry}/${scoped}`);
    } else names.push(entry);
  }
  return names.sort();
}

/** The one point the quickstart writes, as the query returns it. */
const expectedQuickstartOutput = { 'quickstart.temperature': [[1_700_000_000_123, 21.5]] };

describe('every package published to a local Verdaccio, @conn/siridb installed from it', () => {
  let work = '';
  let registry: LocalRegistry | undefined;
  let npm: NpmClient;
  let app = '';
  const startedAt = performance.now();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'conn-registry-check-'));
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    const packed = await Promise.all(publishablePackages().map((pkg) => packPackage(pkg, tarballs)));
    registry = await startVerdaccio(join(work, 'verdaccio'));
    const npmHome = join(work, 'npm-config');
    mkdirSync(npmHome);
    npm = new NpmClient({
      registry: registry.url,
      cacheDir: join(work, 'npm-cache'),
      isolatedConfigDir: npmHome,
    });
    await Promise.all(packed.map((tarball) => npm.publish(tarball, work)));
    app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      `${JSON.stringify({ name: 'quickstart-app', private: true }, null, 2)}\n`,
    );
    await npm.run(['install', '@conn/siridb'], app);
  }, 90_000);

  afterAll(async () => {
    await registry?.stop();
    if (work !== '') rmSync(work, { recursive: true, force: true });
    console.log(
      `Verdaccio publish, install and quickstarts took ${Math.round(performance.now() - startedAt)} ms`,
    );
  });

  it('publishes every package under packages/', async () => {
    const packages = publishablePackages();
    const views = await Promise.all(
      packages.map((pkg) => npm.run(['view', `${pkg.name}@${pkg.version}`, 'name', '--json'], work)),
    );
    expect(views.map(({ stdout }) => JSON.parse(stdout))).toEqual(packages.map((pkg) => pkg.name));
  });

  it('installs only @conn/siridb and @conn/core, both from the local registry', () => {
    expect(installedPackages(join(app, 'node_modules'))).toEqual(['@conn/core', '@conn/siridb']);
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string }>;
    };
    const installed = Object.entries(lock.packages).filter(([path]) => path !== '');
    expect(installed.map(([path]) => path).sort()).toEqual([
      'node_modules/@conn/core',
      'node_modules/@conn/siridb',
    ]);
    for (const [, entry] of installed) expect(entry.resolved?.startsWith(registry?.url ?? '?')).toBe(true);
  });

  it('runs the quickstart through import (ESM)', async () => {
    copyFileSync(join(fixtures, 'siridb-quickstart.mjs'), join(app, 'quickstart.mjs'));
    const { stdout } = await runCommand(process.execPath, ['quickstart.mjs'], {
      cwd: app,
      timeoutMs: 30_000,
    });
    expect(JSON.parse(stdout)).toEqual(expectedQuickstartOutput);
  });

  it('runs the quickstart through require (CommonJS)', async () => {
    copyFileSync(join(fixtures, 'siridb-quickstart.cjs'), join(app, 'quickstart.cjs'));
    const { stdout } = await runCommand(process.execPath, ['quickstart.cjs'], {
      cwd: app,
      timeoutMs: 30_000,
    });
    expect(JSON.parse(stdout)).toEqual(expectedQuickstartOutput);
  });

  it('refuses packages it was not given (no uplinks)', async () => {
    await expect(npm.run(['view', 'pg', 'version'], work)).rejects.toThrow(/E404|404 Not Found/);
    expect(existsSync(join(app, 'node_modules', 'pg'))).toBe(false);
  });
});
