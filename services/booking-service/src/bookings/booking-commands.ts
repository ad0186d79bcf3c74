import { randomUUID } from 'node:crypto';
import type { NoticeSeal } from '@rideline/auth';
import { evolve, fold, type Booking, type BookingState } from '../domain/booking.ts';
import type { AcceptBooking, BookingCommand, RequestBooking } from '../domain/commands.ts';
import { decide, type Decision } from '../domain/decide.ts';
import { isPublic, type BookingDomainEvent } from '../domain/events.ts';
import type { OfferCheck } from '../offers/offer-gate.ts';
import type { ActiveBookings } from './active-bookings.ts';
import { contentionError, rejectionError } from './errors.ts';
import { AppendGuardFailed, DriverActiveConflict, StreamVersionConflict, type AppendGuard, type BookingEventStore, type RecordedEvent } from './event-store.ts';
import { outboxEntriesFor } from './messages.ts';

/** Whether dispatch offered a booking to a driver (src/offers/offer-gate.ts). */
interface Offers {
  begin(bookingId: string, driverId: string): OfferCheck;
}

export interface BookingCommandsDeps {
  readonly store: Pick<BookingEventStore, 'load' | 'loadForAccept' | 'append'>;
  /** Seals the OTP in its notice (OTP_NOTICE_KEY). */
  readonly sealer: NoticeSeal;
  /** The outbox relay of this process: woken after each commit, in-process. */
  readonly relay: { readonly isLeader: boolean; publishNow(): void };
  readonly active: Pick<ActiveBookings, 'countOfRider' | 'riderHasRoom'>;
  readonly offers: Offers;
  /** RIDER_MAX_ACTIVE_BOOKINGS. */
  readonly riderActiveBookingLimit: number;
  /** Told the events of each append once they are committed (the transitions metric). */
  readonly onCommitted?: (events: readonly BookingDomainEvent[]) => void;
}

/** A rider's booking request, before the service adds what it knows of the rider's bookings. */
export type BookingRequest = Omit<RequestBooking, 'riderActiveBookings' | 'riderActiveBookingLimit'>;
/** A driver's accept, before the service adds what it knows of offers and the driver's bookings. */
export type AcceptRequest = Omit<AcceptBooking, 'offered' | 'driverActiveBookingId'>;
/** Commands that need nothing but the booking's own stream. */
export type StreamCommand = Exclude<BookingCommand, RequestBooking | AcceptBooking>;

/** Concurrent writers of one booking retry this often before giving up with 409. */
const MAX_ATTEMPTS = 5;

/** What an attempt read: the booking's stream, the booking it folds to, and the command to decide on it. */
interface Attempt {
  readonly history: readonly RecordedEvent[];
  readonly state: BookingState;
  readonly command: BookingCommand;
}

const folded = (history: readonly RecordedEvent[]): BookingState => fold(history.map((recorded) => recorded.event));

/**
 * Runs commands against bookings: load the stream, fold, decide, append. When another writer
 * got there first (two drivers accepting one booking, or one driver two bookings), the loser
 * reloads and decides again, which is how it learns the booking is taken or the driver busy.
 */
export class BookingCommands {
  constructor(private readonly deps: BookingCommandsDeps) {}

