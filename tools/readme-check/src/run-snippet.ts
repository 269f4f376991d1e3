import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Snippet } from './snippet-files.js';

/** Default time a snippet may run: a quickstart takes a second or two. */
export const DEFAULT_SNIPPET_TIMEOUT_MS = 30_000;

/** Most output kept per stream: the end of it is what explains a failure. */
const MAX_OUTPUT_CHARS = 256 * 1024;

const require = createRequire(import.meta.url);
/** tsx's loader, by absolute URL: the package a snippet runs in need not depend on tsx. */
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;

export interface SnippetRun {
  /** `null` when the process was killed. */
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

export interface RunSnippetOptions {
  /** Added to the environment of the snippet (the test server's URL, ...). */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Killed (and failed) after this long. Default {@link DEFAULT_SNIPPET_TIMEOUT_MS}. */
  readonly timeoutMs?: number | undefined;
}

/**
 * Runs a snippet as its own ES module with node, TypeScript through tsx, in its package's
 * directory, and resolves when the process has exited (or was killed at the timeout).
 */
export function runSnippet(snippet: Snippet, options: RunSnippetOptions = {}): Promise<SnippetRun> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SNIPPET_TIMEOUT_MS;
  const args = snippet.block.language === 'ts' ? ['--import', tsxLoader, snippet.file] : [snippet.file];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: snippet.packageDir,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = (stdout + chunk).slice(-MAX_OUTPUT_CHARS);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-MAX_OUTPUT_CHARS);
    });
    let timedOut = false;
    // Ref'd on purpose: the check waits for it.
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // `close`, not `exit`: the output pipes are drained by then.
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, timedOut, stdout, stderr, durationMs: performance.now() - started });
    });
  });
}
