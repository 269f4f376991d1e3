import { runCommand } from './run-command.js';

export type PublicRegistry =
  | { readonly reachable: true; readonly url: string }
  | { readonly reachable: false; readonly reason: string };

/** npm's codes for a registry it could not talk to at all (as opposed to an answer it did not like). */
const NETWORK_FAILURE =
  /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_TIMEOUT)\b/;

/**
 * The registry this machine's npm is configured for (a mirror stays a mirror), and whether it
 * answers a request for pg's metadata. Only a network failure makes it unreachable: any other
 * error (a 404, a bad answer) is thrown, so a test fails instead of skipping.
 */
export async function publicRegistry(cwd: string, cacheDir: string): Promise<PublicRegistry> {
  const url = (
    await runCommand('npm', ['config', 'get', 'registry'], { cwd, timeoutMs: 15_000 })
  ).stdout.trim();
  try {
    await runCommand('npm', ['view', 'pg', 'version', `--registry=${url}`, `--cache=${cacheDir}`], {
      cwd,
      timeoutMs: 30_000,
    });
    return { reachable: true, url };
  } catch (error) {
    const message = (error as Error).message;
    const network = NETWORK_FAILURE.exec(message);
    if (network === null && !/was killed/.test(message)) throw error;
    return { reachable: false, reason: `${url} is unreachable (${network?.[1] ?? 'no answer in 30 s'})` };
  }
}
