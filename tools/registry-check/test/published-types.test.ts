// The packed packages, installed from their tarballs with their dependencies from the public
// registry, type-check in a consumer project with skipLibCheck off (ESM and CommonJS declarations):
// a type a published .d.ts imports from a devDependency (pg's, before @types/pg became a
// dependency) fails here with TS7016.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NpmClient } from '../src/npm-client.js';
import { publicRegistry } from '../src/public-registry.js';
import { runCommand } from '../src/run-command.js';
import { packPackage, publishablePackages } from '../src/workspace-packages.js';

const work = mkdtempSync(join(tmpdir(), 'conn-published-types-'));
const cacheDir = join(work, 'npm-cache');
const registry = await publicRegistry(work, cacheDir);
if (!registry.reachable) console.warn(`published types test skipped: ${registry.reason}`);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

describe.skipIf(!registry.reachable)('published declarations', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('type-check in a consumer with skipLibCheck: false', async () => {
    if (!registry.reachable) return;
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    const packed = await Promise.all(publishablePackages().map((pkg) => packPackage(pkg, tarballs)));
    const app = join(work, 'app');
    cpSync(join(import.meta.dirname, '..', 'fixtures', 'types-consumer'), app, { recursive: true });
    writeFileSync(
      join(app, 'package.json'),
      `${JSON.stringify({ name: 'types-consumer', private: true })}\n`,
    );
    const npm = new NpmClient({ registry: registry.url, cacheDir });
    // @types/node at the engines floor: any TypeScript project on Node has it.
    await npm.run(['install', '--no-package-lock', ...packed, '@types/node@20'], app);
    expect(readdirSync(join(app, 'node_modules', '@types')).sort()).toContain('pg');
    const result = await runCommand(process.execPath, [tsc, '-p', app], { cwd: app }).then(
      () => 'no errors',
      (error: Error) => error.message,
    );
    expect(result).toBe('no errors');
  });
});
