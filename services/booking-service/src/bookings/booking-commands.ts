import { randomUUID } from 'node:crypto';
import type { NoticeSeal } from '@rideline/auth';
import type { TopicNames } from '@rideline/contracts';
import { evolve, fold, type Booking } from '../domain/booking.ts';
import type { BookingCommand } from '../domain/commands.ts';
import { decide } from '../domain/decide.ts';
import { isPublic } from '../domain/events.ts';
import { contentionError, rejectionError } from './errors.ts';
import { StreamVersionConflict, type BookingEventStore, type RecordedEvent } from './event-store.ts';
import { outboxEntriesFor } from './messages.ts';

export interface BookingCommandsDeps {
  readonly store: BookingEventStore;
  readonly topics: TopicNames;
  /** Seals the OTP in its notice (OTP_NOTICE_KEY). */
  readonly sealer: NoticeSeal;
  /** The outbox relay of this process: woken after each commit, in-process. */
  readonly relay: { readonly isLeader: boolean; kick(): void };
}

/** Concurrent writers of one booking retry this often before giving up with 409. */
const MAX_ATTEMPTS = 5;

/**
 * Runs a command against a booking: load its stream, fold, decide, append. When another
 * writer got there first (two drivers accepting at once), the loser reloads and decides again,
 * which is how it learns the booking is taken.
 */
export class BookingCommands {
  constructor(private readonly deps: BookingCommandsDeps) {}

  /** The booking after the command; throws the refusal as a ServiceError. */
  async execute(bookingId: string, command: BookingCommand, otpCode: string | null = null): Promise<Booking> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const history = command.type === 'RequestBooking' ? [] : await this.deps.store.load(bookingId);
      const state = fold(history.map((recorded) => recorded.event));
      const decision = decide(command, state);
      let after = state;
      if (decision.events.length > 0) {
        const version = history.at(-1)?.version ?? 0;
        const records: RecordedEvent[] = decision.events.map((event, index) => ({
          eventId: randomUUID(),
          version: version + index + 1,
          event,
        }));
        after = decision.events.reduce(evolve, state);
        if (after === null) throw new Error('a decision produced events but no booking');
        const otp = otpCode === null ? null : { code: otpCode, sealer: this.deps.sealer };
        try {
          const published = history.filter((recorded) => isPublic(recorded.event)).length;
          const entries = outboxEntriesFor(records, published, after, this.deps.topics, otp);
          await this.deps.store.append(bookingId, records, after, entries, !this.deps.relay.isLeader);
        } catch (error) {
          if (error instanceof StreamVersionConflict) continue;
          throw error;
        }
        this.deps.relay.kick();
      }
      if (decision.rejection) throw rejectionError(decision.rejection);
      if (after === null) throw new Error('an accepted command left no booking');
      return after;
    }
    throw contentionError();
  }
}
