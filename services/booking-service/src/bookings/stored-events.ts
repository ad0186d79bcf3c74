import { BookingAccepted, BookingCancelled, BookingExpired, BookingRequested, Canceller, Id, TripCompleted, TripStarted } from '@rideline/contracts';
import Type, { type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { evolve, type BookingState } from '../domain/booking.ts';
import type { BookingDomainEvent } from '../domain/events.ts';

/** A row of `stored_events` as loaded: the event's type, its data (jsonb) and its time. */
export interface StoredRow {
  readonly eventType: string;
  readonly payload: unknown;
  readonly occurredAt: string;
}

/** A stored event that is neither of the current shape nor of a known older one. */
export class UnreadableStoredEvent extends Error {
  constructor(
    readonly streamId: string,
    readonly streamVersion: number,
    readonly eventType: string,
    reason: string,
  ) {
    super(`stored event ${streamId}@${streamVersion} (${eventType}) cannot be read: ${reason}`);
    this.name = 'UnreadableStoredEvent';
  }
}

const storedEvent = <Name extends string, Data extends TSchema>(type: Name, data: Data) =>
  Type.Object({ type: Type.Literal(type), data, occurredAt: Type.String() });

/**
 * Every event of the current shapes. The public ones carry their `booking.events` data (the
 * contract's schema); the private OTP facts are the store's own. The compiler checks that the
 * union is assignable to `BookingDomainEvent` (in `decodeStoredEvents`), and `satisfies` below
 * that no event type of the domain is missing.
 */
const CURRENT = {
  BookingRequested: storedEvent('BookingRequested', BookingRequested.properties.data),
  BookingAccepted: storedEvent('BookingAccepted', BookingAccepted.properties.data),
  OtpIssued: storedEvent('OtpIssued', Type.Object({ booking_id: Id, otp_hash: Type.String({ minLength: 1 }) })),
  OtpRejected: storedEvent('OtpRejected', Type.Object({ booking_id: Id, failed_attempts: Type.Integer({ minimum: 1 }) })),
  TripStarted: storedEvent('TripStarted', TripStarted.properties.data),
  TripCompleted: storedEvent('TripCompleted', TripCompleted.properties.data),
  BookingCancelled: storedEvent('BookingCancelled', BookingCancelled.properties.data),
  BookingExpired: storedEvent('BookingExpired', BookingExpired.properties.data),
} as const satisfies Record<BookingDomainEvent['type'], TSchema>;

const currentEvent = Compile(Type.Union(Object.values(CURRENT)));

/**
 * A shape an event type had before its current one, and how to bring it up to date: `upgrade`
 * may read the booking as the events before it left it (a field added later may be implied by
 * the stream). The result is checked against the current shape like any stored event.
 */
interface OlderShape {
  /** The event in today's shape, or null when `candidate` is not of this older shape. */
  readonly upgrade: (candidate: unknown, before: BookingState) => BookingDomainEvent | null;
}

function olderShape<S extends TSchema>(shape: S, upgrade: (old: Static<S>, before: BookingState) => BookingDomainEvent): OlderShape {
  const check = Compile(shape);
  return { upgrade: (candidate, before) => (check.Check(candidate) ? upgrade(candidate, before) : null) };
}

/**
 * The known older shapes, by event type, oldest first. To change an event's shape: add its
 * current shape here with the upgrade to the new one, then change the contract.
 */
const OLDER_SHAPES: Readonly<Partial<Record<string, readonly OlderShape[]>>> = {
  BookingCancelled: [
    // Without the driver it took away (implied by the stream: the booking's assigned driver)
    // and the rider's free-text reason (not recorded then).
    olderShape(storedEvent('BookingCancelled', Type.Object({ booking_id: Id, user_id: Id, cancelled_by: Canceller })), (old, before) => ({
      type: 'BookingCancelled',
      occurredAt: old.occurredAt,
      data: { ...old.data, driver_id: before?.driverId ?? null, reason: null },
    })),
  ],
};

/**
 * Reads a stream's rows (in stream order) into the events of today's shapes: each row is
 * validated, an older shape is upgraded, and anything else throws `UnreadableStoredEvent`
 * rather than reach the fold.
 */
export function decodeStoredEvents(streamId: string, rows: readonly (StoredRow & { readonly streamVersion: number })[]): BookingDomainEvent[] {
  const events: BookingDomainEvent[] = [];
  let state: BookingState = null;
  for (const row of rows) {
    const event = decodeOne(row, state);
    if (typeof event === 'string') throw new UnreadableStoredEvent(streamId, row.streamVersion, row.eventType, event);
    events.push(event);
    state = evolve(state, event);
  }
  return events;
}

/** The event, or why it cannot be read. */
function decodeOne(row: StoredRow, before: BookingState): BookingDomainEvent | string {
  const candidate = { type: row.eventType, data: row.payload, occurredAt: row.occurredAt };
  if (currentEvent.Check(candidate)) return candidate;
  for (const older of OLDER_SHAPES[row.eventType] ?? []) {
    const upgraded = older.upgrade(candidate, before);
    if (upgraded === null) continue;
    return currentEvent.Check(upgraded) ? upgraded : 'its upgrade does not match the current shape';
  }
  if (!isEventType(row.eventType)) return 'unknown event type';
  // Only on this (rare) path: which field is wrong, from the current shape of its own type.
  const first = Compile(CURRENT[row.eventType]).Errors(candidate)[0];
  return `matches no known shape (${first ? `${first.instancePath || '/'}: ${first.message}` : 'unknown error'})`;
}

const isEventType = (type: string): type is keyof typeof CURRENT => Object.hasOwn(CURRENT, type);
