import { RecentEventIds, type BookingEvent, type DispatchOffer, type DriverLocationRecord } from '@rideline/contracts';
import { factsFromBookingEvent, factsFromDriverStatus } from './driver-facts.ts';
import { DriverRegistry } from './driver-registry.ts';
import { OfferLedger, type LedgerFact } from './offer-ledger.ts';

/** A validated record of one of the three topics dispatch reads, with the partition it came from. */
export type LogRecord =
  | { readonly topic: 'driverLocations'; readonly message: DriverLocationRecord; readonly partition: number }
  | { readonly topic: 'bookingEvents'; readonly message: BookingEvent; readonly partition: number }
  | { readonly topic: 'dispatchOffers'; readonly message: DispatchOffer; readonly partition: number };

export interface Folded {
  /** The event_id was seen before: nothing was folded. */
  readonly duplicate: boolean;
  /** The booking whose offers this record may change (something may now be owed for it). */
  readonly bookingId: string | null;
  /** Location reports that moved a driver (for the ingest metric). */
  readonly locationUpdates: number;
}

export interface DispatchStateOptions {
  readonly stalenessMs?: number;
  readonly rememberedIds?: number;
}

/**
 * Everything dispatch knows, folded from its three topics: the drivers (where, available, on a
 * trip) and every booking's offers. Folding is pure and idempotent, de-duplicated on event_id, and
 * the result does not depend on how the topics interleave: replaying them into a fresh state
 * gives the same state.
 */
export class DispatchState {
  readonly drivers: DriverRegistry;
  readonly offers = new OfferLedger();
  private readonly seen: RecentEventIds;

  constructor(options: DispatchStateOptions = {}) {
    this.drivers = new DriverRegistry(options.stalenessMs === undefined ? {} : { stalenessMs: options.stalenessMs });
    this.seen = new RecentEventIds(options.rememberedIds ?? 100_000);
  }

  fold(record: LogRecord): Folded {
    if (!this.seen.add(record.message.event_id)) return { duplicate: true, bookingId: null, locationUpdates: 0 };
    switch (record.topic) {
      case 'driverLocations':
        return { duplicate: false, bookingId: null, locationUpdates: this.applyDriverStatus(record.message) };
      case 'bookingEvents': {
        for (const fact of factsFromBookingEvent(record.message)) this.drivers.apply(fact);
        const fact = ledgerFactOfBookingEvent(record.message, record.partition);
        if (fact) this.offers.apply(fact);
        return { duplicate: false, bookingId: record.message.data.booking_id, locationUpdates: 0 };
      }
      case 'dispatchOffers':
        this.offers.apply(ledgerFactOfOffer(record.message));
        return { duplicate: false, bookingId: record.message.data.booking_id, locationUpdates: 0 };
      default:
        return assertNever(record);
    }
  }

  /** Folds a driver status this process just published, before it comes back from the topic. */
  applyDriverStatus(message: DriverLocationRecord): number {
    let moved = 0;
    for (const fact of factsFromDriverStatus(message)) {
      if (this.drivers.apply(fact) && fact.type === 'LocationReported') moved++;
    }
    return moved;
  }
}

function ledgerFactOfBookingEvent(event: BookingEvent, partition: number): LedgerFact | null {
  const bookingId = event.data.booking_id;
  switch (event.type) {
    case 'BookingRequested': {
      const { pickup, dropoff, estimated_cost, expires_at } = event.data;
      const booking = {
        bookingId,
        pickup,
        dropoff,
        estimatedCost: estimated_cost,
        requestedAtMs: Date.parse(event.occurred_at),
        expiresAtMs: Date.parse(expires_at),
      };
      return { type: 'BookingRequested', booking, partition };
    }
    case 'BookingAccepted':
      return { type: 'BookingClosed', bookingId, reason: 'accepted', acceptedBy: event.data.driver_id, partition };
    case 'BookingCancelled':
      return { type: 'BookingClosed', bookingId, reason: 'cancelled', acceptedBy: null, partition };
    case 'BookingExpired':
      return { type: 'BookingClosed', bookingId, reason: 'expired', acceptedBy: null, partition };
    case 'TripStarted':
    case 'TripCompleted':
      return null;
    default:
      return assertNever(event);
  }
}

function ledgerFactOfOffer(message: DispatchOffer): LedgerFact {
  switch (message.type) {
    case 'BookingOffered': {
      const { booking_id: bookingId, driver_id: driverId, distance_m: distanceM, offered_at } = message.data;
      return { type: 'OfferPublished', bookingId, driverId, distanceM, offeredAtMs: Date.parse(offered_at) };
    }
    case 'OfferRevoked':
      return { type: 'RevocationPublished', bookingId: message.data.booking_id, driverId: message.data.driver_id, reason: message.data.reason };
    default:
      return assertNever(message);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled record: ${JSON.stringify(value)}`);
}
