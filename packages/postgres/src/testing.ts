import { randomBytes } from 'node:crypto';
import { closeQuietly, connectClient } from './connect.ts';
import { parseDatabaseUrl, quoteIdentifier, withDatabase } from './url.ts';

/** The server integration tests create their scratch databases on. */
export function testServerUrl(): string {
  return process.env.RIDELINE_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

export interface ScratchDatabase {
  /** URL of the new, empty database. */
  readonly databaseUrl: string;
  readonly name: string;
  /** Drops the database (ending its connections first). */
  drop(): Promise<void>;
}

/** A fresh, randomly named database name (`<prefix>_<random>`), not created. */
export function scratchDatabaseName(prefix = 'rideline_test'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/**
 * Creates a fresh, randomly named database on the server of `serverUrl` (any database URL
 * on that server; default {@link testServerUrl}), for one test file.
 */
export async function createScratchDatabase(serverUrl: string = testServerUrl(), prefix?: string): Promise<ScratchDatabase> {
  const name = scratchDatabaseName(prefix);
  const target = parseDatabaseUrl(serverUrl, 'RIDELINE_TEST_PG_URL');
  const admin = await connectClient(serverUrl, target, 'RIDELINE_TEST_PG_URL');
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
  } finally {
    await closeQuietly(admin);
  }
  return {
    name,
    databaseUrl: withDatabase(serverUrl, name),
    drop: () => dropDatabase(serverUrl, name),
  };
}

/** DROP DATABASE IF EXISTS ... WITH (FORCE) (PostgreSQL 13+), from a connection to `serverUrl`. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const target = parseDatabaseUrl(serverUrl, 'RIDELINE_TEST_PG_URL');
  const admin = await connectClient(serverUrl, target, 'RIDELINE_TEST_PG_URL');
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  } finally {
    await closeQuietly(admin);
  }
}
