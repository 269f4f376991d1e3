import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@conn/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checksumOf, loadMigrations, parseMigrationFileName } from '../../../src/index.js';
import { createMigrationFiles } from '../../../src/migrations/migration-files.js';

describe('migration files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'conn-migrations-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses version, name and direction from file names', () => {
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
    expect(parseMigrationFileName('0000_zero.up.sql')).toBeUndefined();
    expect(parseMigrationFileName('V1__users.sql')).toBeUndefined();
    expect(parseMigrationFileName('1_Users.up.sql')).toBeUndefined();
  });

  it('checksums ignore CRLF versus LF and change with any other edit', () => {
    expect(checksumOf('CREATE TABLE a (x INT);\r\nSELECT 1;\r\n')).toBe(
      checksumOf('CREATE TABLE a (x INT);\nSELECT 1;\n'),
    );
    expect(checksumOf('CREATE TABLE a (x INT);')).not.toBe(checksumOf('CREATE TABLE a (x INT8);'));
    expect(checksumOf('')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('loads a directory sorted by version, with optional down files, ignoring non-SQL files', async () => {
    writeFileSync(join(dir, '0002_b.up.sql'), 'SELECT 2');
    writeFileSync(join(dir, '0001_a.up.sql'), 'SELECT 1');
    writeFileSync(join(dir, '0001_a.down.sql'), 'SELECT -1');
    writeFileSync(join(dir, 'README.md'), 'notes');
    const files = await loadMigrations(dir);
    expect(files.map((file) => [file.version, file.name, file.up, file.down])).toEqual([
      [1, 'a', 'SELECT 1', 'SELECT -1'],
      [2, 'b', 'SELECT 2', undefined],
    ]);
    expect(files[0]?.checksum).toBe(checksumOf('SELECT 1'));
  });

  it('refuses a duplicate version, a malformed name and a down file without its up file', async () => {
    writeFileSync(join(dir, '0001_a.up.sql'), 'SELECT 1');
    writeFileSync(join(dir, '0001_b.up.sql'), 'SELECT 1');
    await expect(loadMigrations(dir)).rejects.toThrow(/version 1 is used twice/);
    rmSync(join(dir, '0001_b.up.sql'));
    writeFileSync(join(dir, 'add users.sql'), 'SELECT 1');
    await expect(loadMigrations(dir)).rejects.toThrow(/add users\.sql is not named/);
    rmSync(join(dir, 'add users.sql'));
    writeFileSync(join(dir, '0002_c.down.sql'), 'SELECT 1');
    const error = await loadMigrations(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(/0002_c\.down\.sql has a down file but no up file/);
  });

  it('a missing directory is a ConfigError naming it', async () => {
    await expect(loadMigrations(join(dir, 'nope'))).rejects.toThrow(/cannot read the migrations directory/);
  });

  it('create() writes the next zero-padded up/down pair with a clean name and refuses odd names', async () => {
    writeFileSync(join(dir, '0007_old.up.sql'), 'SELECT 1');
    const created = await createMigrationFiles(dir, 'Add Users Table');
    expect(created.version).toBe(8);
    expect(readdirSync(dir).sort()).toEqual([
      '0007_old.up.sql',
      '0008_add_users_table.down.sql',
      '0008_add_users_table.up.sql',
    ]);
    await expect(createMigrationFiles(dir, 'drop; table')).rejects.toBeInstanceOf(ConfigError);
    const first = await createMigrationFiles(mkdtempSync(join(dir, 'empty-')), 'first');
    expect(first.version).toBe(1);
    expect(first.up).toMatch(/0001_first\.up\.sql$/);
  });
});
