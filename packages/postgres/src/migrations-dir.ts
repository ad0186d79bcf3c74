import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrationChecksum } from './checksum.ts';
import { MigrationsDirectoryError } from './migration-errors.ts';

/** One `<migrationsDir>/<name>/migration.sql`. */
export interface MigrationFile {
  readonly name: string;
  /** The script, read as UTF-8 text exactly as Prisma's CLI reads it. */
  readonly script: string;
  /** The checksum Prisma records for it. */
  readonly checksum: string;
}

const MIGRATION_SCRIPT = 'migration.sql';
const LOCKFILE = 'migration_lock.toml';

/**
 * Orders migration folder names the way Prisma's CLI does (`localeCompare`), which for the
 * usual `<14-digit timestamp>_<name>` folders is their chronological order.
 */
export function sortMigrationNames(names: readonly string[]): string[] {
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** The `provider` of a `migration_lock.toml`, or undefined when it states none. */
export function lockfileProvider(content: string): string | undefined {
  for (const line of content.split(/\r?\n/)) {
    const match = /^\s*provider\s*=\s*"([^"]*)"\s*(#.*)?$/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

/**
 * Reads a Prisma migrations folder: every sub-folder is one migration, whose
 * `migration.sql` must exist. Checks `migration_lock.toml`, when there is one, says
 * `postgresql` (Prisma refuses to apply migrations written for another provider).
 */
export async function readMigrationsDirectory(migrationsDir: string): Promise<MigrationFile[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    throw new MigrationsDirectoryError(`Cannot read the migrations folder ${migrationsDir}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }

  const lockfile = await readFile(join(migrationsDir, LOCKFILE), 'utf-8').catch(() => undefined);
  if (lockfile !== undefined) {
    const provider = lockfileProvider(lockfile);
    if (provider !== undefined && provider !== 'postgresql') {
      throw new MigrationsDirectoryError(`The migrations in ${migrationsDir} were written for provider "${provider}" (${LOCKFILE}), not "postgresql".`);
    }
  }

  const names = sortMigrationNames(entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name));
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const path = join(migrationsDir, name, MIGRATION_SCRIPT);
    let script: string;
    try {
      script = await readFile(path, 'utf-8');
    } catch (error) {
      throw new MigrationsDirectoryError(
        `Migration ${name} has no readable ${MIGRATION_SCRIPT} (${path}): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    migrations.push({ name, script, checksum: migrationChecksum(script) });
  }
  return migrations;
}
