import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CommandResult, runCommand } from './run-command.js';

/**
 * npm pointed at one registry with its own cache, so nothing touches the user's npm cache and
 * every command names its registry. `isolated` also replaces the user's npmrc with an empty one
 * (for the local registry: no mirror, proxy or token from the machine can take part).
 */
export class NpmClient {
  readonly registry: string;
  readonly #cacheDir: string;
  readonly #env: NodeJS.ProcessEnv;

  constructor(options: { registry: string; cacheDir: string; isolatedConfigDir?: string }) {
    this.registry = options.registry;
    this.#cacheDir = options.cacheDir;
    const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false' };
    // A parent `pnpm run` exports its settings as npm_config_*; npm must not inherit them.
    for (const name of Object.keys(env)) if (/^npm_config_/i.test(name)) delete env[name];
    if (options.isolatedConfigDir !== undefined) {
      const userconfig = join(options.isolatedConfigDir, 'npmrc');
      const globalconfig = join(options.isolatedConfigDir, 'npmrc-global');
      writeFileSync(userconfig, '');
      writeFileSync(globalconfig, '');
      env['npm_config_userconfig'] = userconfig;
      env['npm_config_globalconfig'] = globalconfig;
    }
    this.#env = env;
  }

  /** Runs `npm <args>` in `cwd` with `--registry` and `--cache` set. */
  run(args: readonly string[], cwd: string, timeoutMs = 90_000): Promise<CommandResult> {
    return runCommand(
      'npm',
      [...args, `--registry=${this.registry}`, `--cache=${this.#cacheDir}`, '--no-audit', '--no-fund'],
      { cwd, env: this.#env, timeoutMs },
    );
  }

  /**
   * `npm publish` of a packed tarball. npm refuses to publish without credentials even where the
   * registry allows anonymous publishing; a placeholder token for this registry satisfies npm.
   */
  publish(tarball: string, cwd: string): Promise<CommandResult> {
    const host = this.registry.replace(/^https?:/, '');
    return this.run(['publish', tarball, `--${host}:_authToken=anonymous-publish`], cwd);
  }
}
