import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { checksumMatches } from './checksum.ts';
import { closeQuietly, connectClient } from './connect.ts';
import { DatabaseSetupError, messageOf, sqlStateOf } from './errors.ts';
import {
  DatabaseNotEmptyError,
  FailedMigrationsFoundError,
  MigrationChecksumMismatchError,
  MigrationFailedError,
  MigrationLockTimeoutError,
} from './migration-errors.ts';
import { readMigrationsDirectory, type MigrationFile } from './migrations-dir.ts';
import { parseDatabaseUrl, quoteIdentifier } from './url.ts';

/** Anything with info and warn taking a message: console, a pino logger, ... */
export interface MigrationLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface ApplyMigrationsOptions {
  databaseUrl: string;
  /** A Prisma migrations folder: `<timestamp>_<name>/migration.sql` sub-folders. */
  migrationsDir: string;
  logger?: MigrationLogger;
  /** The setting the URL came from, named in error messages. Default `DATABASE_URL`. */
  urlName?: string;
  /** How long to wait for another runner holding the migration lock. Default 60 s. */
  lockTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/**
 * The advisory lock key Prisma Migrate takes (prisma-engines: `pg_advisory_lock(72707369)`),
 * so this runner and `prisma migrate deploy` also exclude each other.
 */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369;

export const MIGRATIONS_TABLE = '_prisma_migrations';

/** Prisma's own DDL for its history table on PostgreSQL, column for column. */
export function migrationsTableDdl(schema: string): string {
  return `CREATE TABLE ${quoteIdentifier(schema)}.${MIGRATIONS_TABLE} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;
}

/** A row of `_prisma_migrations`, as this module reads it. */
export interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
}

const silentLogger: MigrationLogger = { info: () => undefined, warn: () => undefined };

/**
 * Applies the pending migrations of a Prisma migrations folder without Prisma's schema
 * engine, recording them in `_prisma_migrations` exactly as `prisma migrate deploy` does
 * (same table, same checksum), so either can take over from the other. Returns the names
 * of the migrations it applied, in order (empty when there were none).
 *
 * - Serialised by the advisory lock Prisma uses: concurrent runners (two instances starting
 *   together) wait for each other; the second finds nothing left to do.
 * - Each migration runs in its own transaction together with its history row: it is either
 *   applied and recorded, or not at all. On an SQL error it is rolled back, recorded as failed
 *   (finished_at NULL, the error in `logs`, as Prisma records it) and MigrationFailedError is
 *   thrown; later runs refuse to go on (FailedMigrationsFoundError) until that row is
 *   resolved, as Prisma does. A crash mid-migration leaves nothing behind, so it is retried.
 *   (So a migration.sql cannot hold statements that refuse to run in a transaction, such as
 *   CREATE INDEX CONCURRENTLY, nor its own BEGIN/COMMIT.)
 * - A recorded migration whose migration.sql has changed since fails loudly
 *   (MigrationChecksumMismatchError), before anything is applied.
 * - Works in the schema named by the URL's `schema` parameter (default `public`), as Prisma.
 */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<string[]> {
  const urlName = options.urlName ?? 'DATABASE_URL';
  const logger = options.logger ?? silentLogger;
  const lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
  const target = parseDatabaseUrl(options.databaseUrl, urlName);
  const migrations = await readMigrationsDirectory(options.migrationsDir);

  let client: pg.Client;
  try {
    client = await connectClient(options.databaseUrl, target, urlName, options.connectTimeoutMs);
  } catch (error) {
    if (sqlStateOf(error) === '3D000') {
      throw new DatabaseSetupError(
        `Database "${target.database}" does not exist on PostgreSQL at ${target.address} (create it first, e.g. with ensureDatabase).`,
        '3D000',
        { cause: error },
      );
    }
    throw error;
  }

  try {
    await acquireLock(client, lockTimeoutMs);
    const schema = target.schema;
    const table = `${quoteIdentifier(schema)}.${MIGRATIONS_TABLE}`;
    await prepareSchema(client, schema);

    const rows = (
      await client.query<MigrationRow>(
        `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at
           FROM ${table} ORDER BY started_at ASC`,
      )
    ).rows;
    const pending = planMigrations(migrations, rows, logger);

    if (pending.length === 0) {
      logger.info(`Database schema is up to date (${migrations.length} migration(s) applied).`);
      return [];
    }
    const applied: string[] = [];
    for (const migration of pending) {
      logger.info(`Applying migration ${migration.name}`);
      const startedMs = Date.now();
      await applyOne(client, table, migration);
      logger.info(`Applied migration ${migration.name} in ${Date.now() - startedMs} ms`);
      applied.push(migration.name);
    }
    return applied;
  } finally {
    // Ending the session releases the advisory lock even if the unlock cannot be sent.
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]).catch(() => undefined);
    await closeQuietly(client);
  }
}

async function acquireLock(client: pg.Client, lockTimeoutMs: number): Promise<void> {
  await client.query(`SET lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))}`);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
  } catch (error) {
    if (sqlStateOf(error) === '55P03') {
      throw new MigrationLockTimeoutError(
        `Timed out after ${lockTimeoutMs} ms waiting for the migration lock (pg_advisory_lock(${PRISMA_MIGRATE_LOCK_KEY})): ` +
          'another instance or a `prisma migrate` command is applying migrations to this database.',
      );
    }
    throw error;
  }
  await client.query('RESET lock_timeout');
}

/** Creates the schema and the history table when missing; points search_path at the schema. */
async function prepareSchema(client: pg.Client, schema: string): Promise<void> {
  const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (exists.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  await client.query(`SET search_path TO ${quoteIdentifier(schema)}`);

  const tables = await client.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = $1`,
    [schema],
  );
  const names = tables.rows.map((row) => row.relname);
  if (names.includes(MIGRATIONS_TABLE)) return;
  if (names.length > 0) {
    throw new DatabaseNotEmptyError(
      `Schema "${schema}" already has tables (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}) ` +
        `but no ${MIGRATIONS_TABLE} history, so it is not known which migrations it already has. ` +
        'Use an empty database, or baseline this one (https://pris.ly/d/migrate-baseline).',
    );
  }
  await client.query(migrationsTableDdl(schema));
}

