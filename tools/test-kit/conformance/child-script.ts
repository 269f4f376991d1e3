// Runs a small script in a fresh Node process, as a user's script would run, and reports how it
// ended. The child is killed if it outlives `killAfterMs` (that is then the test's failure).
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ChildOutcome {
  /** Exit code, or `null` when killed. */
  readonly code: number | null;
  readonly killed: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Writes `source` as a `.mjs` or `.cjs` file inside `cwd` (the package's folder, so the package under
 * test resolves itself by name through its `exports`, as an installed one would) and runs it there.
 */
export async function runChildScript(options: {
  readonly source: string;
  readonly kind: 'esm' | 'cjs';
  readonly cwd: string;
  readonly args: readonly string[];
  readonly killAfterMs: number;
}): Promise<ChildOutcome> {
  const file = join(
    options.cwd,
    `.conformance-${process.pid}-${Date.now()}.${options.kind === 'esm' ? 'mjs' : 'cjs'}`,
  );
  writeFileSync(file, options.source);
  try {
    return await new Promise<ChildOutcome>((resolve) => {
      const child = spawn(process.execPath, [file, ...options.args], {
        cwd: options.cwd,
        env: { ...process.env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, options.killAfterMs);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, killed, stdout, stderr });
      });
    });
  } finally {
    rmSync(file, { force: true });
  }
}
