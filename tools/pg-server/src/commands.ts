import { type SpawnSyncReturns, spawnSync } from 'node:child_process';

/** Runs a server binary, as `osUser` when given (PostgreSQL refuses to run as root). */
export function runAs(
  osUser: string | null,
  command: string,
  args: readonly string[],
  timeoutMs: number,
): SpawnSyncReturns<string> {
  const [file, argv] =
    osUser === null ? [command, args] : ['runuser', ['-u', osUser, '--', command, ...args]];
  return spawnSync(file, argv, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The last lines of a failed command's output, for a one-line reason. */
export function failureText(result: SpawnSyncReturns<string>): string {
  if (result.error !== undefined) return result.error.message;
  const text = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-2).join(' ');
  return text.length > 0 ? text : `exit code ${String(result.status)}`;
}
