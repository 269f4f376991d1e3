export { MigrationChecksumError, MigrationError, MigrationLockError } from './migration-errors.js';
export {
  type CreatedMigration,
  checksumOf,
  loadMigrations,
  type MigrationFile,
  type MigrationSource,
  type ParsedMigrationFileName,
  parseMigrationFileName,
} from './migration-files.js';
export type { MigrationLockInfo } from './migration-lock.js';
export {
  type MigrateOptions,
  type MigrationResult,
  type MigrationStatus,
  type MigrationStatusEntry,
  Migrator,
  type MigratorOptions,
} from './migrator.js';
