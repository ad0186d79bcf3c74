import type { TopicNames } from '@rideline/contracts';
import type { PrismaClient } from '../db/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { Booking } from '../domain/booking.ts';
import type { BookingDomainEvent } from '../domain/events.ts';
import { storedOffer } from '../offers/offer-store.ts';
import { outboxRow, type OutboxEntry } from '../outbox/outbox-entry.ts';
import { driverHeldBooking } from './active-bookings.ts';
import { decodeStoredEvents } from './stored-events.ts';

/** An event as read back from the store, with its position in the booking's stream. */
export interface RecordedEvent {
  readonly eventId: string;
  readonly version: number;
  readonly event: BookingDomainEvent;
}

/** What an accept reads before deciding, in one statement (`BookingEventStore.loadForAccept`). */
export interface AcceptReading {
  /** The booking's stream, as `load` reads it. */
  readonly history: RecordedEvent[];
  /** Whether the offer of the booking to the driver is stored (`OfferStore.isOffered`'s answer). */
  readonly offered: boolean;
  /** The booking the driver holds (accepted or on a trip), or null. */
  readonly driverActiveBookingId: string | null;
}

/** The append's guard did not hold when it was evaluated: nothing was written; read again and decide again. */
export class AppendGuardFailed extends Error {
  constructor(readonly bookingId: string) {
    super(`the guard of booking ${bookingId}'s append no longer held`);
    this.name = 'AppendGuardFailed';
  }
}

/** Another writer appended to the stream first: reload and decide again. */
export class StreamVersionConflict extends Error {
  constructor(readonly bookingId: string) {
    super(`booking ${bookingId} changed concurrently`);
    this.name = 'StreamVersionConflict';
  }
}

/**
 * The driver took another booking at the same moment (the read model's one-active-booking-per-
 * driver index refused this one): reload and decide again, which now answers DRIVER_BUSY.
 */
export class DriverActiveConflict extends Error {
  constructor(readonly bookingId: string) {
    super(`the driver of booking ${bookingId} took another booking concurrently`);
    this.name = 'DriverActiveConflict';
  }
}

/** What runs raw SQL: the service's pool, or a transaction. */
export type SqlClient = Pick<PrismaClient, '$executeRaw' | '$queryRaw'>;

/** A condition an append checks, in its own statement, before it writes anything. */
export type AppendGuard = Prisma.Sql;

/** The unique indexes an append can run into, and what each means. */
const STREAM_VERSION_KEY = 'stored_events_stream_id_stream_version_key';
const DRIVER_ACTIVE_KEY = 'bookings_driver_active_key';

interface EventRow {
  event_id: string;
  stream_version: number;
  event_type: string;
  payload: unknown;
  occurred_at: Date;
}

/** A row of `loadForAccept`: an event of the stream (all null when it has none) and the accept's two answers. */
type AcceptRow = { [Column in keyof EventRow]: EventRow[Column] | null } & { offered: boolean; driver_booking_id: string | null };

/**
 * The booking streams in PostgreSQL: an append-only table with a unique (stream, version)
 * index as the optimistic concurrency check. An append writes the events, their outbox
 * messages and the booking's read-model row in ONE statement (so one round trip, atomically).
 */
export class BookingEventStore {
  constructor(
    private readonly prisma: PrismaClient,
    /** The names the outbox rows are published under. */
    private readonly topics: TopicNames,
  ) {}

  /**
   * The booking's stream, each row decoded into today's event shapes (older shapes upgraded);
   * throws `UnreadableStoredEvent` on a row of no known shape.
   */
  async load(bookingId: string): Promise<RecordedEvent[]> {
    const rows = await this.prisma.$queryRaw<EventRow[]>`
      SELECT event_id::text, stream_version, event_type, payload, occurred_at
      FROM stored_events WHERE stream_id = ${bookingId} ORDER BY stream_version`;
    return recordedEvents(bookingId, rows);
  }

  /**
   * The booking's stream (as `load`), whether the offer of the booking to `driverId` is stored,
   * and the booking the driver holds: ONE statement where an accept paid three round trips.
   */
  async loadForAccept(bookingId: string, driverId: string): Promise<AcceptReading> {
    // The answers come from a one-row select the stream is outer-joined to, so they come back
    // (on a row of nulls) when the stream has no events; otherwise they repeat on each event's
    // row. Neither subquery refers to the stream: PostgreSQL runs each once, whatever its length.
    const rows = await this.prisma.$queryRaw<AcceptRow[]>`
      SELECT answers.offered, answers.driver_booking_id,
             e.event_id::text, e.stream_version, e.event_type, e.payload, e.occurred_at
      FROM (SELECT ${storedOffer(bookingId, driverId)} AS offered, (${driverHeldBooking(driverId)}) AS driver_booking_id) AS answers
      LEFT JOIN stored_events e ON e.stream_id = ${bookingId}
      ORDER BY e.stream_version`;
    const events = rows.filter((row): row is AcceptRow & EventRow => row.event_id !== null);
    return {
      history: recordedEvents(bookingId, events),
      offered: rows[0]?.offered === true,
      driverActiveBookingId: rows[0]?.driver_booking_id ?? null,
    };
  }

