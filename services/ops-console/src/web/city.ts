import { isEndedStatus } from '@rideline/contracts/booking-status';
import type { OpsBooking, OpsDriver, OpsMessage, OpsOffer, OpsStats } from '@rideline/contracts/ops-messages';

/** How long an ended booking stays on the page (faded) after its last status. */
const ENDED_KEPT_MS = 30_000;

export const isEnded = (booking: OpsBooking): boolean => isEndedStatus(booking.status);

/**
 * What the page knows of the city, folded from the operator stream: the gateway's snapshot,
 * then its updates. Drivers in a Map keyed by id, so an update of 10,000 positions is 10,000
 * map writes and nothing else; drawing happens separately, once per animation frame.
 */
export class City {
  readonly drivers = new Map<string, OpsDriver>();
  readonly bookings = new Map<string, OpsBooking>();
  /** `${booking}|${driver}` → the offer. */
  readonly offers = new Map<string, OpsOffer>();
  stats: OpsStats = { offers_last_minute: 0, median_time_to_offer_s: null, median_time_to_accept_s: null };
  /** Changes since the view last drew: `bookings` lets the table skip work when only drivers moved. */
  changed = { drivers: false, bookings: false };
  /** booking id → when it ended (page clock), to drop it a minute later. */
  readonly #endedAt = new Map<string, number>();

  apply(message: OpsMessage, nowMs: number = Date.now()): void {
    if (message.type === 'ops_snapshot') {
      this.drivers.clear();
      this.bookings.clear();
      this.offers.clear();
      this.#endedAt.clear();
    } else {
      for (const id of message.drivers_gone) this.drivers.delete(id);
      for (const closed of message.offers_closed) this.offers.delete(`${closed.booking_id}|${closed.driver_id}`);
    }
    for (const driver of message.drivers) this.drivers.set(driver.id, driver);
    for (const booking of message.bookings) {
      this.bookings.set(booking.id, booking);
      if (isEnded(booking)) this.#endedAt.set(booking.id, nowMs);
    }
    for (const offer of message.offers) this.offers.set(`${offer.booking_id}|${offer.driver_id}`, offer);
    this.stats = message.stats;
    this.changed.drivers ||= message.type === 'ops_snapshot' || message.drivers.length > 0 || message.offers.length > 0;
    this.changed.bookings ||= message.type === 'ops_snapshot' || message.bookings.length > 0;
    this.#dropEnded(nowMs);
  }

  #dropEnded(nowMs: number): void {
    for (const [id, endedAt] of this.#endedAt) {
      if (nowMs - endedAt < ENDED_KEPT_MS) continue;
      this.#endedAt.delete(id);
      this.bookings.delete(id);
      this.changed.bookings = true;
    }
  }
}
