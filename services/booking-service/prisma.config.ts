import { defineConfig } from 'prisma/config';

// Prisma 7 reads its CLI settings from here (the schema no longer holds the URL, and
// .env files are not loaded automatically). DATABASE_URL is only needed by the commands
// that talk to a database (`prisma migrate deploy`, `prisma studio`, ...), not by
// `prisma generate`, so a missing one is left for those commands to report.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
  },
  datasource: {
    url: process.env.DATABASE_URL,
  },
});
