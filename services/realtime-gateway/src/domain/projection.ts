import {
  isActiveStatus,
  RecentEventIds,
  STATUS_AFTER_EVENT,
  type BookingEvent,
  type BookingNotification,
  type BookingStatus,
  type Canceller,
  type DispatchOffer,
} from '@rideline/contracts';
import type { Endpoint } from './endpoints.ts';
import { availableBookingMessage, bookingStatusMessage, bookingUnavailableMessage, otpMessage, type OutboundMessage } from './messages.ts';

/** One booking as the gateway needs it: who may see it, where it stands, and its OTP while accepted. */
export interface BookingView {
  readonly bookingId: string;
  readonly userId: string;
  driverId: string | null;
  status: BookingStatus;
  cancelledBy: Canceller | null;
  /** Position in the booking's stream of the last event applied (older ones are ignored). */
  version: number;
  /** Event time of the last change, ms since the epoch. */
  updatedAtMs: number;
  /** Held only while the booking is accepted and not started; dropped afterwards. */
  otp: string | null;
}

/** An offer still open for one driver. */
export interface OfferView {
  readonly bookingId: string;
  readonly pickupAddress: string;
  readonly dropoffAddress: string;
  readonly estimatedCost: number;
  readonly offeredAtMs: number;
}

interface HeldOtp {
  readonly userId: string;
  readonly otp: string;
  readonly version: number;
  readonly atMs: number;
}

/**
 * An `OtpIssued` notice with its OTP opened (`src/feed/otp-notices.ts`): the notice arrives
 * sealed, and opening it is the adapter's work, so the projection holds no key and no crypto.
 */
export type OtpNotice = Omit<BookingNotification, 'data'> & {
  readonly data: { readonly booking_id: string; readonly user_id: string; readonly otp: string };
};

/** A message owed to the sockets of one principal on one endpoint. */
export interface Delivery {
  readonly endpoint: Endpoint;
  readonly principalId: string;
  readonly message: OutboundMessage;
}

export interface Applied {
  readonly deliveries: readonly Delivery[];
  /** Why nothing was delivered, for logs and metrics: duplicate, stale, foreign... */
  readonly ignored?: string;
}

const ignored = (why: string): Applied => ({ deliveries: [], ignored: why });

export interface ProjectionOptions {
  /** How many recent event ids are remembered for de-duplication. */
  readonly recentEventIds?: number;
}

/**
 * What the gateway knows of the world, folded from `booking.events`, `booking.notifications`
 * and `dispatch.offers`: each booking's status and people, the OTP of accepted bookings, and
 * the offers open for each driver. Applying a record updates the state and returns the messages
 * it causes, addressed by endpoint and principal; the same state answers "what does this
 * principal need to see now" when a socket opens. Pure: no clock (times come from the events
 * or the caller), no I/O. Delivery is at least once upstream, so every apply is idempotent:
 * duplicates by `event_id`, and booking events no newer than the version held, change nothing.
 */
export class Projection {
  readonly #bookings = new Map<string, BookingView>();
  readonly #bookingsByUser = new Map<string, Set<string>>();
  readonly #bookingsByDriver = new Map<string, Set<string>>();
  readonly #offersByDriver = new Map<string, Map<string, OfferView>>();
  /** OTPs that arrived before the acceptance they belong to (they travel on another topic). */
  readonly #heldOtps = new Map<string, HeldOtp>();
  readonly #seen: RecentEventIds;

  constructor(options: ProjectionOptions = {}) {
    this.#seen = new RecentEventIds(options.recentEventIds ?? 50_000);
  }

