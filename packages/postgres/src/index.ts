export { ensureDatabase, type EnsureDatabaseOptions } from './ensure-database.ts';
export {
  applyMigrations,
  failureLogs,
  migrationsTableDdl,
  planMigrations,
  MIGRATIONS_TABLE,
  PRISMA_MIGRATE_LOCK_KEY,
  type ApplyMigrationsOptions,
  type MigrationLogger,
  type MigrationRow,
} from './apply-migrations.ts';
export { checksumMatches, migrationChecksum } from './checksum.ts';
export {
  readMigrationsDirectory,
  sortMigrationNames,
  lockfileProvider,
  type MigrationFile,
} from './migrations-dir.ts';
export {
  DatabaseNotEmptyError,
  FailedMigrationsFoundError,
  MigrationChecksumMismatchError,
  MigrationError,
  MigrationFailedError,
  MigrationLockTimeoutError,
  MigrationsDirectoryError,
} from './migration-errors.ts';
export {
  DatabaseSetupError,
  DatabaseUnreachableError,
  classifyConnectionError,
  type UnreachableReason,
} from './errors.ts';
export {
  InvalidDatabaseUrlError,
  driverUrl,
  parseDatabaseUrl,
  redactUrl,
  withDatabase,
  type ParsedDatabaseUrl,
} from './url.ts';
