import type { TopicMessage } from '@rideline/contracts';
import { evolve, type Booking } from '../../src/domain/booking.ts';
import type { PublicBookingEvent } from '../../src/domain/events.ts';

export type BookingEnvelope = TopicMessage<'bookingEvents'>;

/** A booking as `booking.events` tells it: everything but the private OTP facts. */
export type PublicBooking = Omit<Booking, 'otpHash' | 'otpFailedAttempts'> & { readonly version: number };

/**
 * Rebuilds the read model from `booking.events`, as a fresh consumer would: the same `evolve`
 * as the write side, applied per booking in stream order, skipping duplicates (the outbox
 * delivers at least once) by `event_id` and by version.
 */
export class ReadModelReplay {
  readonly #bookings = new Map<string, { state: Booking | null; version: number }>();
  readonly #seen = new Set<string>();

  apply(envelope: BookingEnvelope): void {
    if (this.#seen.has(envelope.event_id)) return;
    this.#seen.add(envelope.event_id);
    const bookingId = envelope.data.booking_id;
    const current = this.#bookings.get(bookingId) ?? { state: null, version: 0 };
    if (envelope.version <= current.version) return;
    const event = { type: envelope.type, data: envelope.data, occurredAt: envelope.occurred_at } as PublicBookingEvent;
    this.#bookings.set(bookingId, { state: evolve(current.state, event), version: envelope.version });
  }

  bookings(): Map<string, PublicBooking> {
    const result = new Map<string, PublicBooking>();
    for (const [id, { state, version }] of this.#bookings) {
      if (state === null) continue;
      const { otpHash: _hash, otpFailedAttempts: _attempts, ...visible } = state;
      result.set(id, { ...visible, version });
    }
    return result;
  }
}
