import { http, Inbox, registerDriver, registerUser, type Account, type Message } from '@rideline/e2e/client';
import { FirstArrivals } from './arrivals.ts';
import { randomPoint, type Point } from '@rideline/demo/city';

export interface SystemUrls {
  readonly booking: string;
  readonly dispatch: string;
  readonly gateway: string;
}

export interface Driver extends Account {
  readonly offers: Inbox;
  readonly position: Point;
}

export interface Rider extends Account {
  readonly statuses: Inbox;
}

/** Drivers wait this close to the centre: every pickup near one of them is within the first search radius (5 km) of all. */
const DRIVER_SPREAD_M = 2_000;
/** Drivers re-send their location this often, well inside the 60 s after which dispatch ignores them. */
const LOCATION_PING_MS = 10_000;
/** GET /drivers/nearby lists at most this many. */
const NEARBY_LIMIT = 50;

/**
 * Drivers on their available-bookings sockets and riders on their booking-status sockets, as
 * apps are, with what arrives on them stamped the moment it arrives.
 */
export class Fleet {
  /** Booking id → the first `available_booking` for it on any driver's socket. */
  readonly offers = new FirstArrivals<Driver>();
  /** Booking id → the `accepted` status on its rider's socket. */
  readonly acceptedStatuses = new FirstArrivals<Rider>();
  readonly drivers: Driver[] = [];
  readonly riders: Rider[] = [];
  /** Riders with a booking in play: a rider holds one active booking at a time (RIDER_MAX_ACTIVE_BOOKINGS). */
  readonly #ridersInPlay = new Set<Rider>();
  /** Sockets the server closed under us: each one is a driver or rider no longer measured. */
  readonly lostSockets: string[] = [];
  #closing = false;
  #pings: NodeJS.Timeout | undefined;

  constructor(readonly urls: SystemUrls) {}

  /** The first rider from the `index`-th on (in turn) with no booking in play, taken; or none. */
  takeRider(index: number): Rider | undefined {
    for (let i = 0; i < this.riders.length; i++) {
      const rider = this.riders[(index + i) % this.riders.length]!;
      if (this.#ridersInPlay.has(rider)) continue;
      this.#ridersInPlay.add(rider);
      return rider;
    }
    return undefined;
  }

  releaseRider(rider: Rider): void {
    this.#ridersInPlay.delete(rider);
  }

  async assemble(counts: { drivers: number; riders: number }, center: Point, log: (message: string) => void): Promise<void> {
    const { gateway } = this.urls;
    log(`registering ${counts.drivers} drivers and ${counts.riders} riders`);
    const driverAccounts = await Promise.all(Array.from({ length: counts.drivers }, () => registerDriver(this.urls)));
    const riderAccounts = await Promise.all(Array.from({ length: counts.riders }, () => registerUser(this.urls)));

    log('connecting their sockets and reporting where the drivers are');
    for (const account of riderAccounts) {
      const statuses = await Inbox.open(gateway, '/ws/bookings/', account.token);
      const rider: Rider = { ...account, statuses };
      this.#listen(statuses, 'rider', (message, at) => {
        if (message.type === 'booking_status' && message['status'] === 'accepted') this.acceptedStatuses.record(String(message['booking_id']), rider, at);
      });
      this.riders.push(rider);
    }
    for (const account of driverAccounts) {
      const offers = await Inbox.open(gateway, '/ws/driver/available_bookings/', account.token);
      const driver: Driver = { ...account, offers, position: randomPoint(center, DRIVER_SPREAD_M / 1000) };
      this.#listen(offers, 'driver', (message, at) => {
        if (message.type === 'available_booking') this.offers.record(String(message['booking_id']), driver, at);
      });
      await this.#report(driver, 'availability', { available: true });
      await this.#report(driver, 'location', driver.position);
      this.drivers.push(driver);
    }
    this.#pings = setInterval(() => this.#pingLocations(), LOCATION_PING_MS);
    await this.#waitUntilDispatchSeesDrivers(center);
  }

  close(): void {
    this.#closing = true;
    clearInterval(this.#pings);
    for (const { offers } of this.drivers) offers.close();
    for (const { statuses } of this.riders) statuses.close();
  }

  /** Stamps each message before anything else is done with it (Inbox keeps its own copy). */
  #listen(inbox: Inbox, who: string, onMessage: (message: Message, at: number) => void): void {
    inbox.socket.on('message', (data) => {
      const at = performance.now();
      onMessage(JSON.parse(String(data)) as Message, at);
    });
    inbox.socket.on('close', (code) => {
      if (!this.#closing) this.lostSockets.push(`${who} socket closed by the server with ${code}`);
    });
  }

  async #report(driver: Driver, what: 'availability' | 'location', body: unknown): Promise<void> {
    const { status } = await http(`${this.urls.dispatch}/drivers/me/${what}`, 'PUT', body, driver.token);
    if (status !== 204) throw new Error(`PUT /drivers/me/${what} answered ${status}`);
  }

  /** The same location again, over the socket, as a driver app keeps sending it. */
  #pingLocations(): void {
    for (const { offers, position } of this.drivers) {
      if (offers.socket.readyState === offers.socket.OPEN) offers.socket.send(JSON.stringify({ type: 'location', ...position }));
    }
  }

  /** Until GET /drivers/nearby lists them all (as far as it lists), no booking could reach them all. */
  async #waitUntilDispatchSeesDrivers(center: Point): Promise<void> {
    const expected = Math.min(this.drivers.length, NEARBY_LIMIT);
    const rider = this.riders[0]!;
    const url = `${this.urls.dispatch}/drivers/nearby?lat=${center.lat}&lng=${center.lng}&radius_m=${2 * DRIVER_SPREAD_M}`;
    const deadline = Date.now() + 30_000;
    let seen = 0;
    while (Date.now() < deadline) {
      const { status, body } = await http(url, 'GET', undefined, rider.token);
      seen = status === 200 ? (body['drivers'] as unknown[]).length : 0;
      if (seen >= expected) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`dispatch-service sees ${seen} of the ${expected} drivers after 30 s`);
  }
}
