import { type ConnErrorOptions, defineErrorClass, QueryError } from '@conn/core';

/**
 * A migration failed to apply or roll back (`version` names it, `cause` is the server's error), or
 * the set of migrations does not match the database (an applied migration is missing, one is out of
 * order, a rollback has no down SQL).
 */
export class MigrationError extends QueryError {
  /** The migration concerned, when there is one. */
  readonly version: number | undefined;
  constructor(message: string, options: ConnErrorOptions & { version?: number | undefined } = {}) {
    super(message, { ...options, details: { version: options.version, ...options.details } });
    this.version = options.version;
  }
}
defineErrorClass(MigrationError, 'MigrationError', 'CONN_COCKROACHDB_MIGRATION', false);

/** An applied migration's up SQL changed since it was applied (`version` names it). Nothing was run. */
export class MigrationChecksumError extends MigrationError {
  /** The checksum recorded when the migration was applied. */
  readonly appliedChecksum: string;
  /** The checksum of the migration's up SQL now. */
  readonly currentChecksum: string;
  constructor(
    message: string,
    options: ConnErrorOptions & { version: number; appliedChecksum: string; currentChecksum: string },
  ) {
    super(message, {
      ...options,
      details: {
        appliedChecksum: options.appliedChecksum,
        currentChecksum: options.currentChecksum,
        ...options.details,
      },
    });
    this.appliedChecksum = options.appliedChecksum;
    this.currentChecksum = options.currentChecksum;
  }
}
defineErrorClass(
  MigrationChecksumError,
  'MigrationChecksumError',
  'CONN_COCKROACHDB_MIGRATION_CHECKSUM',
  false,
);

/**
 * Another migrator holds the migration lock (`holder` says who, as `host:pid:random`), or this
 * migrator lost the lock while it was migrating. Retryable: try again once the holder is done.
 */
export class MigrationLockError extends MigrationError {
  /** Who holds the lock, when known. */
  readonly holder: string | undefined;
  constructor(
    message: string,
    options: ConnErrorOptions & { holder?: string | undefined; version?: number | undefined } = {},
  ) {
    super(message, { ...options, details: { holder: options.holder, ...options.details } });
    this.holder = options.holder;
  }
}
defineErrorClass(MigrationLockError, 'MigrationLockError', 'CONN_COCKROACHDB_MIGRATION_LOCKED', true);
