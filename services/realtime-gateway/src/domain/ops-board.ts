import type {
  BookingEvent,
  DispatchOffer,
  DriverLocationRecord,
  OpsBooking,
  OpsDriver,
  OpsDriverState,
  OpsOffer,
  OpsOfferClosed,
  OpsSnapshotMessage,
  OpsUpdateMessage,
} from '@rideline/contracts';
import { holdsDriver, isEndedStatus, RecentEventIds, STATUS_AFTER_EVENT } from '@rideline/contracts';
import { OpsStatsWindow } from './ops-stats.ts';

interface DriverRecord {
  readonly id: string;
  lat: number | null;
  lng: number | null;
  /** The driver's own say (null: never said). */
  available: boolean | null;
  reportedAtMs: number;
  /** The state last sent, to notice a change that comes from time alone (going stale). */
  state: OpsDriverState;
}

type BookingRecord = { -readonly [K in keyof OpsBooking]: OpsBooking[K] } & { version: number };

export interface OpsBoardOptions {
  /** A driver unheard of for this long is shown offline. */
  readonly driverStaleMs: number;
  /** A driver unheard of for this long is forgotten (`drivers_gone`). */
  readonly driverForgetMs: number;
}

/** How often the whole fleet is swept for drivers gone stale or silent. */
const SWEEP_INTERVAL_MS = 1_000;
/**
 * An offer this old is dropped even without its revocation: dispatch does not always revoke the
 * winner's offer, and at start the topics replay in no common order, so an offer can be read
 * after its booking ended and was forgotten. No booking stays pending this long by default.
 */
const OFFER_MAX_AGE_MS = 10 * 60_000;
/** Ended bookings remembered, so an offer of one read late is not taken for an open one. */
const ENDED_IDS_KEPT = 100_000;

/**
 * The city as operators see it, folded from `driver.locations`, `booking.events` and
 * `dispatch.offers`: every driver with its position and state, every active booking, every open
 * offer. It also remembers what changed since the last `drain`, once per driver or booking
 * however often it changed, which is what bounds the update frames. Pure: no clock of its own
 * (times come as arguments), no sockets.
 */
export class OpsBoard {
  readonly #options: OpsBoardOptions;
  readonly #drivers = new Map<string, DriverRecord>();
  readonly #bookings = new Map<string, BookingRecord>();
  /** booking id → driver id → offered at (ms). */
  readonly #offers = new Map<string, Map<string, number>>();
  /** driver id → how many offers it holds open. */
  readonly #openOffersOf = new Map<string, number>();
  /** driver id → its accepted or on-trip booking. */
  readonly #rideOf = new Map<string, string>();
  readonly #stats = new OpsStatsWindow();
  readonly #ended = new RecentEventIds(ENDED_IDS_KEPT);

  readonly #dirtyDrivers = new Set<string>();
  readonly #goneDrivers = new Set<string>();
  readonly #dirtyBookings = new Set<string>();
  #openedOffers: OpsOffer[] = [];
  #closedOffers: OpsOfferClosed[] = [];
  #sweptAtMs = 0;

  constructor(options: OpsBoardOptions) {
    this.#options = options;
  }

  get driverCount(): number {
    return this.#drivers.size;
  }

  applyLocation(record: DriverLocationRecord): void {
    const { driver_id: id, available, location, reported_at: reportedAt } = record.data;
    const atMs = Date.parse(reportedAt);
    let driver = this.#drivers.get(id);
    if (!driver) {
      driver = { id, lat: null, lng: null, available: null, reportedAtMs: atMs, state: 'offline' };
      this.#drivers.set(id, driver);
      this.#goneDrivers.delete(id);
    } else if (atMs < driver.reportedAtMs) {
      return;
    }
    if (location !== null) {
      driver.lat = location.lat;
      driver.lng = location.lng;
    }
    if (available !== null) driver.available = available;
    driver.reportedAtMs = atMs;
    this.#dirtyDrivers.add(id);
  }

