import { isValidMessage } from '@rideline/contracts';
import { describe, expect, it } from 'vitest';
import type { PendingMessage } from '../domain/index.ts';
import { nameBasedUuid, offerEventId } from './event-ids.ts';
import { offerRecord } from './offer-messages.ts';

const place = { lat: 12.97, lng: 77.59, address: 'MG Road' };
const booking = { bookingId: 'b1', pickup: place, dropoff: place, estimatedCost: 120.5, requestedAtMs: 0, expiresAtMs: 1 };
const offer: PendingMessage = { type: 'Offer', booking, driverId: 'd1', distanceM: 812.4, offeredAtMs: Date.UTC(2026, 10, 26, 10) };
const revoke: PendingMessage = { type: 'Revoke', bookingId: 'b1', driverId: 'd2', reason: 'accepted' };

describe('offer records', () => {
  it('are valid dispatch.offers messages keyed by driver id', () => {
    const offered = offerRecord(offer, 5);
    expect(offered.key).toBe('d1');
    expect(isValidMessage('dispatchOffers', offered.message)).toBe(true);
    expect(offered.message).toMatchObject({
      type: 'BookingOffered',
      version: 1,
      data: { booking_id: 'b1', driver_id: 'd1', distance_m: 812, offered_at: '2026-11-26T10:00:00.000Z', estimated_cost: 120.5 },
    });
    const revoked = offerRecord(revoke, 5);
    expect(revoked.key).toBe('d2');
    expect(isValidMessage('dispatchOffers', revoked.message)).toBe(true);
    expect(revoked.message).toMatchObject({ type: 'OfferRevoked', version: 2, data: { reason: 'accepted' } });
  });

  it('carry the same event_id whenever the same decision is published again', () => {
    expect(offerRecord(offer, 5).message.event_id).toBe(offerRecord(offer, 999).message.event_id);
    expect(offerRecord(revoke, 5).message.event_id).toBe(offerRecord(revoke, 999).message.event_id);
    const ids = new Set([
      offerEventId('b1', 'd1', 'BookingOffered'),
      offerEventId('b1', 'd1', 'OfferRevoked'),
      offerEventId('b1', 'd2', 'BookingOffered'),
      offerEventId('b2', 'd1', 'BookingOffered'),
    ]);
    expect(ids.size).toBe(4);
  });

  it('use version-5 UUIDs', () => {
    expect(nameBasedUuid('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(nameBasedUuid('x')).toBe(nameBasedUuid('x'));
  });
});
