import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@conn/core';

/** One versioned migration: its up SQL, optional down SQL, and the checksum of the up SQL. */
export interface MigrationFile {
  readonly version: number;
  readonly name: string;
  readonly up: string;
  readonly down: string | undefined;
  /** SHA-256 (hex) of the up SQL with line endings normalised to LF. */
  readonly checksum: string;
}

/** A migration given in code instead of a file. */
export interface MigrationSource {
  readonly version: number;
  readonly name: string;
  readonly up: string;
  readonly down?: string | undefined;
}

const FILE_NAME = /^(\d+)_([a-z0-9_-]+)\.(up|down)\.sql$/;

/** SHA-256 of the SQL, line endings normalised so a checkout on Windows does not look edited. */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replaceAll('\r\n', '\n'), 'utf8').digest('hex');
}

/** Splits `0003_add_users.up.sql` into version 3, name `add_users`, direction `up`. */
export function parseMigrationFileName(
  file: string,
): { version: number; name: string; direction: 'up' | 'down' } | undefined {
  const match = FILE_NAME.exec(file);
  if (match === null) return undefined;
  const version = Number(match[1]);
  if (!Number.isSafeInteger(version) || version < 1) return undefined;
  return { version, name: match[2] as string, direction: match[3] as 'up' | 'down' };
}

function checkSources(sources: readonly MigrationSource[]): MigrationFile[] {
  const seen = new Map<number, string>();
  const files = sources.map((source, index) => {
    const field = `migrations[${index}]`;
    if (!Number.isSafeInteger(source.version) || source.version < 1) {
      throw new ConfigError(`${field}.version must be a positive integer`, { field });
    }
    if (!/^[a-z0-9_-]+$/.test(source.name))
      throw new ConfigError(`${field}.name must match [a-z0-9_-]+`, { field });
    if (typeof source.up !== 'string' || source.up.trim() === '')
      throw new ConfigError(`${field}.up is empty`, { field });
    const other = seen.get(source.version);
    if (other !== undefined) {
      throw new ConfigError(`migration version ${source.version} is used twice (${other}, ${source.name})`, {
        field,
      });
    }
    seen.set(source.version, source.name);
    return {
      version: source.version,
      name: source.name,
      up: source.up,
      down: source.down,
      checksum: checksumOf(source.up),
    };
  });
  return files.sort((a, b) => a.version - b.version);
}

/** Migrations given in code, validated and sorted. */
export function migrationsFromList(sources: readonly MigrationSource[]): MigrationFile[] {
  return checkSources(sources);
}

/**
 * Reads `<version>_<name>.up.sql` / `.down.sql` files. Any other `.sql` file, a duplicate version
 * or a down file without its up file is a `ConfigError` naming the file.
 */
export async function loadMigrations(directory: string): Promise<MigrationFile[]> {
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch (error) {
    throw new ConfigError(`cannot read the migrations directory ${directory}: ${(error as Error).message}`, {
      field: 'directory',
      cause: error,
    });
  }
  const byVersion = new Map<number, { name: string; up?: string; down?: string; files: string[] }>();
  for (const file of entries.sort()) {
    if (!file.endsWith('.sql')) continue;
    const parsed = parseMigrationFileName(file);
    if (parsed === undefined) {
      throw new ConfigError(`migration file ${file} is not named <version>_<name>.up.sql or .down.sql`, {
        field: file,
      });
    }
    const entry = byVersion.get(parsed.version) ?? { name: parsed.name, files: [] };
    if (entry.name !== parsed.name || entry[parsed.direction] !== undefined) {
      throw new ConfigError(
        `migration version ${parsed.version} is used twice (${[...entry.files, file].join(', ')})`,
        {
          field: file,
        },
      );
    }
    entry[parsed.direction] = await readFile(join(directory, file), 'utf8');
    entry.files.push(file);
    byVersion.set(parsed.version, entry);
  }
  const sources: MigrationSource[] = [];
  for (const [version, entry] of byVersion) {
    if (entry.up === undefined) {
      throw new ConfigError(`migration ${entry.files.join(', ')} has a down file but no up file`, {
        field: entry.files[0] ?? '',
      });
    }
    sources.push({ version, name: entry.name, up: entry.up, down: entry.down });
  }
  return checkSources(sources);
}

/**
 * Writes empty `<next>_<name>.up.sql` and `.down.sql` files (versions zero-padded to 4 digits).
 * The name is lower-cased with spaces as `_`; other characters outside `[a-z0-9_-]` are refused.
 */
export async function createMigrationFiles(
  directory: string,
  name: string,
): Promise<{ up: string; down: string; version: number }> {
  const clean = name.trim().toLowerCase().replace(/\s+/g, '_');
  if (!/^[a-z0-9_-]+$/.test(clean)) {
    throw new ConfigError(
      `migration name ${JSON.stringify(name)} may only use letters, digits, spaces, _ and -`,
      { field: 'name' },
    );
  }
  const existing = await loadMigrations(directory);
  const version = (existing.at(-1)?.version ?? 0) + 1;
  const base = `${String(version).padStart(4, '0')}_${clean}`;
  const up = join(directory, `${base}.up.sql`);
  const down = join(directory, `${base}.down.sql`);
  await writeFile(up, `-- ${clean}: up\n`, { flag: 'wx' });
  await writeFile(down, `-- ${clean}: down\n`, { flag: 'wx' });
  return { up, down, version };
}
