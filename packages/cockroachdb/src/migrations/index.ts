export { MigrationChecksumError, MigrationError, MigrationLockError } from './migration-errors.js';
export {
  checksumOf,
  loadMigrations,
  type MigrationFile,
  type MigrationSource,
  parseMigrationFileName,
} from './migration-files.js';
export {
  type MigrationResult,
  type MigrationStatus,
  type MigrationStatusEntry,
  Migrator,
  type MigratorOptions,
} from './migrator.js';