  /** The booking after the command; throws the refusal as a ServiceError. */
  execute(bookingId: string, command: StreamCommand): Promise<Booking> {
    return this.#run(
      bookingId,
      async () => {
        const history = await this.deps.store.load(bookingId);
        return { history, state: folded(history), command };
      },
      null,
    );
  }

  /**
   * A driver takes a booking: only one dispatch offered it to (asked once, and only of a booking
   * that exists), and only while the driver holds no other accepted booking or trip (read again
   * at each attempt; the database's unique index settles two accepts at the same instant). The
   * stream, the stored offer and the driver's booking are read in one statement.
   */
  accept(bookingId: string, request: AcceptRequest, otpCode: string): Promise<Booking> {
    const { driverId } = request;
    let offered: Promise<boolean> | null = null;
    return this.#run(
      bookingId,
      async () => {
        // Begun before the statement that reads the stored offer, so an offer this instance's
        // reader stores in between is not missed. Asked once: a retry's statement reads the
        // stored offer again, but the first attempt's answer stands.
        const check = offered === null ? this.deps.offers.begin(bookingId, driverId) : null;
        try {
          const reading = await this.deps.store.loadForAccept(bookingId, driverId);
          const state = folded(reading.history);
          if (state === null) return { history: reading.history, state, command: { ...request, offered: false, driverActiveBookingId: null } };
          if (check) offered = check.answer(reading.offered);
          if (offered === null) throw new Error('an accept decided without asking whether the booking was offered');
          const command = { ...request, offered: await offered, driverActiveBookingId: reading.driverActiveBookingId };
          return { history: reading.history, state, command };
        } finally {
          // Ends the wait of a check never answered (the booking does not exist, or the read
          // failed); a no-op once answered.
          check?.cancel();
        }
      },
      otpCode,
    );
  }

  /**
   * A rider opens a booking, unless already holding RIDER_MAX_ACTIVE_BOOKINGS. The first attempt
   * does not count first: its append, one statement, writes only if the rider has room once it
   * holds the rider's lock, so a booking is usually one statement. When the rider has no room, the
   * count is read and the domain decides on it (the refusal names it; a booking that ended
   * meanwhile lets the next attempt through). Requests of one rider arriving together are so
   * decided one after the other.
   */
  async request(request: BookingRequest): Promise<Booking> {
    const limit = this.deps.riderActiveBookingLimit;
    let riderActiveBookings: number | null = null;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const decision = decide({ ...request, riderActiveBookings, riderActiveBookingLimit: limit }, null);
      if (decision.rejection) throw rejectionError(decision.rejection);
      let after: BookingState;
      try {
        after = await this.#append(request.bookingId, [], null, decision, null, this.deps.active.riderHasRoom(request.userId, request.now, limit));
      } catch (error) {
        if (!(error instanceof AppendGuardFailed)) throw error;
        riderActiveBookings = await this.deps.active.countOfRider(request.userId, request.now);
        continue;
      }
      if (after === null) throw new Error('an accepted request left no booking');
      this.deps.onCommitted?.(decision.events);
      this.deps.relay.publishNow();
      return after;
    }
    throw contentionError();
  }

  async #run(bookingId: string, read: () => Promise<Attempt>, otpCode: string | null): Promise<Booking> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { history, state, command } = await read();
      const decision = decide(command, state);
      let after: BookingState;
      try {
        after = await this.#append(bookingId, history, state, decision, otpCode, undefined);
      } catch (error) {
        if (error instanceof StreamVersionConflict || error instanceof DriverActiveConflict) continue;
        throw error;
      }
      if (decision.events.length > 0) {
        this.deps.onCommitted?.(decision.events);
        this.deps.relay.publishNow();
      }
      if (decision.rejection) throw rejectionError(decision.rejection);
      if (after === null) throw new Error('an accepted command left no booking');
      return after;
    }
    throw contentionError();
  }

  /** Appends the decision's events (if any) after `history`; the booking after them. */
  async #append(
    bookingId: string,
    history: readonly RecordedEvent[],
    state: BookingState,
    decision: Decision,
    otpCode: string | null,
    guard: AppendGuard | undefined,
  ): Promise<BookingState> {
    if (decision.events.length === 0) return state;
    const version = history.at(-1)?.version ?? 0;
    const records: RecordedEvent[] = decision.events.map((event, index) => ({
      eventId: randomUUID(),
      version: version + index + 1,
      event,
    }));
    const after = decision.events.reduce(evolve, state);
    if (after === null) throw new Error('a decision produced events but no booking');
    const otp = otpCode === null ? null : { code: otpCode, sealer: this.deps.sealer };
    const published = history.filter((recorded) => isPublic(recorded.event)).length;
    const entries = outboxEntriesFor(records, published, after, otp);
    await this.deps.store.append(bookingId, records, after, entries, !this.deps.relay.isLeader, guard);
    return after;
  }
}
