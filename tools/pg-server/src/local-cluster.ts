import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinDir } from './binaries.js';
import { failureText, runAs } from './commands.js';
import { freePort } from './free-port.js';
import type { LocalCluster, PgServerInfo } from './types.js';

const USER = 'conn';
const DATABASE = 'conn_test';
const START_TIMEOUT_MS = 60_000;

/** The OS user to run the server as: `postgres` when we are root (PostgreSQL refuses root). */
function serverOsUser(): { name: string | null; uid?: number; gid?: number } | { reason: string } {
  if (process.getuid?.() !== 0) return { name: null };
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    return { reason: 'running as root and there is no postgres OS user to run the server as' };
  }
  return { name: 'postgres', uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function pgCtl(cluster: LocalCluster, args: readonly string[]) {
  return runAs(
    cluster.osUser,
    join(cluster.binDir, 'pg_ctl'),
    ['-D', cluster.dataDir, ...args],
    START_TIMEOUT_MS,
  );
}

function startServer(cluster: LocalCluster) {
  return pgCtl(cluster, ['-l', cluster.logFile, '-w', '-t', String(START_TIMEOUT_MS / 1000), 'start']);
}

/** Starts a throwaway cluster on a free loopback port, or says why it could not. */
export async function startLocalCluster(
  env: NodeJS.ProcessEnv,
): Promise<{ info: PgServerInfo } | { reason: string }> {
  const bin = findBinDir(env);
  if ('reason' in bin) return bin;
  const owner = serverOsUser();
  if ('reason' in owner) return owner;
  const rootDir = mkdtempSync(join(tmpdir(), 'conn-pg-'));
  const own = (path: string): void => {
    if (owner.uid !== undefined && owner.gid !== undefined) chownSync(path, owner.uid, owner.gid);
  };
  chmodSync(rootDir, 0o700);
  own(rootDir);
  const password = randomBytes(24).toString('hex');
  const passwordFile = join(rootDir, 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  own(passwordFile);
  let cluster: LocalCluster = {
    binDir: bin.binDir,
    dataDir: join(rootDir, 'data'),
    rootDir,
    osUser: owner.name,
    port: 0,
    logFile: join(rootDir, 'server.log'),
  };
  const fail = (why: string): { reason: string } => {
    stopLocalClusterSync(cluster);
    return { reason: why };
  };
  const init = runAs(
    cluster.osUser,
    join(cluster.binDir, 'initdb'),
    [
      '-D',
      cluster.dataDir,
      '-U',
      USER,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      `--pwfile=${passwordFile}`,
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ],
    START_TIMEOUT_MS,
  );
  rmSync(passwordFile, { force: true });
  if (init.status !== 0) return fail(`initdb failed: ${failureText(init)}`);
  const settings = [
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${rootDir}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'max_connections = 200',
    'logging_collector = off',
    'log_min_messages = warning',
  ];
  appendFileSync(join(cluster.dataDir, 'postgresql.conf'), `\n${settings.join('\n')}\n`);
  let started = false;
  let lastFailure = '';
  for (let attempt = 0; attempt < 3 && !started; attempt++) {
    cluster = { ...cluster, port: await freePort() };
    // The last `port` line wins, so a retry simply appends another.
    appendFileSync(join(cluster.dataDir, 'postgresql.conf'), `port = ${cluster.port}\n`);
    const result = startServer(cluster);
    started = result.status === 0;
    if (!started) lastFailure = failureText(result);
  }
  if (!started) return fail(`pg_ctl start failed: ${lastFailure}`);
  const created = runAs(
    cluster.osUser,
    join(cluster.binDir, 'createdb'),
    ['-h', rootDir, '-p', String(cluster.port), '-U', USER, DATABASE],
    START_TIMEOUT_MS,
  );
  if (created.status !== 0) return fail(`createdb failed: ${failureText(created)}`);
  const versionOutput =
    spawnSync(join(cluster.binDir, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout ?? '';
  const version = /(\d+\.\d+)/.exec(versionOutput)?.[1] ?? '';
  const url = `postgresql://${USER}:${password}@127.0.0.1:${cluster.port}/${DATABASE}`;
  registerExitStop(cluster);
  return {
    info: {
      url,
      redactedUrl: url.replace(password, '***'),
      source: 'local',
      canRestart: true,
      version,
      local: cluster,
    },
  };
}

const running = new Set<string>();

/** A crashed or interrupted run must not leave a server behind. */
function registerExitStop(cluster: LocalCluster): void {
  if (running.size === 0) {
    process.once('exit', () => {
      for (const entry of running) stopLocalClusterSync(JSON.parse(entry) as LocalCluster);
    });
  }
  running.add(JSON.stringify(cluster));
}

/** Stops the server at once and removes its directory; safe to call twice. */
export function stopLocalClusterSync(cluster: LocalCluster): void {
  running.delete(JSON.stringify(cluster));
  pgCtl(cluster, ['-m', 'immediate', '-w', 'stop']);
  rmSync(cluster.rootDir, { recursive: true, force: true });
}

/** Stops the server the way an operator would (`-m fast`: sessions are terminated). */
export function stopServer(cluster: LocalCluster): void {
  const result = pgCtl(cluster, ['-m', 'fast', '-w', 'stop']);
  if (result.status !== 0) throw new Error(`pg_ctl stop failed: ${failureText(result)}`);
}

/** Starts a stopped server again on the same port and data. */
export function startStoppedServer(cluster: LocalCluster): void {
  const result = startServer(cluster);
  if (result.status !== 0) throw new Error(`pg_ctl start failed: ${failureText(result)}`);
}
