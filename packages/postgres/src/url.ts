/**
 * PostgreSQL connection URLs: parsing what we need from them, and printing them without
 * their password.
 */

export interface ParsedDatabaseUrl {
  /** The URL as given. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** `host:port` (IPv6 hosts in brackets), for messages. */
  readonly address: string;
  readonly user: string | undefined;
  readonly database: string;
  /**
   * The schema Prisma works in: the URL's `schema` parameter, as Prisma reads it, else
   * `public`.
   */
  readonly schema: string;
}

export class InvalidDatabaseUrlError extends Error {
  override readonly name = 'InvalidDatabaseUrlError';
}

const DEFAULT_PORT = 5432;

/**
 * Parses a `postgres://` or `postgresql://` URL. Throws {@link InvalidDatabaseUrlError}
 * (whose message never contains the password) when it is not one, or names no database.
 */
export function parseDatabaseUrl(databaseUrl: string, urlName = 'DATABASE_URL'): ParsedDatabaseUrl {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new InvalidDatabaseUrlError(`${urlName} is not a valid URL (expected postgresql://user:password@host:port/database).`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new InvalidDatabaseUrlError(`${urlName} must start with postgresql:// or postgres://, not ${url.protocol}// (${redactUrl(databaseUrl)}).`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    throw new InvalidDatabaseUrlError(`${urlName} must name a database in its path, as in postgresql://host:5432/mydb (got ${redactUrl(databaseUrl)}).`);
  }
  // libpq's `?host=` overrides the URL's host (used for Unix sockets: ?host=/var/run/postgresql).
  const hostParam = url.searchParams.get('host');
  const rawHost = hostParam ?? decodeURIComponent(url.hostname);
  const host = rawHost.startsWith('[') && rawHost.endsWith(']') ? rawHost.slice(1, -1) : rawHost;
  const portParam = url.searchParams.get('port');
  const port = Number(portParam ?? (url.port === '' ? DEFAULT_PORT : url.port));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new InvalidDatabaseUrlError(`${urlName} has an invalid port (${redactUrl(databaseUrl)}).`);
  }
  const effectiveHost = host === '' ? 'localhost' : host;
  return {
    url: databaseUrl,
    host: effectiveHost,
    port,
    address: formatAddress(effectiveHost, port),
    user: url.username === '' ? undefined : decodeURIComponent(url.username),
    database,
    schema: url.searchParams.get('schema') ?? 'public',
  };
}

function formatAddress(host: string, port: number): string {
  if (host.startsWith('/')) return `${host} (Unix socket, port ${port})`;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The URL with its password replaced by `***` (also a `password` query parameter). Safe to
 * print. A string that is not a URL comes back as `<unparseable URL>` rather than as itself,
 * since it may still hold a secret.
 */
export function redactUrl(databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return '<unparseable URL>';
  }
  if (url.password !== '') url.password = '***';
  for (const key of ['password', 'sslpassword']) {
    if (url.searchParams.has(key)) url.searchParams.set(key, '***');
  }
  // URL escapes the asterisks in the userinfo part; put them back for readability.
  return url
    .toString()
    .replace(/:%2A%2A%2A@/i, ':***@')
    .replace(/=%2A%2A%2A/gi, '=***');
}

/**
 * The same server and credentials, another database. Drops Prisma's `schema` parameter,
 * which the pg driver does not understand.
 */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  url.searchParams.delete('schema');
  return url.toString();
}

/** The URL as the pg driver should get it: without Prisma's `schema` parameter. */
export function driverUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (!url.searchParams.has('schema')) return databaseUrl;
  url.searchParams.delete('schema');
  return url.toString();
}

/** Double-quotes an SQL identifier. */
export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
