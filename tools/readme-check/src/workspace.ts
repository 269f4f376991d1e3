import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A package whose directory snippets run in. */
export interface WorkspacePackage {
  /** `@conn/siridb` */
  readonly name: string;
  /** Its directory: a snippet written there imports the package's built dist by its own name. */
  readonly dir: string;
}

/** A README to check and the package its blocks run in (`undefined` for the root README). */
export interface Readme {
  readonly path: string;
  /** The path relative to the repository root, for messages. */
  readonly label: string;
  readonly pkg: WorkspacePackage | undefined;
}

/** Every package under `packages/`. */
export function workspacePackages(root: string = repoRoot): WorkspacePackage[] {
  const packagesDir = join(root, 'packages');
  const found: WorkspacePackage[] = [];
  for (const entry of readdirSync(packagesDir).sort()) {
    const manifest = join(packagesDir, entry, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
    found.push({ name, dir: join(packagesDir, entry) });
  }
  return found;
}

/** The root README and every package's README. */
export function workspaceReadmes(root: string = repoRoot): Readme[] {
  const readmes: Readme[] = [{ path: join(root, 'README.md'), label: 'README.md', pkg: undefined }];
  for (const pkg of workspacePackages(root)) {
    const path = join(pkg.dir, 'README.md');
    if (existsSync(path)) readmes.push({ path, label: relative(root, path), pkg });
  }
  return readmes;
}

const CONN_IMPORT = /\bfrom\s+['"](@conn\/[a-z0-9-]+)(?:\/[^'"]*)?['"]/g;

/**
 * The package a block runs in: its README's package, or for a README outside any package (the
 * root one) the one `@conn/*` package the block imports from.
 * @throws Error when a block outside a package imports from no `@conn` package or from several.
 */
export function packageOfBlock(
  readme: Readme,
  code: string,
  packages: readonly WorkspacePackage[],
): WorkspacePackage {
  if (readme.pkg !== undefined) return readme.pkg;
  const imported = new Set([...code.matchAll(CONN_IMPORT)].map((match) => match[1] as string));
  const found = packages.filter((pkg) => imported.has(pkg.name));
  if (found.length !== 1 || imported.size !== 1) {
    throw new Error(
      `${readme.label}: a runnable block outside a package must import from exactly one workspace @conn package, found ${[...imported].join(', ') || 'none'}`,
    );
  }
  return found[0] as WorkspacePackage;
}
