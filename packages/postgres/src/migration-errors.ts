/** Base class of everything applyMigrations throws about the migrations themselves. */
export class MigrationError extends Error {
  override readonly name: string = 'MigrationError';
}

/** The migrations folder is missing, unreadable, malformed, or for another provider. */
export class MigrationsDirectoryError extends MigrationError {
  override readonly name = 'MigrationsDirectoryError';
}

/** A MigrationError about some migrations, which it names. */
abstract class NamedMigrationsError extends MigrationError {
  constructor(
    message: string,
    readonly migrationNames: readonly string[],
  ) {
    super(message);
  }
}

/** Migrations recorded as applied whose migration.sql has changed since. */
export class MigrationChecksumMismatchError extends NamedMigrationsError {
  override readonly name = 'MigrationChecksumMismatchError';
}

/**
 * A migration is recorded as failed (finished_at and rolled_back_at both NULL) by an
 * earlier run, of this runner or of `prisma migrate deploy` (Prisma's P3009).
 */
export class FailedMigrationsFoundError extends NamedMigrationsError {
  override readonly name = 'FailedMigrationsFoundError';
}

/** A migration failed now; it was rolled back and recorded as failed (Prisma's P3018). */
export class MigrationFailedError extends MigrationError {
  override readonly name = 'MigrationFailedError';
  constructor(
    message: string,
    readonly migrationName: string,
    /** PostgreSQL's SQLSTATE, when the server sent one. */
    readonly sqlState: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The schema has tables but no migration history (Prisma's P3005: baseline it first). */
export class DatabaseNotEmptyError extends MigrationError {
  override readonly name = 'DatabaseNotEmptyError';
}

/** Another runner (or `prisma migrate`) held the migration lock for too long. */
export class MigrationLockTimeoutError extends MigrationError {
  override readonly name = 'MigrationLockTimeoutError';
}
