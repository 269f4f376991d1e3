import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './workspace-packages.js';

/** The runtime dependencies of @conn/cockroachdb whose versions a user's install may choose. */
export interface DriverRanges {
  readonly pg: string;
  readonly pgCursor: string;
  /**
   * Its other runtime dependencies from the registry, as install specs (`name@range`): the driver
   * needs them to run next to the pg under test. `@conn/*` and `@types/*` are left out.
   */
  readonly others: readonly string[];
}

export function cockroachdbRanges(): DriverRanges {
  const manifest = JSON.parse(
    readFileSync(join(repoRoot, 'packages', 'cockroachdb', 'package.json'), 'utf8'),
  ) as {
    dependencies: Record<string, string>;
  };
  const pg = manifest.dependencies['pg'];
  const pgCursor = manifest.dependencies['pg-cursor'];
  if (pg === undefined || pgCursor === undefined)
    throw new Error('@conn/cockroachdb must depend on pg and pg-cursor');
  const others = Object.entries(manifest.dependencies)
    .filter(([name]) => !['pg', 'pg-cursor'].includes(name) && !/^@(conn|types)\//.test(name))
    .map(([name, range]) => `${name}@${range}`);
  return { pg, pgCursor, others };
}

/** The lowest version a caret range allows (`^8.23.1` → `8.23.1`); other range forms are refused. */
export function lowestOfCaretRange(range: string): string {
  const match = /^\^(\d+\.\d+\.\d+)$/.exec(range);
  if (match?.[1] === undefined) throw new Error(`expected a caret range like ^8.23.1, got ${range}`);
  return match[1];
}

/** Orders `major.minor.patch` versions (no prereleases: registries' release lists only). */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < 3; index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
