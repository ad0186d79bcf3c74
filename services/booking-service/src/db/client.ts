import { PrismaPg } from '@prisma/adapter-pg';
import { driverUrl, parseDatabaseUrl } from '@rideline/postgres';
import { PrismaClient } from '../generated/prisma/client.ts';

export type { PrismaClient };

export interface PrismaClientOptions {
  /** Most connections the pg pool opens. Default 10 (pg's default). */
  poolMax?: number;
  /** The setting the URL came from, named in error messages. Default `DATABASE_URL`. */
  urlName?: string;
}

/**
 * The generated Prisma Client (Prisma 7, `prisma-client` generator) on the pg driver
 * adapter: plain JavaScript and WASM, no native query engine. A `?schema=` parameter in the
 * URL selects the PostgreSQL schema, as it does for Prisma Migrate.
 *
 * Connects lazily; call `$disconnect()` on shutdown.
 */
export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}): PrismaClient {
  const { schema } = parseDatabaseUrl(databaseUrl, options.urlName);
  const adapter = new PrismaPg(
    { connectionString: driverUrl(databaseUrl), max: options.poolMax ?? 10, connectionTimeoutMillis: 3_000 },
    schema === 'public' ? undefined : { schema },
  );
  return new PrismaClient({ adapter });
}
