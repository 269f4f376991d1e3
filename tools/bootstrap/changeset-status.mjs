#!/usr/bin/env node
// `changeset status` for `npm test`: every changeset parses, and no published package changed
// since the base branch without one. Plain `changeset status` needs the base branch as a local ref;
// a clone without it (another branch checked out, no remote) compares with the remote's copy or
// with HEAD, and since `--since` only reads changesets changed after that ref, every changeset file
// is parsed here first with the changesets parser itself.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './setup.mjs';

const changesetDir = join(repoRoot, '.changeset');
const { baseBranch = 'main' } = JSON.parse(readFileSync(join(changesetDir, 'config.json'), 'utf8'));

function refExists(ref) {
  return (
    spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repoRoot }).status === 0
  );
}

/** Throws on the first changeset file the changesets parser rejects. */
function parseEveryChangeset() {
  const fromCli = createRequire(createRequire(join(repoRoot, 'package.json')).resolve('@changesets/cli'));
  const parse = fromCli('@changesets/parse').default;
  for (const name of readdirSync(changesetDir)) {
    if (!name.endsWith('.md') || name === 'README.md') continue;
    try {
      parse(readFileSync(join(changesetDir, name), 'utf8'));
    } catch (error) {
      throw new Error(`.changeset/${name}: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
    }
  }
}

function statusArgs() {
  if (refExists(baseBranch)) return ['status'];
  parseEveryChangeset();
  const since = refExists(`origin/${baseBranch}`) ? `origin/${baseBranch}` : 'HEAD';
  console.log(`changeset status: no local '${baseBranch}' branch; checking changes since ${since}`);
  return ['status', `--since=${since}`];
}

let args;
try {
  args = statusArgs();
} catch (error) {
  console.error(`changeset status: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
const changeset = join(repoRoot, 'node_modules', '.bin', 'changeset');
const result = spawnSync(changeset, args, { cwd: repoRoot, stdio: 'inherit' });
if (result.error) throw result.error;
process.exit(result.status ?? 1);
