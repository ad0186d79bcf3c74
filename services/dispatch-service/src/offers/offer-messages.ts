import type { TopicMessage } from '@rideline/contracts';
import type { OutgoingRecord } from '@rideline/kafka';
import type { PendingMessage } from '../domain/index.ts';
import { offerEventId } from './event-ids.ts';

/**
 * The dispatch.offers record of a decision, keyed by driver id. Its event_id is derived from
 * (booking, driver, kind), so publishing the same decision twice gives the same id. `version`
 * is the place of the record in the (booking, driver) pair's stream: offered 1, revoked 2.
 */
export function offerRecord(message: PendingMessage, nowMs: number): OutgoingRecord<'dispatchOffers'> {
  return { topic: 'dispatchOffers', key: message.driverId, message: offerMessage(message, nowMs) };
}

function offerMessage(message: PendingMessage, nowMs: number): TopicMessage<'dispatchOffers'> {
  if (message.type === 'Offer') {
    const { booking, driverId } = message;
    const offeredAt = new Date(message.offeredAtMs).toISOString();
    return {
      event_id: offerEventId(booking.bookingId, driverId, 'BookingOffered'),
      type: 'BookingOffered',
      version: 1,
      occurred_at: offeredAt,
      data: {
        booking_id: booking.bookingId,
        driver_id: driverId,
        pickup: booking.pickup,
        dropoff: booking.dropoff,
        estimated_cost: booking.estimatedCost,
        distance_m: Math.round(message.distanceM),
        offered_at: offeredAt,
      },
    };
  }
  return {
    event_id: offerEventId(message.bookingId, message.driverId, 'OfferRevoked'),
    type: 'OfferRevoked',
    version: 2,
    occurred_at: new Date(nowMs).toISOString(),
    data: { booking_id: message.bookingId, driver_id: message.driverId, reason: message.reason },
  };
}
