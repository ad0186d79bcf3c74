import type { BookingStatusValue, LocationFrame } from '@rideline/contracts';
import type WebSocket from 'ws';
import type { RidelineClient } from '@rideline/client';
import { describe, openSocket, register, type Account, type SocketMessage } from './api.ts';
import { between, drift, randomPoint, sleep, type Point } from './city.ts';
import type { DemoOptions } from './options.ts';
import { Stats } from './stats.ts';

const FINAL = new Set(['completed', 'cancelled', 'expired']);

/** Shared between the actors: when each booking was created and accepted, and the OTPs riders got. */
class Ledger {
  readonly createdAt = new Map<string, number>();
  readonly acceptedAt = new Map<string, number>();
  readonly offered = new Set<string>();
  readonly otps = new Map<string, string>();
}

export class Simulation {
  readonly stats = new Stats();
  readonly #ledger = new Ledger();
  readonly #sockets: WebSocket[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  #booking = true;
  readonly #activeRides = new Set<string>();
  /** Bookings not yet accepted, with their rider's client. */
  readonly #pendingOwners = new Map<string, RidelineClient>();

  constructor(private readonly options: DemoOptions) {}

  get activeRides(): number {
    return this.#activeRides.size;
  }

  async setUp(log: (message: string) => void): Promise<void> {
    const { bookingUrl, dispatchUrl } = this.options;
    log(`registering ${this.options.drivers} drivers and ${this.options.riders} riders at ${bookingUrl}`);
    const drivers = await Promise.all(Array.from({ length: this.options.drivers }, () => register({ bookingUrl, dispatchUrl }, 'driver')));
    const riders = await Promise.all(Array.from({ length: this.options.riders }, () => register({ bookingUrl, dispatchUrl }, 'user')));
    log(`connecting their sockets to ${this.options.gatewayUrl} and reporting driver positions to ${this.options.dispatchUrl}`);
    await Promise.all(drivers.map((driver) => this.#startDriver(driver)));
    await Promise.all(riders.map((rider) => this.#startRider(rider)));
  }

  /** Riders stop booking; rides under way go on. */
  stopBooking(): void {
    this.#booking = false;
  }

  /** Riders cancel what is still pending, so that a later run is not offered stale bookings. */
  async cancelPending(): Promise<void> {
    await Promise.all(
      // Best effort: a booking accepted meanwhile, or a service already gone, is left as it is.
      [...this.#pendingOwners].map(([bookingId, client]) => client.bookings.cancel(bookingId, 'demo ended')),
    );
  }

  close(): void {
    for (const timer of this.#timers) clearInterval(timer);
    for (const socket of this.#sockets) socket.close(1000);
  }

  async #startDriver(driver: Account): Promise<void> {
    const { gatewayUrl } = this.options;
    let position: Point = randomPoint(this.options.center, this.options.radiusKm);
    let busy = false;
    /** Offers received and not withdrawn: a driver who becomes free takes the oldest. */
    const open: string[] = [];
    const takeNext = () => {
      const bookingId = open.shift();
      if (bookingId === undefined || busy) return;
      busy = true;
      void this.#drive(driver, bookingId).finally(() => {
        busy = false;
        takeNext();
      });
    };
    for (const result of [await driver.client.drivers.setAvailability(true), await driver.client.drivers.setLocation(position)]) {
      if (!result.ok) throw new Error(`driver ${driver.id}: ${describe(result.error)}`);
    }
    const offers = await openSocket(gatewayUrl, '/ws/driver/available_bookings/', driver.token, (message) => {
      if (message.type === 'booking_unavailable') {
        const index = open.indexOf(message.booking_id);
        if (index >= 0) open.splice(index, 1);
        return;
      }
      if (message.type !== 'available_booking') return;
      const bookingId = message.booking_id;
      // Bookings left pending by an earlier demo run may still be offered; their riders are gone.
      if (!this.#ledger.createdAt.has(bookingId)) return;
      if (!this.#ledger.offered.has(bookingId)) {
        this.#ledger.offered.add(bookingId);
        this.stats.counts.offered++;
        const created = this.#ledger.createdAt.get(bookingId);
        if (created !== undefined) this.stats.offerLatencyMs.push(Date.now() - created);
      }
      if (!open.includes(bookingId)) open.push(bookingId);
      takeNext();
    }, this.#onInvalid);
    const assigned = await openSocket(gatewayUrl, '/ws/driver/bookings/', driver.token, () => {}, this.#onInvalid);
    this.#sockets.push(offers, assigned);
    // Location pings over the socket, as the app sends them while driving around.
    this.#timers.push(
      setInterval(() => {
        position = drift(position);
        const frame: LocationFrame = { type: 'location', lat: position.lat, lng: position.lng };
        if (offers.readyState === offers.OPEN) offers.send(JSON.stringify(frame));
      }, 5_000),
    );
  }

  async #drive(driver: Account, bookingId: string): Promise<void> {
    const { bookings } = driver.client;
    await sleep(between(200, 1_200)); // the driver reads the offer
    const accepted = await bookings.accept(bookingId);
    if (!accepted.ok) {
      if (accepted.error.status !== 409) this.stats.error(`accept: ${describe(accepted.error)}`); // 409: someone else was quicker
      return;
    }
    this.#ledger.acceptedAt.set(bookingId, Date.now());
    const otp = await this.#waitForOtp(bookingId);
    if (otp === undefined) {
      this.stats.error(`no OTP reached the rider of ${bookingId}`);
      return;
    }
    await sleep(between(500, 1_500)); // the rider reads the code out
    const started = await bookings.start(bookingId, otp);
    if (!started.ok) return this.stats.error(`start: ${describe(started.error)}`);
    await sleep(between(2_000, 5_000)); // the trip
    const completed = await bookings.complete(bookingId);
    if (!completed.ok) this.stats.error(`complete: ${describe(completed.error)}`);
  }

  async #waitForOtp(bookingId: string): Promise<string | undefined> {
    for (let waited = 0; waited < 10_000; waited += 50) {
      const otp = this.#ledger.otps.get(bookingId);
      if (otp) return otp;
      await sleep(50);
    }
    return undefined;
  }

  async #startRider(rider: Account): Promise<void> {
    let active: string | null = null;
    const socket = await openSocket(this.options.gatewayUrl, '/ws/bookings/', rider.token, (message) => {
      if (message.type === 'otp') {
        this.#ledger.otps.set(message.booking_id, message.otp);
        const accepted = this.#ledger.acceptedAt.get(message.booking_id);
        if (accepted !== undefined) this.stats.otpLatencyMs.push(Date.now() - accepted);
      } else if (message.type === 'booking_status') this.#onStatus(message.booking_id, message.status, () => (active = null));
    }, this.#onInvalid);
    this.#sockets.push(socket);
    void (async () => {
      while (this.#booking) {
        await sleep(between(1_000, 6_000));
        if (!this.#booking || active !== null) continue;
        const pickup = randomPoint(this.options.center, this.options.radiusKm);
        const dropoff = randomPoint(this.options.center, this.options.radiusKm);
        const created = await rider.client.bookings.create({
          pickup: { ...pickup, address: 'Pickup point' },
          dropoff: { ...dropoff, address: 'Dropoff point' },
        });
        if (!created.ok) {
          this.stats.error(`book: ${describe(created.error)}`);
          continue;
        }
        const booking = created.data;
        active = booking.booking_id;
        this.#activeRides.add(booking.booking_id);
        this.#pendingOwners.set(booking.booking_id, rider.client);
        this.#ledger.createdAt.set(booking.booking_id, Date.now());
        this.stats.counts.requested++;
      }
    })();
  }

  readonly #onInvalid = (text: string): void => this.stats.error(`a socket message outside the contract: ${text.slice(0, 200)}`);

  #onStatus(bookingId: string, status: BookingStatusValue, release: () => void): void {
    if (status !== 'pending') this.#pendingOwners.delete(bookingId);
    if (status === 'accepted') {
      this.stats.counts.accepted++;
      const accepted = this.#ledger.acceptedAt.get(bookingId);
      if (accepted !== undefined) this.stats.acceptToStatusMs.push(Date.now() - accepted);
    } else if (status === 'on_trip' || status === 'completed' || status === 'cancelled' || status === 'expired') {
      this.stats.counts[status]++;
    }
    if (FINAL.has(status)) {
      this.#activeRides.delete(bookingId);
      release();
    }
  }
}

export type { SocketMessage };
