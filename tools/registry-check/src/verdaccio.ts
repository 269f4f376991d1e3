import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { freeLoopbackPort } from './free-port.js';

export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** Stops the server and waits for its process to exit. */
  stop(): Promise<void>;
}

/**
 * The registry's whole configuration: storage in `dir`, no uplinks (a package it was not given is
 * a 404, never fetched from elsewhere), anyone may read and publish, and nobody may register.
 */
function configYaml(dir: string): string {
  return [
    `storage: ${JSON.stringify(join(dir, 'storage'))}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(join(dir, 'htpasswd'))}`,
    '    max_users: -1',
    'uplinks: {}',
    'packages:',
    "  '**':",
    '    access: $all',
    '    publish: $anonymous',
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n');
}

const verdaccioBin = createRequire(import.meta.url).resolve('verdaccio/bin/verdaccio');

/** Resolves once the server logs its listening address; rejects if it exits first or takes too long. */
function listening(child: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => finish(new Error(`Verdaccio did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.includes(`http address - ${url}`)) finish();
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`Verdaccio exited (${String(code)}):\n${output}`));
    function finish(error?: Error): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (error === undefined) resolve();
      else reject(error);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Starts Verdaccio on 127.0.0.1 with its storage and configuration under `dir`. */
export async function startVerdaccio(dir: string): Promise<LocalRegistry> {
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, configYaml(dir));
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}/`;
  const child = spawn(
    process.execPath,
    [verdaccioBin, '--config', configFile, '--listen', `127.0.0.1:${port}`],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await listening(child, url, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  // Keep draining its output so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return { url, stop };
}
