import { fileURLToPath } from 'node:url';
import { applyMigrations, ensureDatabase, type MigrationLogger } from '@rideline/postgres';

/** This service's Prisma migrations folder (services/booking-service/prisma/migrations). */
export const MIGRATIONS_DIR: string = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

export interface PrepareDatabaseOptions {
  logger?: MigrationLogger;
  /** The setting the URL came from, named in error messages. Default `DATABASE_URL`. */
  urlName?: string;
  migrationsDir?: string;
}

/**
 * Start-up step: creates the database when missing, then applies the pending migrations
 * offline (recorded in `_prisma_migrations` as `prisma migrate deploy` would). Safe when
 * several instances start at once. Returns the names of the migrations applied now.
 *
 * Errors (DatabaseUnreachableError, MigrationError, ...) carry a message meant to be printed
 * as it is.
 */
export async function prepareDatabase(databaseUrl: string, options: PrepareDatabaseOptions = {}): Promise<string[]> {
  const urlName = options.urlName ?? 'DATABASE_URL';
  await ensureDatabase(databaseUrl, { urlName });
  return await applyMigrations({
    databaseUrl,
    migrationsDir: options.migrationsDir ?? MIGRATIONS_DIR,
    urlName,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
