import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DatabaseNotEmptyError,
  DatabaseSetupError,
  FailedMigrationsFoundError,
  MigrationChecksumMismatchError,
  MigrationFailedError,
  MigrationLockTimeoutError,
  MigrationsDirectoryError,
  PRISMA_MIGRATE_LOCK_KEY,
  applyMigrations,
  withDatabase,
  type MigrationRow,
} from '../src/index.ts';
import { createScratchDatabase, type ScratchDatabase } from '../src/testing.ts';

let db: ScratchDatabase;
let admin: pg.Client;
const tempDirs: string[] = [];
let schemaCounter = 0;

beforeAll(async () => {
  db = await createScratchDatabase(undefined, 'rideline_migrate');
  admin = new pg.Client({ connectionString: db.databaseUrl });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
  await db?.drop();
});

afterEach(async () => {
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Each test works in its own schema of the file's database (Prisma's ?schema= parameter). */
function freshSchemaUrl(): { url: string; schema: string } {
  schemaCounter += 1;
  const schema = `t${schemaCounter}_${Date.now().toString(36)}`;
  return { url: `${db.databaseUrl}?schema=${schema}`, schema };
}

async function migrationsDir(migrations: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rideline-migrations-'));
  tempDirs.push(dir);
  await writeFile(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  for (const [name, sql] of Object.entries(migrations)) await writeMigration(dir, name, sql);
  return dir;
}

async function writeMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(join(dir, name), { recursive: true });
  await writeFile(join(dir, name, 'migration.sql'), sql);
}

async function history(schema: string) {
  const result = await admin.query<MigrationRow & { applied_steps_count: number }>(
    `SELECT * FROM "${schema}"._prisma_migrations ORDER BY started_at, migration_name`,
  );
  return result.rows;
}

async function tableExists(schema: string, table: string): Promise<boolean> {
  const result = await admin.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [`"${schema}"."${table}"`]);
  return result.rows[0]?.found != null;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const FIRST = '20260101000000_init';
const SECOND = '20260102000000_more';
const firstSql = '-- CreateTable\nCREATE TABLE "widgets" ("id" SERIAL NOT NULL, CONSTRAINT "widgets_pkey" PRIMARY KEY ("id"));\n';
const secondSql = 'ALTER TABLE "widgets" ADD COLUMN "name" TEXT;\nCREATE INDEX "widgets_name_idx" ON "widgets"("name");\n';

describe('applyMigrations', () => {
  it('applies the folder in order and records it as Prisma does', async () => {
    const { url, schema } = freshSchemaUrl();
    // Written out of order on purpose: the runner sorts by folder name.
    const dir = await migrationsDir({ [SECOND]: secondSql, [FIRST]: firstSql });
    const logged: string[] = [];
    const applied = await applyMigrations({
      databaseUrl: url,
      migrationsDir: dir,
      logger: { info: (m) => logged.push(m), warn: (m) => logged.push(m) },
    });
    expect(applied).toEqual([FIRST, SECOND]);
    expect(logged.some((line) => line.includes(FIRST))).toBe(true);
    expect(await tableExists(schema, 'widgets')).toBe(true);

    const rows = await history(schema);
    expect(rows.map((r) => r.migration_name)).toEqual([FIRST, SECOND]);
    for (const [row, sql] of [
      [rows[0], firstSql],
      [rows[1], secondSql],
    ] as const) {
      expect(row?.checksum).toBe(sha256(sql));
      expect(row?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row?.finished_at).toBeInstanceOf(Date);
      expect(row?.rolled_back_at).toBeNull();
      expect(row?.logs).toBeNull();
      expect(row?.applied_steps_count).toBe(1);
    }
  });

  it('creates _prisma_migrations with Prisma’s exact column layout', async () => {
    const { url, schema } = freshSchemaUrl();
    await applyMigrations({ databaseUrl: url, migrationsDir: await migrationsDir({ [FIRST]: firstSql }) });
    const columns = await admin.query(
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
         FROM information_schema.columns WHERE table_schema = $1 AND table_name = '_prisma_migrations'
        ORDER BY ordinal_position`,
      [schema],
    );
    expect(columns.rows).toEqual([
      { column_name: 'id', data_type: 'character varying', character_maximum_length: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', character_maximum_length: 64, is_nullable: 'NO', column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', character_maximum_length: 255, is_nullable: 'NO', column_default: null },
      { column_name: 'logs', data_type: 'text', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'NO', column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', character_maximum_length: null, is_nullable: 'NO', column_default: '0' },
    ]);
    const pk = await admin.query(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = $1::regclass AND i.indisprimary`,
      [`"${schema}"._prisma_migrations`],
    );
    expect(pk.rows).toEqual([{ attname: 'id' }]);
  });

  it('is a no-op the second time, and applies only what was added since', async () => {
    const { url, schema } = freshSchemaUrl();
    const dir = await migrationsDir({ [FIRST]: firstSql });
    expect(await applyMigrations({ databaseUrl: url, migrationsDir: dir })).toEqual([FIRST]);
    expect(await applyMigrations({ databaseUrl: url, migrationsDir: dir })).toEqual([]);
    await writeMigration(dir, SECOND, secondSql);
    expect(await applyMigrations({ databaseUrl: url, migrationsDir: dir })).toEqual([SECOND]);
    expect((await history(schema)).length).toBe(2);
  });

  it('accepts a recorded migration whose file only changed line ends (CRLF checkout)', async () => {
    const { url } = freshSchemaUrl();
    const dir = await migrationsDir({ [FIRST]: firstSql });
    await applyMigrations({ databaseUrl: url, migrationsDir: dir });
    await writeMigration(dir, FIRST, firstSql.replaceAll('\n', '\r\n'));
    expect(await applyMigrations({ databaseUrl: url, migrationsDir: dir })).toEqual([]);
  });

  it('fails loudly, applying nothing, when an applied migration was edited', async () => {
    const { url, schema } = freshSchemaUrl();
    const dir = await migrationsDir({ [FIRST]: firstSql });
    await applyMigrations({ databaseUrl: url, migrationsDir: dir });
    await writeMigration(dir, FIRST, `${firstSql}-- edited\n`);
    await writeMigration(dir, SECOND, secondSql);
    const error = await applyMigrations({ databaseUrl: url, migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationChecksumMismatchError);
    expect((error as MigrationChecksumMismatchError).migrationNames).toEqual([FIRST]);
    expect((error as Error).message).toContain(FIRST);
    expect((await history(schema)).length).toBe(1);
  });

  it('rolls back a failing migration, records it as failed like Prisma, and stops there', async () => {
    const { url, schema } = freshSchemaUrl();
    const THIRD = '20260103000000_after';
    const badSql = 'CREATE TABLE "half" ("id" INTEGER);\nCREATE TABLE "bad" ("id" nosuchtype);\n';
    const dir = await migrationsDir({ [FIRST]: firstSql, [SECOND]: badSql, [THIRD]: secondSql });

    const error = await applyMigrations({ databaseUrl: url, migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationFailedError);
    const failed = error as MigrationFailedError;
    expect(failed.migrationName).toBe(SECOND);
    expect(failed.sqlState).toBe('42704');
    expect(failed.message).toContain('nosuchtype');
    expect(failed.message).toContain('  2 CREATE TABLE "bad"');

    // The first migration stays applied; the failed one left nothing behind; the third never ran.
    expect(await tableExists(schema, 'widgets')).toBe(true);
    expect(await tableExists(schema, 'half')).toBe(false);
    const rows = await history(schema);
    expect(rows.map((r) => r.migration_name)).toEqual([FIRST, SECOND]);
    const failedRow = rows[1];
    expect(failedRow?.finished_at).toBeNull();
    expect(failedRow?.rolled_back_at).toBeNull();
    expect(failedRow?.applied_steps_count).toBe(0);
    expect(failedRow?.checksum).toBe(sha256(badSql));
    expect(failedRow?.logs).toContain('Database error code: 42704');

    // Later runs refuse to continue, as `prisma migrate deploy` does (P3009)...
    const again = await applyMigrations({ databaseUrl: url, migrationsDir: dir }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(FailedMigrationsFoundError);
    expect((again as Error).message).toContain(SECOND);

    // ...until it is fixed and marked rolled back (what `prisma migrate resolve --rolled-back` does).
    await writeMigration(dir, SECOND, 'CREATE TABLE "half" ("id" INTEGER);\n');
    await admin.query(`UPDATE "${schema}"._prisma_migrations SET rolled_back_at = now() WHERE migration_name = $1 AND finished_at IS NULL`, [SECOND]);
    expect(await applyMigrations({ databaseUrl: url, migrationsDir: dir })).toEqual([SECOND, THIRD]);
    expect(await tableExists(schema, 'half')).toBe(true);
  });

  it('serialises concurrent runners: each migration is applied exactly once', async () => {
    const { url, schema } = freshSchemaUrl();
    const dir = await migrationsDir({
      [FIRST]: `${firstSql}SELECT pg_sleep(0.3);\n`,
      [SECOND]: secondSql,
    });
    const results = await Promise.all(Array.from({ length: 4 }, () => applyMigrations({ databaseUrl: url, migrationsDir: dir })));
    expect(results.flat().sort()).toEqual([FIRST, SECOND]);
    expect(results.filter((r) => r.length > 0)).toHaveLength(1);
    expect((await history(schema)).length).toBe(2);
  });

  it('waits for the migration lock Prisma uses, and gives up after lockTimeoutMs', async () => {
    const { url } = freshSchemaUrl();
    const dir = await migrationsDir({ [FIRST]: firstSql });
    const holder = new pg.Client({ connectionString: db.databaseUrl });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
      const error = await applyMigrations({ databaseUrl: url, migrationsDir: dir, lockTimeoutMs: 300 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationLockTimeoutError);

      const waiting = applyMigrations({ databaseUrl: url, migrationsDir: dir, lockTimeoutMs: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await holder.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
      expect(await waiting).toEqual([FIRST]);
    } finally {
      await holder.end();
    }
  });

  it('refuses a schema that has tables but no migration history', async () => {
    const { url, schema } = freshSchemaUrl();
    await admin.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".legacy (id int)`);
    const error = await applyMigrations({ databaseUrl: url, migrationsDir: await migrationsDir({ [FIRST]: firstSql }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseNotEmptyError);
    expect((error as Error).message).toContain('legacy');
  });

  it('reports a missing database, a missing folder and a migration without migration.sql', async () => {
    const missingDb = await applyMigrations({
      databaseUrl: withDatabase(db.databaseUrl, `${db.name}_missing`),
      migrationsDir: await migrationsDir({ [FIRST]: firstSql }),
    }).catch((e: unknown) => e);
    expect(missingDb).toBeInstanceOf(DatabaseSetupError);
    expect((missingDb as Error).message).toContain('does not exist');

    const { url } = freshSchemaUrl();
    const noFolder = await applyMigrations({ databaseUrl: url, migrationsDir: '/nonexistent/migrations' }).catch((e: unknown) => e);
    expect(noFolder).toBeInstanceOf(MigrationsDirectoryError);

    const dir = await migrationsDir({ [FIRST]: firstSql });
    await mkdir(join(dir, SECOND));
    const noScript = await applyMigrations({ databaseUrl: url, migrationsDir: dir }).catch((e: unknown) => e);
    expect(noScript).toBeInstanceOf(MigrationsDirectoryError);
    expect((noScript as Error).message).toContain(SECOND);
  });

  it('refuses migrations written for another provider', async () => {
    const { url } = freshSchemaUrl();
    const dir = await migrationsDir({ [FIRST]: firstSql });
    await writeFile(join(dir, 'migration_lock.toml'), 'provider = "mysql"\n');
    await expect(applyMigrations({ databaseUrl: url, migrationsDir: dir })).rejects.toThrow(/mysql/);
  });
});