  /**
   * Appends `records` (the next versions of the stream); `state` is the booking after them.
   * `notify` wakes a relay in another process with NOTIFY: PostgreSQL serialises every
   * committing NOTIFY on one global lock, so it is sent only when this process's own relay is
   * not the one publishing (that one is woken in-process). `guard`, a condition evaluated once
   * before anything is written, in the same statement: when false nothing is written and
   * `AppendGuardFailed` is thrown.
   */
  async append(
    bookingId: string,
    records: readonly RecordedEvent[],
    state: Booking,
    outbox: readonly OutboxEntry[],
    notify: boolean,
    guard: AppendGuard = Prisma.sql`true`,
  ): Promise<void> {
    const events = records.map((record) => ({
      stream_id: bookingId,
      stream_version: record.version,
      event_id: record.eventId,
      event_type: record.event.type,
      payload: record.event.data,
      occurred_at: record.event.occurredAt,
    }));
    const messages = outbox.map((entry, ord) => {
      const row = outboxRow(entry, this.topics);
      return { ord, topic: row.topic, message_key: row.key, payload: row.payload, trace_context: row.traceContext };
    });
    const version = records.at(-1)?.version ?? 0;
    try {
      const [outcome] = await this.prisma.$queryRaw<{ written: boolean }[]>`
        WITH guard AS MATERIALIZED (
          SELECT (${guard}) AS ok
        ), appended AS (
          INSERT INTO stored_events (stream_id, stream_version, event_id, event_type, payload, occurred_at)
          SELECT e.stream_id, e.stream_version, e.event_id, e.event_type, e.payload, e.occurred_at
          FROM jsonb_to_recordset(${JSON.stringify(events)}::jsonb)
            AS e(stream_id text, stream_version int, event_id uuid, event_type text, payload jsonb, occurred_at timestamptz)
          WHERE (SELECT ok FROM guard)
          RETURNING 1
        ), queued AS (
          INSERT INTO outbox_messages (topic, message_key, payload, trace_context)
          SELECT m.topic, m.message_key, m.payload, m.trace_context
          FROM jsonb_to_recordset(${JSON.stringify(messages)}::jsonb)
            AS m(ord int, topic text, message_key text, payload jsonb, trace_context jsonb)
          WHERE (SELECT ok FROM guard)
          ORDER BY m.ord
          RETURNING 1
        ), projected AS (
          INSERT INTO bookings (booking_id, user_id, driver_id, status, pickup, dropoff, estimated_cost,
                                created_at, updated_at, expires_at, version)
          SELECT ${state.bookingId}::uuid, ${state.userId}::uuid, ${state.driverId}::uuid, ${state.status},
                 ${JSON.stringify(state.pickup)}::jsonb, ${JSON.stringify(state.dropoff)}::jsonb, ${state.estimatedCost},
                 ${state.createdAt}::timestamptz, ${state.updatedAt}::timestamptz, ${state.expiresAt}::timestamptz, ${version}
          WHERE (SELECT ok FROM guard)
          ON CONFLICT (booking_id) DO UPDATE SET
            driver_id = EXCLUDED.driver_id, status = EXCLUDED.status,
            updated_at = EXCLUDED.updated_at, version = EXCLUDED.version
          RETURNING 1
        )
        SELECT (SELECT ok FROM guard) AS written,
               (SELECT count(*) FROM (SELECT pg_notify(${OUTBOX_CHANNEL}, '') WHERE ${notify} AND (SELECT count(*) FROM queued) > 0) AS notified) AS notified`;
      if (outcome?.written !== true) throw new AppendGuardFailed(bookingId);
    } catch (error) {
      const violated = uniqueViolationOf(error);
      if (violated === STREAM_VERSION_KEY) throw new StreamVersionConflict(bookingId);
      if (violated === DRIVER_ACTIVE_KEY) throw new DriverActiveConflict(bookingId);
      throw error;
    }
  }
}

/** A stream's rows, in stream order, decoded; throws `UnreadableStoredEvent` on a row of no known shape. */
function recordedEvents(bookingId: string, rows: readonly EventRow[]): RecordedEvent[] {
  const events = decodeStoredEvents(
    bookingId,
    rows.map((row) => ({ streamVersion: row.stream_version, eventType: row.event_type, payload: row.payload, occurredAt: row.occurred_at.toISOString() })),
  );
  return rows.map((row, index) => ({ eventId: row.event_id, version: row.stream_version, event: events[index]! }));
}

/** The NOTIFY channel the relay listens on. */
export const OUTBOX_CHANNEL = 'outbox_messages';

/**
 * Which of the append's unique indexes a failed statement violated (SQLSTATE 23505), if any.
 * Prisma's raw-query error carries PostgreSQL's message, which names the constraint; any other
 * violation is not a conflict to retry, and is rethrown.
 */
function uniqueViolationOf(error: unknown): typeof STREAM_VERSION_KEY | typeof DRIVER_ACTIVE_KEY | null {
  const text = error instanceof Error ? `${error.message} ${JSON.stringify(error)}` : String(error);
  if (!text.includes('23505') && !text.includes('unique constraint')) return null;
  if (text.includes(STREAM_VERSION_KEY)) return STREAM_VERSION_KEY;
  if (text.includes(DRIVER_ACTIVE_KEY)) return DRIVER_ACTIVE_KEY;
  return null;
}