  applyBookingEvent(event: BookingEvent): void {
    const atMs = Date.parse(event.occurred_at);
    const id = event.data.booking_id;
    if (event.type === 'BookingRequested') {
      if (this.#bookings.has(id)) return;
      const { user_id, pickup, dropoff, estimated_cost } = event.data;
      // The topics are read independently: an offer of this booking may have been read first.
      const early = this.#offers.get(id);
      const firstOfferAt = early ? Math.min(...early.values()) : null;
      if (firstOfferAt !== null) this.#stats.firstOffer(atMs, firstOfferAt);
      this.#bookings.set(id, {
        id,
        status: STATUS_AFTER_EVENT[event.type],
        user_id,
        driver_id: null,
        pickup,
        dropoff,
        estimated_cost,
        cancelled_by: null,
        requested_at: atMs,
        first_offer_at: firstOfferAt,
        accepted_at: null,
        updated_at: atMs,
        version: event.version,
      });
      this.#dirtyBookings.add(id);
      return;
    }
    const booking = this.#bookings.get(id);
    // Unknown: requested before the log's retention, or already ended and forgotten.
    if (!booking || event.version <= booking.version) return;
    booking.version = event.version;
    booking.updated_at = atMs;
    booking.status = STATUS_AFTER_EVENT[event.type];
    if (event.type === 'BookingAccepted') {
      booking.driver_id = event.data.driver_id;
      booking.accepted_at = atMs;
      this.#stats.accepted(booking.requested_at, atMs);
    } else if (event.type === 'BookingCancelled') {
      booking.cancelled_by = event.data.cancelled_by;
    }
    this.#dirtyBookings.add(id);
    this.#placeRide(booking);
    // Dispatch revokes the offers of the drivers who lost, not always the winner's: a booking
    // that is no longer pending has no open offer, whatever dispatch.offers says later.
    this.#closeOffersOf(id, booking.status === 'cancelled' ? 'cancelled' : booking.status === 'expired' ? 'expired' : 'accepted');
  }

  #closeOffersOf(bookingId: string, reason: OpsOfferClosed['reason']): void {
    const offers = this.#offers.get(bookingId);
    if (!offers) return;
    for (const driverId of [...offers.keys()]) this.#closeOffer(bookingId, driverId, reason);
  }

  /** Closes one open offer; false when there was none. */
  #closeOffer(bookingId: string, driverId: string, reason: OpsOfferClosed['reason']): boolean {
    const offers = this.#offers.get(bookingId);
    if (!offers?.delete(driverId)) return false;
    if (offers.size === 0) this.#offers.delete(bookingId);
    const open = (this.#openOffersOf.get(driverId) ?? 1) - 1;
    if (open > 0) this.#openOffersOf.set(driverId, open);
    else this.#openOffersOf.delete(driverId);
    this.#closedOffers.push({ booking_id: bookingId, driver_id: driverId, reason });
    if (this.#drivers.has(driverId)) this.#dirtyDrivers.add(driverId);
    return true;
  }

  applyOffer(record: DispatchOffer): void {
    const { booking_id: bookingId, driver_id: driverId } = record.data;
    let offers = this.#offers.get(bookingId);
    switch (record.type) {
      case 'BookingOffered': {
        const booking = this.#bookings.get(bookingId);
        // An offer read after its booking left `pending` (partitions are read in no common order).
        if (offers?.has(driverId) || (booking !== undefined && booking.status !== 'pending') || this.#ended.has(bookingId)) return;
        const atMs = Date.parse(record.data.offered_at);
        if (!offers) this.#offers.set(bookingId, (offers = new Map()));
        offers.set(driverId, atMs);
        this.#openOffersOf.set(driverId, (this.#openOffersOf.get(driverId) ?? 0) + 1);
        this.#openedOffers.push({ booking_id: bookingId, driver_id: driverId, offered_at: atMs });
        this.#stats.offered(atMs);
        if (booking && booking.first_offer_at === null) {
          booking.first_offer_at = atMs;
          this.#stats.firstOffer(booking.requested_at, atMs);
          this.#dirtyBookings.add(bookingId);
        }
        break;
      }
      case 'OfferRevoked':
        this.#closeOffer(bookingId, driverId, record.data.reason);
        return;
      default:
        record satisfies never;
    }
    if (this.#drivers.has(driverId)) this.#dirtyDrivers.add(driverId);
  }

  /** Everything, for a socket that just opened. */
  snapshot(nowMs: number): OpsSnapshotMessage {
    const drivers: OpsDriver[] = [];
    // Not remembered as sent: the other sockets have not seen it, and a driver gone stale since
    // the last frame must still reach them in the next.
    for (const driver of this.#drivers.values()) drivers.push(this.#view(driver, nowMs, false));
    const bookings: OpsBooking[] = [];
    for (const booking of this.#bookings.values()) if (!isEndedStatus(booking.status)) bookings.push(publicBooking(booking));
    const offers: OpsOffer[] = [];
    for (const [bookingId, byDriver] of this.#offers) {
      for (const [driverId, offeredAt] of byDriver) offers.push({ booking_id: bookingId, driver_id: driverId, offered_at: offeredAt });
    }
    return { type: 'ops_snapshot', at: nowMs, drivers, bookings, offers, stats: this.#stats.figures(nowMs) };
  }

  /**
   * What changed since the last call, each driver and booking once with its latest state, or
   * null when nothing did. Ended bookings are in it one last time, then forgotten.
   */
  drain(nowMs: number): OpsUpdateMessage | null {
    if (nowMs - this.#sweptAtMs >= SWEEP_INTERVAL_MS) this.#sweep(nowMs);
    const drivers: OpsDriver[] = [];
    for (const id of this.#dirtyDrivers) {
      const driver = this.#drivers.get(id);
      if (driver) drivers.push(this.#view(driver, nowMs, true));
    }
    const bookings: OpsBooking[] = [];
    for (const id of this.#dirtyBookings) {
      const booking = this.#bookings.get(id);
      if (!booking) continue;
      bookings.push(publicBooking(booking));
      if (isEndedStatus(booking.status)) {
        this.#bookings.delete(id);
        this.#ended.add(id);
      }
    }
    const changed = drivers.length + bookings.length + this.#goneDrivers.size + this.#openedOffers.length + this.#closedOffers.length > 0;
    const update: OpsUpdateMessage | null = changed
      ? {
          type: 'ops_update',
          at: nowMs,
          drivers,
          drivers_gone: [...this.#goneDrivers],
          bookings,
          offers: this.#openedOffers,
          offers_closed: this.#closedOffers,
          stats: this.#stats.figures(nowMs),
        }
      : null;
    this.#dirtyDrivers.clear();
    this.#dirtyBookings.clear();
    this.#goneDrivers.clear();
    this.#openedOffers = [];
    this.#closedOffers = [];
    return update;
  }

  /** Offers left open too long, drivers whose state changed with time alone (stale), and those silent long enough to forget. */
  #sweep(nowMs: number): void {
    this.#sweptAtMs = nowMs;
    for (const [bookingId, byDriver] of this.#offers) {
      for (const [driverId, offeredAtMs] of byDriver) {
        if (nowMs - offeredAtMs > OFFER_MAX_AGE_MS) this.#closeOffer(bookingId, driverId, 'expired');
      }
    }
    for (const driver of this.#drivers.values()) {
      if (nowMs - driver.reportedAtMs > this.#options.driverForgetMs && !this.#rideOf.has(driver.id)) {
        this.#drivers.delete(driver.id);
        this.#dirtyDrivers.delete(driver.id);
        this.#goneDrivers.add(driver.id);
      } else if (this.#stateOf(driver, nowMs) !== driver.state) {
        this.#dirtyDrivers.add(driver.id);
      }
    }
  }

  #placeRide(booking: BookingRecord): void {
    const driverId = booking.driver_id;
    if (driverId === null) return;
    if (holdsDriver(booking.status)) this.#rideOf.set(driverId, booking.id);
    else if (this.#rideOf.get(driverId) === booking.id) this.#rideOf.delete(driverId);
    if (this.#drivers.has(driverId)) this.#dirtyDrivers.add(driverId);
  }

  #stateOf(driver: DriverRecord, nowMs: number): OpsDriverState {
    const ride = this.#rideOf.get(driver.id);
    if (ride !== undefined) return this.#bookings.get(ride)?.status === 'on_trip' ? 'on_trip' : 'assigned';
    if (this.#openOffersOf.has(driver.id)) return 'offered';
    if (driver.available !== true || nowMs - driver.reportedAtMs > this.#options.driverStaleMs) return 'offline';
    return 'available';
  }

  #view(driver: DriverRecord, nowMs: number, sent: boolean): OpsDriver {
    const state = this.#stateOf(driver, nowMs);
    if (sent) driver.state = state;
    return { id: driver.id, lat: driver.lat, lng: driver.lng, state, at: driver.reportedAtMs };
  }
}

const publicBooking = ({ version: _version, ...booking }: BookingRecord): OpsBooking => booking;
