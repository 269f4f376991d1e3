import { readFileSync } from 'node:fs';
import { describeSnippet, excerpt, pointAtReadme } from './readme-lines.js';
import {
  DEFAULT_SNIPPET_TIMEOUT_MS,
  type RunSnippetOptions,
  runSnippet,
  type SnippetRun,
} from './run-snippet.js';
import { findRunnableBlocks, type RunnableBlock } from './runnable-blocks.js';
import { type Snippet, type SnippetDirectory, writeSnippets } from './snippet-files.js';
import { typecheckSnippets } from './typecheck-snippets.js';
import { packageOfBlock, type Readme, type WorkspacePackage, workspacePackages } from './workspace.js';

/**
 * Writes a README's runnable blocks into the packages they run in: one directory per package
 * (the root README's blocks may go to several). Remove them when done.
 */
export function prepareReadme(
  readme: Readme,
  packages: readonly WorkspacePackage[] = workspacePackages(),
): SnippetDirectory[] {
  const blocks = findRunnableBlocks(readFileSync(readme.path, 'utf8'));
  const byPackage = new Map<string, RunnableBlock[]>();
  for (const block of blocks) {
    const dir = packageOfBlock(readme, block.code, packages).dir;
    byPackage.set(dir, [...(byPackage.get(dir) ?? []), block]);
  }
  const directories: SnippetDirectory[] = [];
  try {
    for (const [dir, group] of byPackage) directories.push(writeSnippets(readme.label, dir, group));
  } catch (error) {
    for (const directory of directories) directory.remove();
    throw error;
  }
  return directories;
}

/** Why a finished run fails the check, or `undefined` when it passed. */
export function runFailure(snippet: Snippet, run: SnippetRun, timeoutMs: number): string | undefined {
  if (!run.timedOut && run.exitCode === 0) return undefined;
  const what = run.timedOut
    ? `did not finish within ${timeoutMs} ms and was killed`
    : `exited with code ${String(run.exitCode)}`;
  // The snippet's stderr says why; a snippet that failed silently may have said it on stdout.
  const output =
    run.stderr.trim() !== '' ? `stderr:\n${excerpt(run.stderr)}` : `stdout:\n${excerpt(run.stdout)}`;
  return `${describeSnippet(snippet)} ${what}\n${pointAtReadme(output, snippet.readme)}`;
}

/** Runs one snippet; resolves with why it failed, or `undefined` when it passed. */
export async function checkSnippet(
  snippet: Snippet,
  options: RunSnippetOptions = {},
): Promise<string | undefined> {
  const run = await runSnippet(snippet, options);
  return runFailure(snippet, run, options.timeoutMs ?? DEFAULT_SNIPPET_TIMEOUT_MS);
}

export interface ReadmeCheckResult {
  /** True when the blocks type-check and every one ran to exit code 0. */
  readonly passed: boolean;
  /** One message per failure: the type check's report, then each failed block's. */
  readonly failures: readonly string[];
  /** The blocks checked, as `README.md:<line>`. */
  readonly checked: readonly string[];
}

/**
 * The whole check of one README: type-check its TypeScript blocks, then run every block in turn
 * with `options.env` (the URL of the test server its blocks read), and clean up.
 */
export async function checkReadme(
  readme: Readme,
  options: RunSnippetOptions & { readonly packages?: readonly WorkspacePackage[] } = {},
): Promise<ReadmeCheckResult> {
  const directories = prepareReadme(readme, options.packages);
  const failures: string[] = [];
  const checked: string[] = [];
  try {
    for (const directory of directories) {
      const typecheck = await typecheckSnippets(directory);
      if (!typecheck.passed) failures.push(`${readme.label} does not type-check:\n${typecheck.report}`);
      for (const snippet of directory.snippets) {
        checked.push(snippet.label);
        const failure = await checkSnippet(snippet, options);
        if (failure !== undefined) failures.push(failure);
      }
    }
  } finally {
    for (const directory of directories) directory.remove();
  }
  return { passed: failures.length === 0, failures, checked };
}
