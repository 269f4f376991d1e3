import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@conn/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checksumOf, loadMigrations, Migrator, parseMigrationFileName } from '../../../src/index.js';
import { isBlankSql, wantsNoTransaction } from '../../../src/migrations/migration-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'conn-migrations-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(file: string, sql: string): void {
  writeFileSync(join(dir, file), sql);
}

async function loadError(): Promise<ConfigError> {
  const error = await loadMigrations(dir).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('parseMigrationFileName', () => {
  it('reads version, name and direction, with or without zero-padding', () => {
    expect(parseMigrationFileName('0003_add_users.up.sql')).toEqual({
      version: 3,
      name: 'add_users',
      direction: 'up',
    });
    expect(parseMigrationFileName('12_x-y.down.sql')).toEqual({
      version: 12,
      name: 'x-y',
      direction: 'down',
    });
    expect(parseMigrationFileName('20240131120000_stamp.up.sql')?.version).toBe(20240131120000);
    expect(parseMigrationFileName('1_2.up.sql')).toEqual({ version: 1, name: '2', direction: 'up' });
  });

  it('refuses everything else', () => {
    for (const file of [
      '0000_zero.up.sql', // versions start at 1
      'V1__users.sql',
      '1_Users.up.sql', // upper case
      '1_add users.up.sql',
      '1_users.sql',
      '1_users.up.SQL',
      '1_users.sideways.sql',
      '_users.up.sql',
      '1_.up.sql',
      '-1_users.up.sql',
      '99999999999999999999_big.up.sql', // not a safe integer
      '1_users.up.sql.bak',
    ]) {
      expect(parseMigrationFileName(file), file).toBeUndefined();
    }
  });
});

describe('checksumOf', () => {
  it('is the SHA-256 of the SQL, the same for CRLF and LF line endings', () => {
    expect(checksumOf('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(checksumOf('CREATE TABLE a (x INT);\r\nSELECT 1;\r\n')).toBe(
      checksumOf('CREATE TABLE a (x INT);\nSELECT 1;\n'),
    );
  });

  it('changes with any other edit, whitespace included', () => {
    const base = checksumOf('CREATE TABLE a (x INT);\n');
    expect(checksumOf('CREATE TABLE a (x INT8);\n')).not.toBe(base);
    expect(checksumOf('CREATE TABLE a (x INT); \n')).not.toBe(base);
    expect(checksumOf('CREATE TABLE a (x INT);\r')).not.toBe(checksumOf('CREATE TABLE a (x INT);\n'));
  });
});

describe('loadMigrations', () => {
  it('loads a directory sorted by version, with optional down files, ignoring other files', async () => {
    write('0010_c.up.sql', 'SELECT 10');
    write('2_b.up.sql', 'SELECT 2\r\n');
    write('0001_a.up.sql', 'SELECT 1');
    write('0001_a.down.sql', 'SELECT -1');
    write('README.md', 'notes');
    write('.0001_a.up.sql.swp', 'editor junk');
    mkdirSync(join(dir, 'archive.sql'));
    const files = await loadMigrations(dir);
    expect(files.map((file) => [file.version, file.name, file.up, file.down])).toEqual([
      [1, 'a', 'SELECT 1', 'SELECT -1'],
      [2, 'b', 'SELECT 2\r\n', undefined],
      [10, 'c', 'SELECT 10', undefined],
    ]);
    expect(files.map((file) => file.checksum)).toEqual([
      checksumOf('SELECT 1'),
      checksumOf('SELECT 2\n'),
      checksumOf('SELECT 10'),
    ]);
    expect(files.every((file) => file.transaction)).toBe(true);
  });

  it('an empty directory has no migrations', async () => {
    expect(await loadMigrations(dir)).toEqual([]);
  });

  it('refuses a version used twice, naming both files', async () => {
    write('0001_a.up.sql', 'SELECT 1');
    write('0001_b.up.sql', 'SELECT 1');
    const error = await loadError();
    expect(error.message).toMatch(/version 1 is used twice .*\(0001_a\.up\.sql, 0001_b\.up\.sql\)/);
    expect(error.field).toBe('directory');
    expect(error.details['file']).toBe('0001_b.up.sql');
  });

  it('refuses the same version written with and without padding', async () => {
    write('0001_a.up.sql', 'SELECT 1');
    write('1_a.up.sql', 'SELECT 1');
    expect((await loadError()).message).toMatch(/version 1 is used twice/);
  });

  it('refuses a .sql file with a malformed name, naming it', async () => {
    write('0001_a.up.sql', 'SELECT 1');
    write('add users.sql', 'SELECT 1');
    const error = await loadError();
    expect(error.message).toMatch(/add users\.sql .*is not named <version>_<name>\.up\.sql/);
    expect(error.details['file']).toBe('add users.sql');
  });

  it('refuses a down file without its up file, naming it', async () => {
    write('0001_a.up.sql', 'SELECT 1');
    write('0002_c.down.sql', 'SELECT 1');
    expect((await loadError()).message).toMatch(/0002_c\.down\.sql .*has no matching up file/);
  });

  it('refuses a down file whose name differs from its up file', async () => {
    write('0001_a.up.sql', 'SELECT 1');
    write('0001_b.down.sql', 'SELECT 1');
    expect((await loadError()).message).toMatch(/version 1 is used twice/);
  });

  it('refuses an empty up file', async () => {
    write('0001_a.up.sql', ' \n');
    expect((await loadError()).message).toMatch(/0001_a\.up\.sql .*is empty/);
  });

  it('a missing directory is a ConfigError naming it', async () => {
    const error = await loadMigrations(join(dir, 'nope')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(/cannot read the migrations directory .*nope/);
  });
});

describe('SQL helpers', () => {
  it('blank SQL is only whitespace and -- comments', () => {
    expect(isBlankSql('-- Migration 1: x (up)\n\n  -- more\r\n')).toBe(true);
    expect(isBlankSql('-- x\nSELECT 1')).toBe(false);
    expect(isBlankSql('/* block */')).toBe(false);
  });

  it('-- conn:no-transaction counts only among the leading comments', () => {
    expect(wantsNoTransaction('-- conn:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);')).toBe(true);
    expect(wantsNoTransaction('\n-- adds an index\n--conn:no-transaction\r\nCREATE INDEX i ON t (x);')).toBe(
      true,
    );
    expect(wantsNoTransaction('CREATE INDEX i ON t (x);\n-- conn:no-transaction\n')).toBe(false);
    expect(wantsNoTransaction('-- conn:no-transactions\nSELECT 1')).toBe(false);
  });
});

describe('Migrator.create', () => {
  it('writes the next zero-padded up/down pair with a clean name', async () => {
    write('0007_old.up.sql', 'SELECT 1');
    const created = await Migrator.create('Add Users  Table', { directory: dir });
    expect(created).toEqual({
      version: 8,
      up: join(dir, '0008_add_users_table.up.sql'),
      down: join(dir, '0008_add_users_table.down.sql'),
    });
    expect(readdirSync(dir).sort()).toEqual([
      '0007_old.up.sql',
      '0008_add_users_table.down.sql',
      '0008_add_users_table.up.sql',
    ]);
    expect(readFileSync(created.up, 'utf8')).toMatch(/^-- /);
    // The new (still empty) pair loads, and numbering continues from it.
    expect((await Migrator.create('next-one', { directory: dir })).version).toBe(9);
    expect((await loadMigrations(dir)).map((file) => file.version)).toEqual([7, 8, 9]);
  });

  it('starts at 0001 and creates the directory when needed', async () => {
    const nested = join(dir, 'db', 'migrations');
    const first = await Migrator.create('first', { directory: nested });
    expect(first.version).toBe(1);
    expect(first.up).toBe(join(nested, '0001_first.up.sql'));
  });

  it('keeps counting past 9999 without padding', async () => {
    write('9999_last.up.sql', 'SELECT 1');
    expect((await Migrator.create('more', { directory: dir })).up).toBe(join(dir, '10000_more.up.sql'));
  });

  it('refuses names with anything outside letters, digits, spaces, _ and -', async () => {
    for (const name of ['drop; table', 'naïve', '../escape', '', '   ', 'a.b']) {
      await expect(Migrator.create(name, { directory: dir }), name).rejects.toBeInstanceOf(ConfigError);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses to number past a malformed file', async () => {
    write('oops.sql', 'SELECT 1');
    await expect(Migrator.create('x', { directory: dir })).rejects.toThrow(/oops\.sql/);
  });
});