  get stats(): { bookings: number; driversWithOffers: number; heldOtps: number } {
    return { bookings: this.#bookings.size, driversWithOffers: this.#offersByDriver.size, heldOtps: this.#heldOtps.size };
  }

  booking(bookingId: string): Readonly<BookingView> | undefined {
    return this.#bookings.get(bookingId);
  }

  applyBookingEvent(event: BookingEvent): Applied {
    if (!this.#seen.add(event.event_id)) return ignored('duplicate');
    const { booking_id: bookingId, user_id: userId } = event.data;
    let view = this.#bookings.get(bookingId);
    if (view && event.version <= view.version) return ignored('stale');
    if (view && view.userId !== userId) return ignored('foreign user');
    if (!view) {
      view = { bookingId, userId, driverId: null, status: 'pending', cancelledBy: null, version: 0, updatedAtMs: 0, otp: null };
      this.#bookings.set(bookingId, view);
      indexAdd(this.#bookingsByUser, userId, bookingId);
    }
    view.version = event.version;
    view.updatedAtMs = Date.parse(event.occurred_at);
    view.status = STATUS_AFTER_EVENT[event.type];
    switch (event.type) {
      case 'BookingRequested':
      case 'BookingExpired':
        break;
      case 'BookingAccepted':
      case 'TripStarted':
      case 'TripCompleted':
        this.#assign(view, event.data.driver_id);
        break;
      case 'BookingCancelled':
        if (event.data.driver_id !== null) this.#assign(view, event.data.driver_id);
        view.cancelledBy = event.data.cancelled_by;
        break;
      default:
        return event satisfies never;
    }
    if (view.status !== 'accepted') view.otp = null;

    const deliveries: Delivery[] = [
      { endpoint: 'bookings', principalId: view.userId, message: bookingStatusMessage('user', bookingId, view.status, view.cancelledBy) },
    ];
    if (view.driverId !== null) {
      deliveries.push({
        endpoint: 'driver_bookings',
        principalId: view.driverId,
        message: bookingStatusMessage('driver', bookingId, view.status, view.cancelledBy),
      });
    }
    const held = this.#heldOtps.get(bookingId);
    if (held) {
      if (view.status === 'accepted' && held.userId === view.userId) {
        view.otp = held.otp;
        deliveries.push({ endpoint: 'bookings', principalId: view.userId, message: otpMessage(bookingId, held.otp) });
      }
      if (view.status !== 'pending') this.#heldOtps.delete(bookingId);
    }
    return { deliveries };
  }

  applyNotification(notice: OtpNotice): Applied {
    if (!this.#seen.add(notice.event_id)) return ignored('duplicate');
    const { booking_id: bookingId, user_id: userId, otp } = notice.data;
    const view = this.#bookings.get(bookingId);
    if (view && view.userId !== userId) return ignored('foreign user');
    if (view && view.status === 'accepted' && view.version >= notice.version) {
      if (view.otp === otp) return ignored('duplicate');
      view.otp = otp;
      return { deliveries: [{ endpoint: 'bookings', principalId: userId, message: otpMessage(bookingId, otp) }] };
    }
    if (!view || view.status === 'pending' || view.version < notice.version) {
      // The acceptance is still on its way on booking.events: deliver the OTP right after it.
      this.#heldOtps.set(bookingId, { userId, otp, version: notice.version, atMs: Date.parse(notice.occurred_at) });
      return ignored('held until the acceptance');
    }
    return ignored('trip already started or ended');
  }

  applyOffer(record: DispatchOffer): Applied {
    if (!this.#seen.add(record.event_id)) return ignored('duplicate');
    const { booking_id: bookingId, driver_id: driverId } = record.data;
    switch (record.type) {
      case 'BookingOffered': {
        const booking = this.#bookings.get(bookingId);
        if (booking && booking.status !== 'pending') return ignored('booking no longer pending');
        let offers = this.#offersByDriver.get(driverId);
        if (offers?.has(bookingId)) return ignored('duplicate');
        if (!offers) this.#offersByDriver.set(driverId, (offers = new Map()));
        const offer: OfferView = {
          bookingId,
          pickupAddress: record.data.pickup.address,
          dropoffAddress: record.data.dropoff.address,
          estimatedCost: record.data.estimated_cost,
          offeredAtMs: Date.parse(record.data.offered_at),
        };
        offers.set(bookingId, offer);
        return { deliveries: [{ endpoint: 'driver_available_bookings', principalId: driverId, message: availableBookingMessage(offer) }] };
      }
      case 'OfferRevoked': {
        const offers = this.#offersByDriver.get(driverId);
        if (!offers?.delete(bookingId)) return ignored('no open offer');
        if (offers.size === 0) this.#offersByDriver.delete(driverId);
        return {
          deliveries: [{ endpoint: 'driver_available_bookings', principalId: driverId, message: bookingUnavailableMessage(bookingId, record.data.reason) }],
        };
      }
      default:
        return record satisfies never;
    }
  }

  /** The user's bookings that are active, or ended at or after `endedSinceMs`, oldest change first. */
  bookingsOfUser(userId: string, endedSinceMs: number): Readonly<BookingView>[] {
    return this.#select(this.#bookingsByUser.get(userId), endedSinceMs);
  }

  /** The bookings assigned to the driver that are active, or ended at or after `endedSinceMs`. */
  bookingsOfDriver(driverId: string, endedSinceMs: number): Readonly<BookingView>[] {
    return this.#select(this.#bookingsByDriver.get(driverId), endedSinceMs).filter((view) => view.driverId === driverId);
  }

  /** Offers made to the driver, not revoked, whose booking (when known) is still pending. */
  openOffersOf(driverId: string): OfferView[] {
    const offers = this.#offersByDriver.get(driverId);
    if (!offers) return [];
    return [...offers.values()]
      .filter((offer) => {
        const booking = this.#bookings.get(offer.bookingId);
        return !booking || booking.status === 'pending';
      })
      .sort((a, b) => a.offeredAtMs - b.offeredAtMs);
  }

  /**
   * Forgets what changed last before `beforeMs` (event time): ended bookings, bookings nobody
   * has moved for that long, OTPs and offers as old. Keeps memory bounded by the retention
   * window rather than by the length of the log.
   */
  evict(beforeMs: number): number {
    let evicted = 0;
    for (const [bookingId, view] of this.#bookings) {
      if (view.updatedAtMs >= beforeMs) continue;
      this.#bookings.delete(bookingId);
      indexDelete(this.#bookingsByUser, view.userId, bookingId);
      if (view.driverId !== null) indexDelete(this.#bookingsByDriver, view.driverId, bookingId);
      evicted++;
    }
    for (const [bookingId, held] of this.#heldOtps) if (held.atMs < beforeMs) this.#heldOtps.delete(bookingId);
    for (const [driverId, offers] of this.#offersByDriver) {
      for (const [bookingId, offer] of offers) if (offer.offeredAtMs < beforeMs) offers.delete(bookingId);
      if (offers.size === 0) this.#offersByDriver.delete(driverId);
    }
    return evicted;
  }

  #assign(view: BookingView, driverId: string): void {
    if (view.driverId === driverId) return;
    if (view.driverId !== null) indexDelete(this.#bookingsByDriver, view.driverId, view.bookingId);
    view.driverId = driverId;
    indexAdd(this.#bookingsByDriver, driverId, view.bookingId);
  }

  #select(ids: ReadonlySet<string> | undefined, endedSinceMs: number): BookingView[] {
    if (!ids) return [];
    const views: BookingView[] = [];
    for (const id of ids) {
      const view = this.#bookings.get(id);
      if (view && (isActiveStatus(view.status) || view.updatedAtMs >= endedSinceMs)) views.push(view);
    }
    return views.sort((a, b) => a.updatedAtMs - b.updatedAtMs);
  }
}

function indexAdd(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

function indexDelete(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}
