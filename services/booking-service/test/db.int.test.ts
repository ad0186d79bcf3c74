/**
 * The event store schema on a real PostgreSQL: a fresh database gets the service's migrations
 * through the offline runner, and the generated Prisma Client (pg driver adapter) reads and
 * writes it; the (stream_id, stream_version) unique index is the optimistic concurrency check.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { applyMigrations, readMigrationsDirectory, withDatabase } from '@rideline/postgres';
import { dropDatabase, scratchDatabaseName, testServerUrl } from '@rideline/postgres/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../src/generated/prisma/client.ts';
import { createPrismaClient, type PrismaClient } from '../src/db/client.ts';
import { MIGRATIONS_DIR, prepareDatabase } from '../src/db/migrate.ts';

const server = testServerUrl();
const databaseName = scratchDatabaseName('rideline_booking_test');
const databaseUrl = withDatabase(server, databaseName);
let prisma: PrismaClient;
let applied: string[];

beforeAll(async () => {
  // The database does not exist yet: prepareDatabase creates it, then migrates it.
  applied = await prepareDatabase(databaseUrl);
  prisma = createPrismaClient(databaseUrl);
});

afterAll(async () => {
  await prisma?.$disconnect();
  await dropDatabase(server, databaseName);
});

describe('booking-service database', () => {
  it('creates the database and applies every migration, recorded with Prisma’s checksums', async () => {
    const migrations = await readMigrationsDirectory(MIGRATIONS_DIR);
    expect(migrations.map((m) => m.name)).toContainEqual(expect.stringMatching(/^\d{14}_event_store$/));
    expect(applied).toEqual(migrations.map((m) => m.name));

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const rows = (
        await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
          'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY started_at',
        )
      ).rows;
      expect(rows).toHaveLength(migrations.length);
      for (const row of rows) {
        const sql = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'), 'utf-8');
        expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
        expect(row.finished_at).not.toBeNull();
        expect(row.applied_steps_count).toBe(1);
      }
    } finally {
      await client.end();
    }
  });

  it('running the migrations again is a no-op', async () => {
    expect(await applyMigrations({ databaseUrl, migrationsDir: MIGRATIONS_DIR })).toEqual([]);
    expect(await prepareDatabase(databaseUrl)).toEqual([]);
  });

  it('stores and reads back an event through the generated Prisma Client', async () => {
    const streamId = `booking-${randomUUID()}`;
    const eventId = randomUUID();
    const occurredAt = new Date('2026-11-26T10:00:00.123Z');
    const payload = { bookingId: streamId, riderId: 'rider-1', pickup: { lat: 52.37, lng: 4.89 }, tags: ['a', 'b'] };

    const created = await prisma.storedEvent.create({
      data: { streamId, streamVersion: 1, eventId, eventType: 'BookingRequested', payload, occurredAt },
    });
    expect(typeof created.globalPosition).toBe('bigint');
    expect(created.recordedAt).toBeInstanceOf(Date);

    const [read] = await prisma.storedEvent.findMany({ where: { streamId }, orderBy: { streamVersion: 'asc' } });
    expect(read).toMatchObject({ streamId, streamVersion: 1, eventId, eventType: 'BookingRequested', payload, occurredAt });
    expect(read?.globalPosition).toBe(created.globalPosition);

    const next = await prisma.storedEvent.create({
      data: { streamId, streamVersion: 2, eventId: randomUUID(), eventType: 'DriverAssigned', payload: {}, occurredAt },
    });
    expect(next.globalPosition > created.globalPosition).toBe(true);
  });

  it('rejects a second event with the same stream version (optimistic concurrency)', async () => {
    const streamId = `booking-${randomUUID()}`;
    const event = (version: number) => ({
      streamId,
      streamVersion: version,
      eventId: randomUUID(),
      eventType: 'BookingRequested',
      payload: { version },
      occurredAt: new Date(),
    });
    await prisma.storedEvent.create({ data: event(1) });

    const error = await prisma.storedEvent.create({ data: event(1) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
    expect(await prisma.storedEvent.count({ where: { streamId } })).toBe(1);

    // The same event id cannot be stored twice either.
    const again = event(2);
    await prisma.storedEvent.create({ data: again });
    await expect(prisma.storedEvent.create({ data: { ...again, streamVersion: 3 } })).rejects.toMatchObject({
      code: 'P2002',
    });
  });

  it('appends events and their outbox messages in one transaction; a conflict leaves neither', async () => {
    const streamId = `booking-${randomUUID()}`;
    const append = (version: number) =>
      prisma.$transaction([
        prisma.storedEvent.create({
          data: { streamId, streamVersion: version, eventId: randomUUID(), eventType: 'BookingRequested', payload: {}, occurredAt: new Date() },
        }),
        prisma.outboxMessage.create({
          data: { topic: 'booking.events', messageKey: streamId, payload: { streamId, version } },
        }),
      ]);
    await append(1);
    await expect(append(1)).rejects.toMatchObject({ code: 'P2002' });

    const pending = await prisma.outboxMessage.findMany({ where: { messageKey: streamId }, orderBy: { id: 'asc' } });
    expect(pending).toHaveLength(1);
    expect(pending[0]?.payload).toEqual({ streamId, version: 1 });
  });

  it('refuses an outbox row with both or neither payload', async () => {
    await expect(prisma.outboxMessage.create({ data: { topic: 't', messageKey: 'k', payload: {}, sealedPayload: 'x' } })).rejects.toThrow();
    await expect(prisma.outboxMessage.create({ data: { topic: 't', messageKey: 'k' } })).rejects.toThrow();
  });
});
