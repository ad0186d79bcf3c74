import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseSetupError, DatabaseUnreachableError, ensureDatabase, withDatabase } from '../src/index.ts';
import { dropDatabase, scratchDatabaseName, testServerUrl } from '../src/testing.ts';
import { freePort } from '@rideline/dev-infra';

const server = testServerUrl();
const created: string[] = [];

function newDatabaseUrl(): string {
  const name = scratchDatabaseName('rideline_ensure');
  created.push(name);
  return withDatabase(server, name);
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const name of created) await dropDatabase(server, name);
});

describe('ensureDatabase', () => {
  it('creates a missing database, then finds it there', async () => {
    const url = newDatabaseUrl();
    const name = new URL(url).pathname.slice(1);
    expect(await databaseExists(name)).toBe(false);
    expect(await ensureDatabase(url)).toBe(true);
    expect(await databaseExists(name)).toBe(true);
    expect(await ensureDatabase(url)).toBe(false);
  });

  it('is safe when many callers race to create the same database', async () => {
    const url = newDatabaseUrl();
    const results = await Promise.all(Array.from({ length: 6 }, () => ensureDatabase(url)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await databaseExists(new URL(url).pathname.slice(1))).toBe(true);
  });

  it('ignores Prisma’s schema parameter', async () => {
    const url = `${newDatabaseUrl()}?schema=booking`;
    expect(await ensureDatabase(url)).toBe(true);
  });

  it('reports a refused connection naming DATABASE_URL and host:port, without the password', async () => {
    const port = await freePort();
    const url = `postgresql://postgres:hunter2@127.0.0.1:${port}/whatever`;
    const error = await ensureDatabase(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    const unreachable = error as DatabaseUnreachableError;
    expect(unreachable.reason).toBe('refused');
    expect(unreachable.message).toContain(`127.0.0.1:${port}`);
    expect(unreachable.message).toContain('DATABASE_URL=');
    expect(unreachable.message).not.toContain('hunter2');
  });

  it('names the setting it was given', async () => {
    const port = await freePort();
    const error = await ensureDatabase(`postgresql://127.0.0.1:${port}/x`, { urlName: 'BOOKING_DATABASE_URL' }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('BOOKING_DATABASE_URL=');
  });

  it('reports an unknown host', async () => {
    const error = await ensureDatabase('postgresql://postgres@no-such-host.invalid:5432/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    expect((error as DatabaseUnreachableError).reason).toBe('host-not-found');
    expect((error as Error).message).toContain('no-such-host.invalid:5432');
  });

  it('reports a role the server does not know as an authentication problem', async () => {
    const url = new URL(newDatabaseUrl());
    url.username = 'no_such_role_rideline';
    url.password = 'pw';
    const error = await ensureDatabase(url.toString()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    expect((error as DatabaseUnreachableError).reason).toBe('authentication');
    expect((error as Error).message).toContain('no_such_role_rideline');
    expect((error as Error).message).not.toContain(':pw@');
  });

  it('reports a user who may not create databases', async () => {
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    const role = `rideline_nocreate_${Date.now().toString(36)}`;
    await admin.query(`CREATE ROLE ${role} LOGIN NOCREATEDB`);
    try {
      const url = new URL(newDatabaseUrl());
      url.username = role;
      const error = await ensureDatabase(url.toString()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseSetupError);
      expect((error as Error).message).toMatch(/may not create it/);
    } finally {
      await admin.query(`DROP ROLE ${role}`);
      await admin.end();
    }
  });
});
