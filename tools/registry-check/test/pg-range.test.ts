// @conn/cockroachdb declares pg and pg-cursor as caret ranges. This installs the ends of those
// ranges from the public registry into temp folders and checks, against a real PostgreSQL, every
// pg internal the driver relies on; the release just below the range must fail that check, or the
// range could start lower. Skips, saying why, only when the registry cannot be reached.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PgServerHandle, startPgServer } from '@conn/pg-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NpmClient } from '../src/npm-client.js';
import { cockroachdbRanges, compareVersions, lowestOfCaretRange } from '../src/pg-range.js';
import { publicRegistry } from '../src/public-registry.js';
import { runCommand } from '../src/run-command.js';
import { writeLocalhostCertificates } from '../src/tls-fixture.js';
import { repoRoot } from '../src/workspace-packages.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const work = mkdtempSync(join(tmpdir(), 'conn-pg-range-'));
const cacheDir = join(work, 'npm-cache');
const registry = await publicRegistry(work, cacheDir);
if (!registry.reachable) console.warn(`pg range tests skipped: ${registry.reason}`);

interface ProbeReport {
  readonly pg: string;
  readonly checks: Record<string, string>;
}

describe.skipIf(!registry.reachable)('pg and pg-cursor ranges of @conn/cockroachdb', () => {
  const ranges = cockroachdbRanges();
  let npm: NpmClient;
  let server: PgServerHandle | undefined;
  let pgUrl = '';
  const tlsDir = join(work, 'tls');

  beforeAll(async () => {
    if (!registry.reachable) return;
    npm = new NpmClient({ registry: registry.url, cacheDir });
    mkdirSync(tlsDir);
    const [handle] = await Promise.all([startPgServer(), writeLocalhostCertificates(tlsDir)]);
    server = handle;
    if (!handle.availability.available)
      throw new Error(`no PostgreSQL for the probe: ${handle.availability.reason}`);
    pgUrl = handle.availability.info.url;
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** A folder with exactly these packages installed from the registry. */
  async function installInto(name: string, specs: string[]): Promise<string> {
    const dir = join(work, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `probe-${name}`, private: true })}\n`);
    await npm.run(['install', '--no-package-lock', ...specs], dir);
    return dir;
  }

  async function probe(dir: string): Promise<ProbeReport> {
    cpSync(join(fixtures, 'pg-internals-probe.cjs'), join(dir, 'probe.cjs'));
    const { stdout } = await runCommand(process.execPath, ['probe.cjs', pgUrl], {
      cwd: dir,
      env: { ...process.env, CONN_PROBE_TLS_DIR: tlsDir },
      timeoutMs: 30_000,
    });
    return JSON.parse(stdout) as ProbeReport;
  }

  const failedChecks = (report: ProbeReport) =>
    Object.entries(report.checks).filter(([, result]) => result !== 'ok');

  it('takes caret ranges', () => {
    expect(lowestOfCaretRange(ranges.pg)).toMatch(/^8\./);
    expect(lowestOfCaretRange(ranges.pgCursor)).toMatch(/^2\./);
  });

  it('the lowest allowed pg and pg-cursor pass every check, and the built driver runs on them', async () => {
    const pg = lowestOfCaretRange(ranges.pg);
    const dir = await installInto('lowest', [
      `pg@${pg}`,
      `pg-cursor@${lowestOfCaretRange(ranges.pgCursor)}`,
      // The driver's other runtime dependencies (pg-copy-streams), for the smoke run below.
      ...ranges.others,
    ]);
    const report = await probe(dir);
    expect(report.pg).toBe(pg);
    expect(failedChecks(report)).toEqual([]);
    expect(Object.keys(report.checks).length).toBeGreaterThanOrEqual(12);

    // The driver as built, next to that pg (copies: a symlink would resolve pg from the repository).
    for (const pkg of ['core', 'cockroachdb']) {
      for (const part of ['package.json', 'dist'])
        cpSync(join(repoRoot, 'packages', pkg, part), join(dir, 'node_modules', '@conn', pkg, part), {
          recursive: true,
        });
    }
    cpSync(join(fixtures, 'cockroachdb-smoke.mjs'), join(dir, 'smoke.mjs'));
    const { stdout } = await runCommand(process.execPath, ['smoke.mjs', pgUrl], {
      cwd: dir,
      timeoutMs: 30_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      pipelined: Array.from({ length: 20 }, (_, index) => index),
      streamedSum: (2500 * 2501) / 2,
    });
  });

  it('the newest pg and pg-cursor the ranges allow pass every check', async () => {
    const dir = await installInto('newest', [`pg@${ranges.pg}`, `pg-cursor@${ranges.pgCursor}`]);
    const report = await probe(dir);
    console.log(`newest pg in ${ranges.pg}: ${report.pg}`);
    expect(failedChecks(report)).toEqual([]);
  });

  it('the pg release just below the range fails a check, so the range cannot start lower', async () => {
    const lowest = lowestOfCaretRange(ranges.pg);
    const { stdout } = await npm.run(['view', 'pg', 'versions', '--json'], work);
    const below = (JSON.parse(stdout) as string[])
      .filter((version) => /^\d+\.\d+\.\d+$/.test(version) && compareVersions(version, lowest) < 0)
      .sort(compareVersions)
      .at(-1);
    expect(below).toBeDefined();
    const dir = await installInto('below', [
      `pg@${below}`,
      `pg-cursor@${lowestOfCaretRange(ranges.pgCursor)}`,
    ]);
    const report = await probe(dir);
    console.log(`pg ${report.pg} fails: ${JSON.stringify(Object.fromEntries(failedChecks(report)))}`);
    expect(report.pg).toBe(below);
    expect(failedChecks(report).length).toBeGreaterThan(0);
  });
});
