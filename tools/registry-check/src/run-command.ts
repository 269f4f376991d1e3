import { execFile } from 'node:child_process';

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The child is killed after this long. Default 60 s. */
  readonly timeoutMs?: number;
}

/** The last lines of a command's output, for an error message that stays readable. */
function tail(text: string, lines = 25): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Runs a command to completion; rejects with its exit code and the end of its output when it fails. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ stdout, stderr });
          return;
        }
        const status = error.killed ? `was killed (${String(error.signal)})` : `exited ${String(error.code)}`;
        const output = tail(`${stdout}\n${stderr}`);
        reject(new Error(`${command} ${args.join(' ')} ${status}:\n${output}`, { cause: error }));
      },
    );
  });
}
