import { type ConnErrorOptions, defineErrorClass, QueryError } from '@conn/core';

/** A migration could not be applied or rolled back, or the set of migrations is inconsistent. */
export class MigrationError extends QueryError {
  /** The migration concerned, when there is one. */
  readonly version: number | undefined;
  constructor(message: string, options: ConnErrorOptions & { version?: number | undefined } = {}) {
    super(message, { ...options, details: { version: options.version, ...options.details } });
    this.version = options.version;
  }
}
defineErrorClass(MigrationError, 'MigrationError', 'CONN_COCKROACH_MIGRATION', false);

/** An applied migration's file changed since it was applied. Nothing was run. */
export class MigrationChecksumError extends MigrationError {}
defineErrorClass(
  MigrationChecksumError,
  'MigrationChecksumError',
  'CONN_COCKROACH_MIGRATION_CHECKSUM',
  false,
);

/** Another deployer holds the migration lock. */
export class MigrationLockError extends MigrationError {
  /** Who holds it (`host:pid:random`), when known. */
  readonly holder: string | undefined;
  constructor(message: string, options: ConnErrorOptions & { holder?: string | undefined } = {}) {
    super(message, { ...options, details: { holder: options.holder, ...options.details } });
    this.holder = options.holder;
  }
}
defineErrorClass(MigrationLockError, 'MigrationLockError', 'CONN_COCKROACH_MIGRATION_LOCKED', true);
