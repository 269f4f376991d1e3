import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { booleanOption, type CallOptions, ConfigError, integerOption } from '@conn/core';

/** One versioned migration, loaded from files or given in code and checked. */
export interface MigrationFile {
  /** Positive integer; migrations run in ascending order. */
  readonly version: number;
  /** `[a-z0-9_-]+`, from the file name. */
  readonly name: string;
  /** The SQL that applies the migration; may hold several statements. */
  readonly up: string;
  /** The SQL that reverts it, when there is one. */
  readonly down: string | undefined;
  /** SHA-256 (hex) of the up SQL, line endings normalised to LF. */
  readonly checksum: string;
  /**
   * False (`transaction: false` in code) when the migration must run outside a transaction even on
   * PostgreSQL, e.g. for `CREATE INDEX CONCURRENTLY`. A file whose leading comments include
   * `-- conn:no-transaction` gets the same treatment for that file. On CockroachDB migrations always
   * run outside an explicit transaction.
   */
  readonly transaction: boolean;
}

/** A migration given in code (`new Migrator(db, { migrations: [...] })`) instead of a file. */
export interface MigrationSource {
  readonly version: number;
  readonly name: string;
  readonly up: string;
  readonly down?: string | undefined;
  /** Default true. See {@link MigrationFile.transaction}. */
  readonly transaction?: boolean | undefined;
}

/** What a migration file's name says. */
export interface ParsedMigrationFileName {
  readonly version: number;
  readonly name: string;
  readonly direction: 'up' | 'down';
}

/** What {@link createMigrationFiles} wrote. */
export interface CreatedMigration {
  readonly version: number;
  /** Path of the new up file. */
  readonly up: string;
  /** Path of the new down file. */
  readonly down: string;
}

const FILE_NAME = /^(\d+)_([a-z0-9_-]+)\.(up|down)\.sql$/;
const NAME = /^[a-z0-9_-]+$/;
const NO_TRANSACTION = /^\s*--\s*conn:no-transaction\s*$/m;

/** SHA-256 (hex) of the SQL, CRLF normalised to LF so a Windows checkout does not look edited. */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replaceAll('\r\n', '\n'), 'utf8').digest('hex');
}

/**
 * Splits `0003_add_users.up.sql` into version 3, name `add_users`, direction `up`; `undefined` for a
 * name that does not follow `<version>_<name>.up.sql` / `.down.sql` (version a positive integer,
 * zero-padding allowed; name `[a-z0-9_-]+`).
 */
export function parseMigrationFileName(file: string): ParsedMigrationFileName | undefined {
  const match = FILE_NAME.exec(file);
  if (match === null) return undefined;
  const version = Number(match[1]);
  if (!Number.isSafeInteger(version) || version < 1) return undefined;
  return { version, name: match[2] as string, direction: match[3] as 'up' | 'down' };
}

/** Whether the SQL's leading comments ask to run it outside a transaction (`-- conn:no-transaction`). */
export function wantsNoTransaction(sql: string): boolean {
  // Only the comment block at the top counts, so a directive in the middle of a file is not one.
  const head: string[] = [];
  for (const line of sql.replaceAll('\r\n', '\n').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('--')) break;
    head.push(trimmed);
  }
  return head.some((line) => NO_TRANSACTION.test(line));
}

/** Whether the SQL holds nothing to run (only whitespace and `--` comments). */
export function isBlankSql(sql: string): boolean {
  return sql
    .replaceAll('\r\n', '\n')
    .split('\n')
    .every((line) => {
      const trimmed = line.trim();
      return trimmed === '' || trimmed.startsWith('--');
    });
}

/**
 * Validates migrations given in code (or read from files) and returns them sorted by version.
 * @throws ConfigError for a bad version or name, an empty up SQL or a version used twice.
 */
export function checkMigrations(sources: readonly MigrationSource[], field = 'migrations'): MigrationFile[] {
  if (!Array.isArray(sources)) throw new ConfigError(`${field} must be an array`, { field });
  const seen = new Map<number, string>();
  const files = sources.map((source, index): MigrationFile => {
    const at = `${field}[${index}]`;
    if (typeof source !== 'object' || source === null) {
      throw new ConfigError(`${at} must be an object { version, name, up, down? }`, { field: at });
    }
    integerOption(source.version, `${at}.version`, 0, 1);
    if (typeof source.name !== 'string' || !NAME.test(source.name)) {
      throw new ConfigError(`${at}.name must match [a-z0-9_-]+, got ${JSON.stringify(source.name)}`, {
        field: `${at}.name`,
      });
    }
    if (typeof source.up !== 'string' || source.up.trim() === '') {
      throw new ConfigError(`${at}.up (migration ${source.version}) is empty`, { field: `${at}.up` });
    }
    if (source.down !== undefined && typeof source.down !== 'string') {
      throw new ConfigError(`${at}.down must be a string`, { field: `${at}.down` });
    }
    booleanOption(source.transaction, `${at}.transaction`, true);
    const other = seen.get(source.version);
    if (other !== undefined) {
      throw new ConfigError(
        `migration version ${source.version} is used twice (${other} and ${source.name})`,
        { field: at },
      );
    }
    seen.set(source.version, source.name);
    return {
      version: source.version,
      name: source.name,
      up: source.up,
      down: source.down,
      checksum: checksumOf(source.up),
      transaction: source.transaction ?? true,
    };
  });
  return files.sort((a, b) => a.version - b.version);
}

