import { setMaxListeners } from 'node:events';
import { isEndedStatus, type BookingStatus } from '@rideline/contracts';
import { availableBookingsSocket, driverBookingsSocket, riderSocket, type RidelineClient, type SocketWarning } from '@rideline/client';
import { describe, register, socketOptions, whenOpen, type Account } from './api.ts';
import { between, drift, randomPoint, sleep, type Point } from './city.ts';
import type { DemoOptions } from './options.ts';
import { Stats } from './stats.ts';

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
  /** Stops every socket client at the end. */
  readonly #sockets = new AbortController();
  readonly #timers: NodeJS.Timeout[] = [];
  #booking = true;
  readonly #activeRides = new Set<string>();
  /** Bookings not yet accepted, with their rider's client. */
  readonly #pendingOwners = new Map<string, RidelineClient>();

  constructor(private readonly options: DemoOptions) {
    // Every socket client (two per driver, one per rider) listens on this one signal: Node's
    // leak warning at 10 listeners does not apply to a signal shared on purpose.
    setMaxListeners(0, this.#sockets.signal);
  }

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
    this.#sockets.abort();
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
    const options = socketOptions(gatewayUrl, driver, this.#sockets.signal);
    const offers = availableBookingsSocket(options);
    // The client passes an offer on once while it is open, however often the gateway re-sends it.
    offers.on('available_booking', (message) => {
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
    });
    offers.on('booking_unavailable', (message) => {
      const index = open.indexOf(message.booking_id);
      if (index >= 0) open.splice(index, 1);
    });
    offers.on('warning', this.#onWarning);
    const assigned = driverBookingsSocket(options);
    assigned.on('warning', this.#onWarning);
    await Promise.all([whenOpen(offers, `driver ${driver.id} offers`), whenOpen(assigned, `driver ${driver.id} bookings`)]);
    // Location pings over the socket, as the app sends them while driving around (the client
    // throttles them and sends the latest once the socket is open again after a drop).
    this.#timers.push(
      setInterval(() => {
        position = drift(position);
        offers.reportLocation(position.lat, position.lng);
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
    const socket = riderSocket(socketOptions(this.options.gatewayUrl, rider, this.#sockets.signal));
    // The client passes each OTP and each status on once per booking.
    socket.on('otp', (message) => {
      this.#ledger.otps.set(message.booking_id, message.otp);
      const accepted = this.#ledger.acceptedAt.get(message.booking_id);
      if (accepted !== undefined) this.stats.otpLatencyMs.push(Date.now() - accepted);
    });
    socket.on('booking_status', (message) => this.#onStatus(message.booking_id, message.status, () => (active = null)));
    socket.on('warning', this.#onWarning);
    await whenOpen(socket, `rider ${rider.id}`);
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

  /** A message outside the contract, or a token the client could not get, counts as an error rather than be guessed at. */
  readonly #onWarning = (warning: SocketWarning): void => {
    if (warning.kind === 'invalid_message') this.stats.error(`a socket message outside the contract: ${String(warning.data).slice(0, 200)}`);
    else if (warning.kind === 'token_error') this.stats.error(`socket token: ${String(warning.error)}`);
  };

  #onStatus(bookingId: string, status: BookingStatus, release: () => void): void {
    if (status !== 'pending') this.#pendingOwners.delete(bookingId);
    if (status === 'accepted') {
      this.stats.counts.accepted++;
      const accepted = this.#ledger.acceptedAt.get(bookingId);
      if (accepted !== undefined) this.stats.acceptToStatusMs.push(Date.now() - accepted);
    } else if (status !== 'pending') {
      this.stats.counts[status]++;
    }
    if (isEndedStatus(status)) {
      this.#activeRides.delete(bookingId);
      release();
    }
  }
}
