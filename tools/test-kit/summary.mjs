// Reads vitest's JSON reports (packages/*/test-results/vitest.json) and turbo's run summary
// (.turbo/runs/*.json) and adds them up.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest turbo run summary in `<root>/.turbo/runs`, or undefined. */
function latestTurboRun(root) {
  const dir = join(root, '.turbo', 'runs');
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(dir, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return files[0] === undefined ? undefined : JSON.parse(readFileSync(files[0], 'utf8'));
}

function vitestReports(root) {
  const reports = [];
  for (const group of ['packages', 'tools']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const name of readdirSync(groupDir)) {
      const file = join(groupDir, name, 'test-results', 'vitest.json');
      if (existsSync(file))
        reports.push({ name: `${group}/${name}`, report: JSON.parse(readFileSync(file, 'utf8')) });
    }
  }
  return reports;
}

/**
 * @param {string} root repository root
 * @returns {{ passed: number, failed: number, skipped: number, failures: string[] }}
 */
export function summarize(root) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  const testedPackages = new Set();

  for (const { name, report } of vitestReports(root)) {
    testedPackages.add(name);
    for (const file of report.testResults ?? []) {
      let fileFailures = 0;
      for (const test of file.assertionResults ?? []) {
        if (test.status === 'passed') passed++;
        else if (test.status === 'skipped' || test.status === 'pending' || test.status === 'todo') skipped++;
        else if (test.status === 'failed') {
          failed++;
          fileFailures++;
          failures.push(`${name}: ${test.fullName ?? test.title}`);
        }
      }
      // A file can fail outside any test (import error, failing hook such as the leak check).
      if (file.status === 'failed' && fileFailures === 0) {
        failed++;
        failures.push(`${name}: ${file.name} (${(file.message ?? 'suite failed').split('\n')[0]})`);
      }
    }
  }

  const run = latestTurboRun(root);
  for (const task of run?.tasks ?? []) {
    const exitCode = task.execution?.exitCode;
    const label = `${task.package}#${task.task}`;
    if (task.task === 'test') {
      // Counted test by test above; a test task that failed without a report still counts once.
      const dir = task.directory ?? '';
      if (exitCode !== 0 && exitCode !== undefined && !testedPackages.has(dir)) {
        failed++;
        failures.push(`${label} exited ${exitCode} without a vitest report`);
      }
      continue;
    }
    if (exitCode === undefined || exitCode === null) continue;
    if (exitCode === 0) passed++;
    else {
      failed++;
      failures.push(`${label} exited ${exitCode}`);
    }
  }
  return { passed, failed, skipped, failures };
}
