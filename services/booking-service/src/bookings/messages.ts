import type { TopicMessage, TopicNames } from '@rideline/contracts';
import type { Booking } from '../domain/booking.ts';
import { isPublic } from '../domain/events.ts';
import type { OutboxSealer } from '../outbox/sealing.ts';
import type { OutboxEntry, RecordedEvent } from './event-store.ts';

/**
 * What an append publishes: every public event on `booking.events` (keyed by booking id, the
 * envelope of API.md), and, when a driver accepts, the OTP on `booking.notifications` for the
 * booking's user only, sealed while it waits in the outbox.
 */
export function outboxEntriesFor(
  records: readonly RecordedEvent[],
  booking: Booking,
  topics: TopicNames,
  otp: { readonly code: string; readonly sealer: OutboxSealer } | null,
): OutboxEntry[] {
  const entries: OutboxEntry[] = [];
  for (const record of records) {
    const { event } = record;
    if (isPublic(event)) {
      entries.push({
        topic: topics.bookingEvents,
        key: booking.bookingId,
        payload: {
          event_id: record.eventId,
          type: event.type,
          version: record.version,
          occurred_at: event.occurredAt,
          data: event.data,
        } as TopicMessage<'bookingEvents'>,
      });
    } else if (event.type === 'OtpIssued' && otp !== null) {
      const acceptance = records.find((r) => r.event.type === 'BookingAccepted');
      const notice: TopicMessage<'bookingNotifications'> = {
        event_id: record.eventId,
        type: 'OtpIssued',
        version: acceptance?.version ?? record.version,
        occurred_at: event.occurredAt,
        data: { booking_id: booking.bookingId, user_id: booking.userId, otp: otp.code },
      };
      entries.push({
        topic: topics.bookingNotifications,
        key: booking.userId,
        payload: null,
        sealedPayload: otp.sealer.seal(JSON.stringify(notice)),
      });
    }
  }
  return entries;
}
