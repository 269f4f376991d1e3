import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunnableBlock } from './runnable-blocks.js';

/** A runnable block written to a file in its package's directory. */
export interface Snippet {
  /** Where it came from, e.g. `packages/siridb/README.md:21`. */
  readonly label: string;
  /** The README's path relative to the repository root. */
  readonly readme: string;
  readonly block: RunnableBlock;
  /** The package directory the snippet runs in (its working directory). */
  readonly packageDir: string;
  readonly file: string;
}

/** The files of one README's blocks that run in one package, and a way to remove them. */
export interface SnippetDirectory {
  readonly dir: string;
  readonly snippets: readonly Snippet[];
  /** Deletes the files (and the scratch folders when nothing else is left in them). */
  remove(): void;
}

// `.cache/` is in the repository's .gitignore, so linters, turbo's hashing and tsc's includes never
// see the files. It is not a node_modules folder, so a file there still belongs to the package
// and imports the package by its own name (Node's self-reference), which resolves to its dist.
const SCRATCH = ['.cache', 'readme-check'] as const;

/**
 * Writes each block to `<packageDir>/.cache/readme-check/<unique>/L<line>.mts` (or `.mjs`), with a
 * tsconfig that type-checks them under the package's own compiler options.
 */
export function writeSnippets(
  readme: string,
  packageDir: string,
  blocks: readonly RunnableBlock[],
): SnippetDirectory {
  const scratch = join(packageDir, ...SCRATCH);
  mkdirSync(scratch, { recursive: true });
  const dir = mkdtempSync(join(scratch, 'run-'));
  const snippets = blocks.map((block): Snippet => {
    const file = join(dir, `L${block.line}.${block.language === 'ts' ? 'mts' : 'mjs'}`);
    writeFileSync(file, block.code);
    return { label: `${readme}:${block.line}`, readme, block, packageDir, file };
  });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    `${JSON.stringify(
      {
        extends: join(packageDir, 'tsconfig.json'),
        // A snippet is an application, not a library: no declarations to keep isolated.
        compilerOptions: { rootDir: '.', noEmit: true, declaration: false, isolatedDeclarations: false },
        include: ['*.mts'],
      },
      null,
      2,
    )}\n`,
  );
  return {
    dir,
    snippets,
    remove() {
      rmSync(dir, { recursive: true, force: true });
      removeIfEmpty(scratch);
      removeIfEmpty(dirname(scratch));
    },
  };
}

/** Removes a folder only when it is empty: another check may be using it at the same time. */
function removeIfEmpty(dir: string): void {
  try {
    if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // Someone wrote into it in between: it stays, which is what they need.
  }
}