/** Checks the recorded history against the folder; returns the migrations still to apply. */
export function planMigrations(
  migrations: readonly MigrationFile[],
  rows: readonly Pick<MigrationRow, 'checksum' | 'finished_at' | 'migration_name' | 'logs' | 'rolled_back_at' | 'started_at'>[],
  logger: MigrationLogger = silentLogger,
): MigrationFile[] {
  const failed = rows.filter((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed.length > 0) {
    const details = failed
      .map((row) => {
        const logs = row.logs?.trim();
        return `The \`${row.migration_name}\` migration started at ${row.started_at.toISOString()} failed${logs ? ` with the following logs:\n${logs}` : ''}`;
      })
      .join('\n');
    throw new FailedMigrationsFoundError(
      `Found failed migrations in the target database; new migrations will not be applied until they are resolved.\n${details}\n` +
        'Fix the migration (a failed one was rolled back by this runner), then mark it rolled back: ' +
        '`prisma migrate resolve --rolled-back <name>`, or ' +
        `UPDATE ${MIGRATIONS_TABLE} SET rolled_back_at = now() WHERE migration_name = '<name>' AND finished_at IS NULL.`,
      failed.map((row) => row.migration_name),
    );
  }

  const live = rows.filter((row) => row.rolled_back_at === null);
  const byName = new Map(migrations.map((migration) => [migration.name, migration]));
  const edited = live.filter((row) => {
    const file = byName.get(row.migration_name);
    return file !== undefined && !checksumMatches(file.script, row.checksum);
  });
  if (edited.length > 0) {
    const names = [...new Set(edited.map((row) => row.migration_name))];
    throw new MigrationChecksumMismatchError(
      `Migration(s) ${names.join(', ')} were modified after they were applied: their migration.sql no longer ` +
        'matches the checksum recorded in _prisma_migrations. Restore the original file(s) and put changes in a new migration.',
      names,
    );
  }
  const unknown = [...new Set(live.map((row) => row.migration_name))].filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    logger.warn(`The database has applied migration(s) that are not in the migrations folder: ${unknown.join(', ')}`);
  }

  const appliedNames = new Set(live.map((row) => row.migration_name));
  return migrations.filter((migration) => !appliedNames.has(migration.name));
}

async function applyOne(client: pg.Client, table: string, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  const startedAt = new Date();
  try {
    await client.query('BEGIN');
    await client.query(`INSERT INTO ${table} (id, checksum, started_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 0)`, [
      id,
      migration.checksum,
      migration.name,
    ]);
    // No parameters: the simple query protocol, so the script may hold many statements.
    await client.query(migration.script);
    await client.query(`UPDATE ${table} SET applied_steps_count = applied_steps_count + 1, finished_at = clock_timestamp() WHERE id = $1`, [id]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const sqlState = sqlStateOf(error);
    const logs = failureLogs(migration, error);
    let recorded = true;
    try {
      await client.query(`INSERT INTO ${table} (id, checksum, started_at, migration_name, logs, applied_steps_count) VALUES ($1, $2, $3, $4, $5, 0)`, [
        id,
        migration.checksum,
        startedAt,
        migration.name,
        logs,
      ]);
    } catch {
      recorded = false;
    }
    throw new MigrationFailedError(
      `${logs}\n\nThe migration was rolled back${recorded ? ' and recorded as failed' : ' (recording it as failed did not succeed either)'}.`,
      migration.name,
      sqlState,
      { cause: error },
    );
  }
}

/** Text for `logs` of a failed migration, in the shape of Prisma's P3018 message. */
export function failureLogs(migration: Pick<MigrationFile, 'name' | 'script'>, error: unknown): string {
  const sqlState = sqlStateOf(error) ?? 'none';
  let position = '';
  const raw = (error as { position?: unknown } | null)?.position;
  const offset = typeof raw === 'string' ? Number.parseInt(raw, 10) : Number.NaN;
  if (Number.isInteger(offset) && offset > 0) {
    const before = migration.script.slice(0, offset - 1);
    const lineNumber = before.split('\n').length;
    const line = migration.script.split('\n')[lineNumber - 1] ?? '';
    position = `\n\nPosition:\n${String(lineNumber).padStart(3)} ${line.replace(/\r$/, '')}`;
  }
  return (
    `Migration ${migration.name} failed to apply.\n\n` +
    `Migration name: ${migration.name}\n\n` +
    `Database error code: ${sqlState}\n\n` +
    `Database error:\n${messageOf(error)}${position}`
  );
}
