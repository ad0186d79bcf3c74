import { randomUUID } from 'node:crypto';
import type { OfferRevocationReason, TopicMessage } from '@rideline/contracts';
import type { TopicPublisher } from '@rideline/kafka';
import { DROPOFF, PICKUP } from './http-client.ts';

/**
 * Plays dispatch-service's part: real `BookingOffered` / `OfferRevoked` envelopes on the test
 * run's `dispatch.offers` topic, keyed by driver id, as dispatch publishes them. Each promise
 * resolves once the broker acknowledged the records, i.e. once a driver could have seen them.
 */
export class OfferPublisher {
  constructor(private readonly publisher: TopicPublisher) {}

  offer(bookingId: string, ...driverIds: string[]): Promise<void> {
    return this.publisher.publish(driverIds.map((driverId) => ({ topic: 'dispatchOffers', key: driverId, message: bookingOffered(bookingId, driverId) })));
  }

  revoke(bookingId: string, driverId: string, reason: OfferRevocationReason): Promise<void> {
    const message: TopicMessage<'dispatchOffers'> = {
      event_id: randomUUID(),
      type: 'OfferRevoked',
      version: 2,
      occurred_at: new Date().toISOString(),
      data: { booking_id: bookingId, driver_id: driverId, reason },
    };
    return this.publisher.publish([{ topic: 'dispatchOffers', key: driverId, message }]);
  }
}

const bookingOffered = (bookingId: string, driverId: string): TopicMessage<'dispatchOffers'> => ({
  event_id: randomUUID(),
  type: 'BookingOffered',
  version: 1,
  occurred_at: new Date().toISOString(),
  data: {
    booking_id: bookingId,
    driver_id: driverId,
    pickup: PICKUP,
    dropoff: DROPOFF,
    estimated_cost: 100,
    distance_m: 500,
    offered_at: new Date().toISOString(),
  },
});
