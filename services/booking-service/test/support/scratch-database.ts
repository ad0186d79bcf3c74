import { withDatabase } from '@rideline/postgres';
import { dropDatabase, scratchDatabaseName, testServerUrl } from '@rideline/postgres/testing';
import { afterAll, beforeAll } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../src/db/client.ts';
import { prepareDatabase } from '../../src/db/migrate.ts';

/** A migrated scratch database of its own for a test file, and a Prisma client on it; dropped after the file. */
export function useScratchDatabase(prefix: string): { readonly prisma: PrismaClient } {
  const server = testServerUrl();
  const name = scratchDatabaseName(prefix);
  let client: PrismaClient | undefined;
  beforeAll(async () => {
    const databaseUrl = withDatabase(server, name);
    await prepareDatabase(databaseUrl);
    client = createPrismaClient(databaseUrl);
  });
  afterAll(async () => {
    await client?.$disconnect();
    await dropDatabase(server, name);
  });
  return {
    get prisma(): PrismaClient {
      if (!client) throw new Error("the scratch database is ready only once the file's beforeAll hooks have run");
      return client;
    },
  };
}
