import type pg from 'pg';
import { closeQuietly, connectClient } from './connect.ts';
import { DatabaseSetupError, messageOf, sqlStateOf } from './errors.ts';
import { parseDatabaseUrl, quoteIdentifier, withDatabase } from './url.ts';

export interface EnsureDatabaseOptions {
  /** The setting the URL came from, named in error messages. Default `DATABASE_URL`. */
  urlName?: string;
  /** Per connection attempt. Default 10 s. */
  connectTimeoutMs?: number;
}

/** The databases tried, in order, to run CREATE DATABASE from. */
const MAINTENANCE_DATABASES = ['postgres', 'template1'];

/**
 * Makes sure the database named in `databaseUrl` exists, creating it when it does not.
 * Returns whether it was created by this call.
 *
 * It first connects to the database itself (which needs no maintenance database, and is all
 * that happens on every start after the first); only when the server answers that it does
 * not exist (3D000) does it connect to the `postgres` maintenance database (else
 * `template1`) on the same server, with the same credentials, and create it. Safe under
 * concurrent callers: a CREATE DATABASE that loses the race (42P04) counts as success.
 *
 * Throws DatabaseUnreachableError when the server cannot be reached or refuses the
 * credentials, DatabaseSetupError when it cannot create the database; both have a message
 * fit to print as it is (no password, no stack).
 */
export async function ensureDatabase(databaseUrl: string, options: EnsureDatabaseOptions = {}): Promise<boolean> {
  const urlName = options.urlName ?? 'DATABASE_URL';
  const target = parseDatabaseUrl(databaseUrl, urlName);

  try {
    const client = await connectClient(databaseUrl, target, urlName, options.connectTimeoutMs);
    await closeQuietly(client);
    return false;
  } catch (error) {
    if (sqlStateOf(error) !== '3D000') throw error;
  }

  let lastMissing: unknown;
  for (const maintenance of MAINTENANCE_DATABASES) {
    let client: pg.Client;
    try {
      client = await connectClient(withDatabase(databaseUrl, maintenance), target, urlName, options.connectTimeoutMs);
    } catch (error) {
      if (sqlStateOf(error) === '3D000') {
        lastMissing = error;
        continue;
      }
      throw error;
    }
    try {
      await createDatabase(client, target.database);
      return true;
    } catch (error) {
      const sqlState = sqlStateOf(error);
      // Someone else created it first: duplicate_database, or, when both CREATE DATABASE
      // statements ran at the same moment, a unique violation on pg_database's name index.
      if (sqlState === '42P04' || sqlState === '23505') return false;
      if (sqlState === '42501') {
        throw new DatabaseSetupError(
          `Database "${target.database}" does not exist on PostgreSQL at ${target.address}, and user ` +
            `"${target.user ?? '(default user)'}" may not create it (${messageOf(error)}). ` +
            `Create it once (CREATE DATABASE "${target.database}") or grant CREATEDB, or point ${urlName} at an existing database.`,
          sqlState,
          { cause: error },
        );
      }
      throw new DatabaseSetupError(`Could not create database "${target.database}" on PostgreSQL at ${target.address}: ${messageOf(error)}`, sqlState, {
        cause: error,
      });
    } finally {
      await closeQuietly(client);
    }
  }
  throw new DatabaseSetupError(
    `Database "${target.database}" does not exist on PostgreSQL at ${target.address}, and neither does a ` +
      `maintenance database (${MAINTENANCE_DATABASES.join(', ')}) to create it from. Create it once, or point ${urlName} at an existing database.`,
    '3D000',
    { cause: lastMissing },
  );
}

/**
 * CREATE DATABASE, retried while the template database is busy (55006: "source database is
 * being accessed by other users", which concurrent callers connected to template1 cause).
 */
async function createDatabase(client: pg.Client, database: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
      return;
    } catch (error) {
      if (sqlStateOf(error) !== '55006' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
}
