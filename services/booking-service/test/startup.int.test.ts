import { fileURLToPath } from 'node:url';
import { createScratchDatabase, type ScratchDatabase } from '@rideline/postgres/testing';
import { describeStartupContract } from '@rideline/test-support';
import { afterAll, beforeAll } from 'vitest';

let database: ScratchDatabase;
beforeAll(async () => {
  database = await createScratchDatabase(undefined, 'rideline_booking_startup');
});
afterAll(() => database?.drop());

describeStartupContract({
  serviceDir: fileURLToPath(new URL('..', import.meta.url)),
  env: () => ({ DATABASE_URL: database.databaseUrl }),
  refusals: [
    ['DATABASE_URL', { DATABASE_URL: 'mysql://root@127.0.0.1/booking' }],
    // Nothing listens on port 1: the database is unreachable, and the message says which setting.
    ['DATABASE_URL', { DATABASE_URL: 'postgresql://postgres:hunter2@127.0.0.1:1/booking' }],
  ],
});
