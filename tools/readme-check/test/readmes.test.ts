// The check itself: every runnable block of every README in the repository type-checks and runs
// against its package's built dist and own test server.
import { readFileSync } from 'node:fs';
import type {} from '@conn/pg-server/vitest-global-setup';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkSnippet, prepareReadme } from '../src/check-readme.js';
import {
  EnvironmentUnavailable,
  type QuickstartEnvironment,
  quickstartEnvironments,
  startQuickstartEnvironment,
} from '../src/quickstart-environments.js';
import { findRunnableBlocks } from '../src/runnable-blocks.js';
import type { SnippetDirectory } from '../src/snippet-files.js';
import { typecheckSnippets } from '../src/typecheck-snippets.js';
import { workspacePackages, workspaceReadmes } from '../src/workspace.js';

const packages = workspacePackages();
const readmes = workspaceReadmes();

/** One environment per package for the whole file, started when a block first needs it. */
const environments = new Map<string, Promise<QuickstartEnvironment>>();

function environmentOf(packageName: string): Promise<QuickstartEnvironment> {
  let started = environments.get(packageName);
  if (started === undefined) {
    started = startQuickstartEnvironment(packageName, { postgres: inject('connPg') });
    // Awaited by the blocks; a failure is theirs to report (and close() below skips it).
    started.catch(() => {});
    environments.set(packageName, started);
  }
  return started;
}

afterAll(async () => {
  const settled = await Promise.allSettled(environments.values());
  for (const environment of settled) if (environment.status === 'fulfilled') await environment.value.close();
});

describe('the workspace', () => {
  it('every package has a quickstart environment and a README with at least one runnable block', () => {
    for (const pkg of packages) {
      expect(quickstartEnvironments, `${pkg.name} in src/quickstart-environments.ts`).toHaveProperty([
        pkg.name,
      ]);
      const readme = readFileSync(`${pkg.dir}/README.md`, 'utf8');
      expect(findRunnableBlocks(readme).length, `runnable blocks in ${pkg.name}'s README`).toBeGreaterThan(0);
    }
  });

  it("every driver's README links to the driver contract near its top", () => {
    // A driver is a package with a `./testing` export (docs/driver-contract.md, "The testing server").
    const drivers = packages.filter((pkg) => {
      const manifest = JSON.parse(readFileSync(`${pkg.dir}/package.json`, 'utf8')) as { exports?: object };
      return manifest.exports !== undefined && './testing' in manifest.exports;
    });
    expect(drivers.length).toBeGreaterThan(0);
    for (const pkg of drivers) {
      const top = readFileSync(`${pkg.dir}/README.md`, 'utf8').split('\n').slice(0, 25).join('\n');
      expect(top, `${pkg.name}'s README`).toContain('](../../docs/driver-contract.md)');
    }
  });
});

for (const readme of readmes) {
  const blocks = findRunnableBlocks(readFileSync(readme.path, 'utf8'));
  if (blocks.length === 0) continue;

  describe(readme.label, () => {
    let directories: SnippetDirectory[] = [];
    beforeAll(() => {
      directories = prepareReadme(readme, packages);
    });
    afterAll(() => {
      for (const directory of directories) directory.remove();
    });

    it('its TypeScript blocks type-check against the built packages', async () => {
      for (const directory of directories) {
        const result = await typecheckSnippets(directory);
        expect(result.passed, result.report).toBe(true);
      }
    });

    for (const block of blocks) {
      it(`the ${block.language} block at line ${block.line} runs`, async (context) => {
        const target = directories
          .flatMap((directory) => directory.snippets)
          .find((snippet) => snippet.block.line === block.line);
        if (target === undefined) throw new Error(`no snippet was written for line ${block.line}`);
        const pkg = packages.find((candidate) => candidate.dir === target.packageDir);
        if (pkg === undefined) throw new Error(`${target.packageDir} is not a workspace package`);
        let environment: QuickstartEnvironment;
        try {
          environment = await environmentOf(pkg.name);
        } catch (error) {
          if (!(error instanceof EnvironmentUnavailable)) throw error;
          console.log(`${target.label} skips: ${error.message}`);
          context.skip(error.message);
          return;
        }
        const failure = await checkSnippet(target, { env: environment.env });
        expect(failure, failure).toBeUndefined();
      });
    }
  });
}
