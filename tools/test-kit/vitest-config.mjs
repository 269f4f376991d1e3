// Shared vitest settings for every @conn package. Plain JS: vitest loads config files with Node,
// which cannot import TypeScript from another workspace package.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Point `@conn/<pkg>` and `@conn/<pkg>/testing` at the sources, so a driver's tests run against the
 * current core without waiting for a build. The built artefacts are checked separately (check:package).
 */
function workspaceSourceAliases() {
  const aliases = [];
  const packagesDir = join(repoRoot, 'packages');
  for (const dir of readdirSync(packagesDir)) {
    const manifestPath = join(packagesDir, dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const { name } = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const testingEntry = join(packagesDir, dir, 'src', 'testing', 'index.ts');
    if (existsSync(testingEntry)) aliases.push({ find: `${name}/testing`, replacement: testingEntry });
    aliases.push({ find: new RegExp(`^${name}$`), replacement: join(packagesDir, dir, 'src', 'index.ts') });
  }
  return aliases;
}

/**
 * The vitest config every package uses: a JSON report for the repository-wide summary line, the
 * resource-leak check after every test file, and sources resolved through workspace aliases.
 * @param {{ testTimeout?: number, include?: string[] }} [overrides]
 */
export function connTestConfig(overrides = {}) {
  return {
    resolve: { alias: workspaceSourceAliases() },
    test: {
      include: overrides.include ?? ['test/**/*.test.ts'],
      pool: 'forks',
      testTimeout: overrides.testTimeout ?? 20_000,
      hookTimeout: 20_000,
      setupFiles: [join(repoRoot, 'tools', 'test-kit', 'leak-check.ts')],
      reporters: ['default', 'json'],
      outputFile: { json: 'test-results/vitest.json' },
    },
  };
}
