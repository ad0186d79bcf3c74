import pg from 'pg';
import { classifyConnectionError } from './errors.ts';
import { driverUrl, type ParsedDatabaseUrl } from './url.ts';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens one pg client on `connectionUrl`. Connection failures come back as
 * DatabaseUnreachableError (naming `urlName` and `target`'s address); any other error is
 * rethrown as it is. A client-level 'error' (the server going away later) is kept from
 * crashing the process: the next query on the client fails instead.
 */
export async function connectClient(
  connectionUrl: string,
  target: ParsedDatabaseUrl,
  urlName: string,
  connectTimeoutMs: number = DEFAULT_CONNECT_TIMEOUT_MS,
): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: driverUrl(connectionUrl),
    connectionTimeoutMillis: connectTimeoutMs,
  });
  client.on('error', () => {
    // Reported through the failing query instead.
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw classifyConnectionError(error, target, urlName) ?? error;
  }
  return client;
}

/** Ends a client, ignoring errors (it may already be broken). */
export async function closeQuietly(client: pg.Client): Promise<void> {
  await client.end().catch(() => undefined);
}
