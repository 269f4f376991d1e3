import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import {
  type CockroachDBClient,
  MigrationChecksumError,
  MigrationError,
  MigrationLockError,
  Migrator,
  type MigratorOptions,
} from '../../../src/index.js';

/** A stand-in client: the checks below must fail before any statement is sent. */
function fakeDb(): { db: CockroachDBClient; calls: string[] } {
  const calls: string[] = [];
  const record = (sql: unknown): Promise<never> => {
    calls.push(String(sql));
    return Promise.reject(new Error('no statements in unit tests'));
  };
  const db = {
    execute: record,
    query: record,
    queryOne: record,
    runInTransaction: record,
    connect: record,
    server: undefined,
  } as unknown as CockroachDBClient;
  return { db, calls };
}

function configError(build: () => unknown): ConfigError {
  let caught: unknown;
  try {
    build();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  return caught as ConfigError;
}

const one = { version: 1, name: 'one', up: 'SELECT 1' };

describe('Migrator options', () => {
  it('needs exactly one of directory and migrations', () => {
    const { db } = fakeDb();
    expect(configError(() => new Migrator(db, {})).field).toBe('directory');
    expect(configError(() => new Migrator(db, { directory: '/tmp', migrations: [one] })).message).toMatch(
      /either a directory or a list/,
    );
    expect(configError(() => new Migrator(db, { directory: '' })).field).toBe('directory');
  });

  it('checks migrations given in code when constructed', () => {
    const { db } = fakeDb();
    const build = (migrations: MigratorOptions['migrations']) => () => new Migrator(db, { migrations });
    expect(configError(build([one, { ...one, name: 'again' }])).message).toMatch(
      /version 1 is used twice \(one and again\)/,
    );
    expect(configError(build([{ ...one, version: 0 }])).field).toBe('migrations[0].version');
    expect(configError(build([{ ...one, version: 1.5 }])).field).toBe('migrations[0].version');
    expect(configError(build([one, { ...one, version: 2, name: 'Bad Name' }])).field).toBe(
      'migrations[1].name',
    );
    expect(configError(build([{ ...one, up: '  ' }])).field).toBe('migrations[0].up');
    expect(() => new Migrator(db, { migrations: [] })).not.toThrow();
  });

  it('checks the table name and lock settings', () => {
    const { db } = fakeDb();
    const build = (extra: Partial<MigratorOptions>) => () =>
      new Migrator(db, { migrations: [one], ...extra });
    expect(configError(build({ tableName: '' })).field).toBe('tableName');
    // The lock table `<tableName>_lock` must fit in 63 bytes too.
    expect(configError(build({ tableName: 'x'.repeat(60) })).field).toBe('tableName');
    expect(configError(build({ lockWaitMs: -1 })).field).toBe('lockWaitMs');
    expect(configError(build({ lockWaitMs: Number.NaN })).field).toBe('lockWaitMs');
    expect(configError(build({ lockTtlMs: 0 })).field).toBe('lockTtlMs');
    expect(() => new Migrator(db, { migrations: [one], tableName: 'weird "name"' })).not.toThrow();
  });

  it('refuses a bad target, count or timeout before sending anything', async () => {
    const { db, calls } = fakeDb();
    const migrator = new Migrator(db, { migrations: [one] });
    await expect(migrator.migrate({ target: -1 })).rejects.toBeInstanceOf(ConfigError);
    await expect(migrator.migrate({ target: 1.5 })).rejects.toBeInstanceOf(ConfigError);
    await expect(migrator.rollback(0)).rejects.toBeInstanceOf(ConfigError);
    await expect(migrator.migrate({ timeoutMs: -5 })).rejects.toBeInstanceOf(ConfigError);
    expect(calls).toEqual([]);
  });

  it('an already aborted signal stops a call before it sends anything', async () => {
    const { db, calls } = fakeDb();
    const migrator = new Migrator(db, { migrations: [one] });
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(migrator.migrate({ signal: controller.signal })).rejects.toMatchObject({
      code: 'CONN_ABORTED',
    });
    expect(calls).toEqual([]);
  });
});

describe('migration errors', () => {
  it('have their codes and fields', () => {
    const failed = new MigrationError('migration 2 (pets) failed', { version: 2, cause: new Error('x') });
    expect(failed).toMatchObject({ name: 'MigrationError', code: 'CONN_COCKROACHDB_MIGRATION', version: 2 });
    expect(failed.retryable).toBe(false);
    const changed = new MigrationChecksumError('edited', {
      version: 1,
      appliedChecksum: 'a',
      currentChecksum: 'b',
    });
    expect(changed).toBeInstanceOf(MigrationError);
    expect(changed).toMatchObject({ code: 'CONN_COCKROACHDB_MIGRATION_CHECKSUM', version: 1 });
    const locked = new MigrationLockError('held', { holder: 'host:1:abc' });
    expect(locked).toBeInstanceOf(MigrationError);
    expect(locked).toMatchObject({ code: 'CONN_COCKROACHDB_MIGRATION_LOCKED', holder: 'host:1:abc' });
    expect(locked.retryable).toBe(true);
  });
});
