import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pointAtReadme } from './readme-lines.js';
import type { SnippetDirectory } from './snippet-files.js';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');

export interface TypecheckResult {
  readonly passed: boolean;
  /** tsc's report with positions pointing at the README; empty when it passed. */
  readonly report: string;
}

/**
 * Type-checks the TypeScript snippets of a directory under their package's compiler options,
 * against the package's built declarations (what a user's editor would show).
 */
export function typecheckSnippets(
  directory: SnippetDirectory,
  timeoutMs = 120_000,
): Promise<TypecheckResult> {
  const readme = directory.snippets[0]?.readme ?? '';
  if (!directory.snippets.some((snippet) => snippet.block.language === 'ts'))
    return Promise.resolve({ passed: true, report: '' });
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tsc, '-p', join(directory.dir, 'tsconfig.json'), '--pretty', 'false'],
      { cwd: directory.dir, timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ passed: true, report: '' });
          return;
        }
        const output = `${stdout}${stderr}`.trim() || error.message;
        resolve({ passed: false, report: pointAtReadme(output, readme) });
      },
    );
  });
}
