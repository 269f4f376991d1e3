#!/usr/bin/env node
// Prints the one closing line CI reads, `N passed, N failed`, summed over every package: each
// vitest test counts once, and every other turbo task of the run (build, lint, typecheck,
// check:package) counts as one check. Exits 1 when anything failed.
import { summarize } from './summary.mjs';

const root = process.argv[2] ?? process.cwd();
const summary = summarize(root);
for (const line of summary.failures) console.log(`FAILED ${line}`);
// Skipped tests print their reason where they skip (e.g. a missing CONN_*_URL).
console.log(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
process.exit(summary.failed > 0 || summary.passed === 0 ? 1 : 0);
