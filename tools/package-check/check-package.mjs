#!/usr/bin/env node
// Checks the package in the current directory the way a user receives it: publint (strict),
// @arethetypeswrong/cli on the packed tarball, and a smoke test that require()s and imports the
// built entry points from outside the repository. Exits non-zero on any problem.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const packageDir = process.cwd();
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const problems = [];

function run(label, command, args) {
  const result = spawnSync(command, args, { cwd: packageDir, encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0) problems.push(`${label} failed:\n${output}`);
  else console.log(`${label}: ok`);
  return output;
}

// publint: the exports map, files and types are consistent.
run('publint', 'publint', ['--strict', '.']);

// are-the-types-wrong: types resolve for node10, node16 (CJS and ESM) and bundlers.
run('attw', 'attw', ['--pack', '.', '--format', 'table-flipped']);

// Smoke test: both module systems load every entry point from a scratch project.
const scratch = mkdtempSync(join(tmpdir(), 'conn-smoke-'));
try {
  const link = join(scratch, 'node_modules', manifest.name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(packageDir, link, 'dir');
  const entries = Object.keys(manifest.exports ?? { '.': null })
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`));
  for (const entry of entries) {
    const cjs = `const m = require(${JSON.stringify(entry)}); const n = Object.keys(m).length; if (n === 0) throw new Error('no exports'); console.log(n);`;
    const esm = `const m = await import(${JSON.stringify(entry)}); const n = Object.keys(m).length; if (n === 0) throw new Error('no exports'); console.log(n);`;
    const viaRequire = execFileSync(process.execPath, ['-e', cjs], { cwd: scratch, encoding: 'utf8' }).trim();
    const viaImport = execFileSync(process.execPath, ['--input-type=module', '-e', esm], {
      cwd: scratch,
      encoding: 'utf8',
    }).trim();
    if (viaRequire !== viaImport) {
      problems.push(`${entry}: require() sees ${viaRequire} exports but import sees ${viaImport}`);
    } else {
      console.log(`smoke ${entry}: require() and import both load ${viaImport} exports`);
    }
  }
} catch (error) {
  problems.push(`smoke test failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error(problems.join('\n\n'));
  process.exit(1);
}
