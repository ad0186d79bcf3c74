import type { TopicMessage } from '@rideline/contracts';
import { describe, expectTypeOf, it } from 'vitest';
import type { OutgoingRecord, TopicPublisher } from '../src/index.ts';

/**
 * Compile-time checks, enforced by `pnpm typecheck` (tsc reads this file): each
 * `@ts-expect-error` below fails the build if the line under it ever compiles.
 */
const driverStatus: TopicMessage<'driverLocations'> = {
  event_id: '8d6b1f3e-3c1a-4c61-9d2a-5f7f3a9c2b10',
  type: 'DriverStatusReported',
  version: 1,
  occurred_at: '2026-11-26T10:00:00.000Z',
  data: { driver_id: 'd-1', available: true, location: null, reported_at: '2026-11-26T10:00:00.000Z' },
};
const expired: TopicMessage<'bookingEvents'> = {
  event_id: '9e7c2a4f-4d2b-4d72-8e3b-6a8a4b0d3c21',
  type: 'BookingExpired',
  version: 2,
  occurred_at: '2026-11-26T10:02:00.000Z',
  data: { booking_id: 'b-1', user_id: 'u-1' },
};

// Never called: only what it compiles to matters.
export function publishes(publisher: TopicPublisher) {
  return [
    publisher.publish([
      { topic: 'driverLocations', key: 'd-1', message: driverStatus },
      { topic: 'bookingEvents', key: 'b-1', message: expired },
    ]),
    // @ts-expect-error a DriverStatusReported is no message of booking.events
    publisher.publish([{ topic: 'bookingEvents', key: 'b-1', message: driverStatus }]),
    publisher.publish([
      { topic: 'bookingEvents', key: 'b-1', message: expired },
      // @ts-expect-error nor a booking event one of driver.locations, even next to a right record
      { topic: 'driverLocations', key: 'd-1', message: expired },
    ]),
  ];
}

describe('publish', () => {
  it('accepts a message on the topic of its kind only', () => {
    type Sendable = Parameters<TopicPublisher['publish']>[0][number];
    expectTypeOf({ topic: 'driverLocations' as const, key: 'd-1', message: driverStatus }).toExtend<Sendable>();
    expectTypeOf({ topic: 'bookingEvents' as const, key: 'b-1', message: driverStatus }).not.toExtend<Sendable>();
    expectTypeOf({ topic: 'dispatchOffers' as const, key: 'd-1', message: expired }).not.toExtend<OutgoingRecord>();
    // A record for a chosen topic takes that topic's messages only.
    expectTypeOf({ topic: 'bookingEvents' as const, key: 'b-1', message: expired }).toExtend<OutgoingRecord<'bookingEvents'>>();
    expectTypeOf({ topic: 'bookingEvents' as const, key: 'b-1', message: driverStatus }).not.toExtend<OutgoingRecord<'bookingEvents'>>();
  });
});