/**
 * Reads a directory of `<version>_<name>.up.sql` files with optional `<version>_<name>.down.sql`
 * files and returns the migrations sorted by version. Files not ending in `.sql` are ignored.
 * @throws ConfigError naming the file for any other `.sql` file name, a version used twice, or a
 * down file without its up file; or naming the directory when it cannot be read.
 */
export async function loadMigrations(directory: string): Promise<MigrationFile[]> {
  if (typeof directory !== 'string' || directory === '') {
    throw new ConfigError('directory must be a non-empty path', { field: 'directory' });
  }
  let entries: { name: string; isDirectory(): boolean }[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    throw new ConfigError(`cannot read the migrations directory ${directory}: ${(error as Error).message}`, {
      field: 'directory',
      cause: error,
    });
  }
  const names = entries
    .filter((entry) => !entry.isDirectory() && entry.name.toLowerCase().endsWith('.sql'))
    .map((entry) => entry.name)
    .sort();
  const byVersion = new Map<number, { name: string; up?: string; down?: string; files: string[] }>();
  for (const file of names) {
    const parsed = parseMigrationFileName(file);
    if (parsed === undefined) {
      throw new ConfigError(
        `migration file ${file} in ${directory} is not named <version>_<name>.up.sql or <version>_<name>.down.sql ` +
          '(version a positive integer, name of a-z, 0-9, _ and -)',
        { field: 'directory', details: { file } },
      );
    }
    const entry = byVersion.get(parsed.version) ?? { name: parsed.name, files: [] };
    if (entry.name !== parsed.name || entry[parsed.direction] !== undefined) {
      throw new ConfigError(
        `migration version ${parsed.version} is used twice in ${directory} (${[...entry.files, file].join(', ')})`,
        { field: 'directory', details: { file } },
      );
    }
    entry[parsed.direction] = await readFile(join(directory, file), 'utf8');
    entry.files.push(file);
    byVersion.set(parsed.version, entry);
  }
  const sources: MigrationSource[] = [];
  for (const [version, entry] of byVersion) {
    const file = entry.files[0] ?? '';
    if (entry.up === undefined) {
      throw new ConfigError(`migration file ${file} in ${directory} has no matching up file`, {
        field: 'directory',
        details: { file },
      });
    }
    if (entry.up.trim() === '') {
      throw new ConfigError(`migration file ${file} in ${directory} is empty`, {
        field: 'directory',
        details: { file },
      });
    }
    sources.push({ version, name: entry.name, up: entry.up, down: entry.down });
  }
  return checkMigrations(sources, 'directory');
}

/**
 * Lower-cases the name and turns runs of spaces into `_`.
 * @throws ConfigError when anything outside `[a-z0-9_-]` remains.
 */
export function migrationName(name: string): string {
  const clean = typeof name === 'string' ? name.trim().toLowerCase().replace(/\s+/g, '_') : '';
  if (!NAME.test(clean)) {
    throw new ConfigError(
      `migration name ${JSON.stringify(name)} may only use letters, digits, spaces, _ and -`,
      { field: 'name' },
    );
  }
  return clean;
}

/**
 * Writes the next-numbered pair `<NNNN>_<name>.up.sql` / `.down.sql` (version = highest + 1,
 * zero-padded to 4 digits), each holding only a comment. Creates the directory when needed.
 */
export async function createMigrationFiles(
  directory: string,
  name: string,
  options: CallOptions = {},
): Promise<CreatedMigration> {
  const clean = migrationName(name);
  options.signal?.throwIfAborted();
  await mkdir(directory, { recursive: true }).catch((error: unknown) => {
    throw new ConfigError(
      `cannot create the migrations directory ${directory}: ${(error as Error).message}`,
      {
        field: 'directory',
        cause: error,
      },
    );
  });
  const existing = await loadMigrations(directory);
  const version = (existing.at(-1)?.version ?? 0) + 1;
  const base = `${String(version).padStart(4, '0')}_${clean}`;
  const up = join(directory, `${base}.up.sql`);
  const down = join(directory, `${base}.down.sql`);
  options.signal?.throwIfAborted();
  // `wx`: never overwrite, should two people create a migration at the same moment.
  await writeFile(up, `-- Migration ${version}: ${clean} (up)\n`, { flag: 'wx' });
  await writeFile(down, `-- Migration ${version}: ${clean} (down)\n`, { flag: 'wx' });
  return { version, up, down };
}
