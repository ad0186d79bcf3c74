import Type, { type Static } from 'typebox';
import { OfferRevocationReason } from './booking-status.ts';
import { envelopeSchema } from './envelope.ts';
import { Id, Place, Timestamp } from './shared-shapes.ts';

/** Offers and revocations for one driver on `dispatch.offers`, keyed by driver id. */
export const BookingOffered = envelopeSchema(
  'BookingOffered',
  Type.Object({
    booking_id: Id,
    driver_id: Id,
    pickup: Place,
    dropoff: Place,
    estimated_cost: Type.Number({ minimum: 0 }),
    distance_m: Type.Number({ minimum: 0 }),
    offered_at: Timestamp,
  }),
);

export const OfferRevoked = envelopeSchema(
  'OfferRevoked',
  Type.Object({
    booking_id: Id,
    driver_id: Id,
    reason: OfferRevocationReason,
  }),
);

export const DispatchOffer = Type.Union([BookingOffered, OfferRevoked]);
export type DispatchOffer = Static<typeof DispatchOffer>;
