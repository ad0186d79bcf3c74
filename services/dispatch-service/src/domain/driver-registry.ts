import { coarsePosition } from './coarse-position.ts';
import { assertLatLng } from './geo.ts';
import { GeoIndex, type NearbyDriver } from './geo-index.ts';

/** Facts about drivers, as the adapters read them from `driver.locations` and `booking.events`. */
export type DriverFact =
  | { readonly type: 'LocationReported'; readonly driverId: string; readonly lat: number; readonly lng: number; readonly atMs: number }
  | { readonly type: 'AvailabilityReported'; readonly driverId: string; readonly available: boolean; readonly atMs: number }
  /** The driver took a booking (BookingAccepted; TripStarted repeats it harmlessly). */
  | { readonly type: 'TripAssigned'; readonly driverId: string; readonly bookingId: string }
  /** The driver's booking ended (TripCompleted, or BookingCancelled naming the driver). */
  | { readonly type: 'TripEnded'; readonly driverId: string; readonly bookingId: string };

export interface DriverSnapshot {
  readonly driverId: string;
  readonly available: boolean;
  readonly availableAtMs: number | null;
  readonly location: { readonly lat: number; readonly lng: number; readonly atMs: number } | null;
  /** Bookings the driver holds; empty when free. */
  readonly activeBookingIds: readonly string[];
}

export interface DriverRegistryOptions {
  /** A location older than this does not count (default 60 s). */
  readonly stalenessMs?: number;
  readonly cellSizeM?: number;
}

export interface NearbyQuery {
  readonly radiusM: number;
  readonly limit: number;
  readonly excludeDriverIds?: ReadonlySet<string>;
}

interface DriverRecord {
  available: boolean;
  availableAtMs: number | null;
  location: { lat: number; lng: number; atMs: number } | null;
  activeBookings: Set<string> | null;
  /** The last few bookings that ended, so a start read again after the end cannot revive one. */
  endedBookings: string[];
}

const REMEMBERED_ENDED_BOOKINGS = 4;

const DEFAULT_STALENESS_MS = 60_000;

/**
 * What dispatch knows of every driver, folded from driver facts: the latest location and
 * availability (by report time, so a late or replayed ping never overwrites a newer one) and the
 * bookings the driver holds. A driver holds a set of bookings rather than one: booking.events is
 * keyed by booking, so the end of one trip may be read after the start of the next.
 *
 * The geo index holds only the drivers who could be offered work (available, located, free);
 * staleness depends on the clock, so it is checked at query time.
 */
export class DriverRegistry {
  readonly stalenessMs: number;
  private readonly drivers = new Map<string, DriverRecord>();
  private readonly index: GeoIndex;
  /** The same drivers at their coarse positions (coarse-position.ts): what the outside is told. */
  private readonly coarseIndex: GeoIndex;

  constructor(options: DriverRegistryOptions = {}) {
    this.stalenessMs = options.stalenessMs ?? DEFAULT_STALENESS_MS;
    const indexOptions = options.cellSizeM === undefined ? {} : { cellSizeM: options.cellSizeM };
    this.index = new GeoIndex(indexOptions);
    this.coarseIndex = new GeoIndex(indexOptions);
  }

  /** Folds one fact; returns whether it changed anything (false for an older or repeated fact). */
  apply(fact: DriverFact): boolean {
    if (fact.type === 'LocationReported') assertLatLng(fact.lat, fact.lng); // before anything changes
    const driver = this.recordOf(fact.driverId);
    let changed: boolean;
    switch (fact.type) {
      case 'LocationReported': {
        const held = driver.location;
        if (held !== null && fact.atMs < held.atMs) return false;
        changed = held === null || held.atMs !== fact.atMs || held.lat !== fact.lat || held.lng !== fact.lng;
        driver.location = { lat: fact.lat, lng: fact.lng, atMs: fact.atMs };
        break;
      }
      case 'AvailabilityReported':
        if (driver.availableAtMs !== null && fact.atMs < driver.availableAtMs) return false;
        changed = driver.available !== fact.available || driver.availableAtMs !== fact.atMs;
        driver.available = fact.available;
        driver.availableAtMs = fact.atMs;
        break;
      case 'TripAssigned':
        if (driver.endedBookings.includes(fact.bookingId)) return false; // a late or repeated start
        driver.activeBookings ??= new Set();
        changed = !driver.activeBookings.has(fact.bookingId);
        driver.activeBookings.add(fact.bookingId);
        break;
      case 'TripEnded':
        changed = driver.activeBookings?.delete(fact.bookingId) ?? false;
        if (driver.activeBookings?.size === 0) driver.activeBookings = null;
        if (!driver.endedBookings.includes(fact.bookingId)) {
          driver.endedBookings.push(fact.bookingId);
          if (driver.endedBookings.length > REMEMBERED_ENDED_BOOKINGS) driver.endedBookings.shift();
        }
        break;
      default:
        return assertNever(fact);
    }
    this.reindex(fact.driverId, driver);
    return changed;
  }

  /** Offerable now: available, located within the staleness window, and holding no booking. */
  isEligible(driverId: string, nowMs: number): boolean {
    const driver = this.drivers.get(driverId);
    return driver !== undefined && this.isOfferable(driver) && nowMs - (driver.location?.atMs ?? Number.NEGATIVE_INFINITY) <= this.stalenessMs;
  }

  /** The nearest eligible drivers, nearest first, within `radiusM`, at most `limit`. */
  nearestEligible(lat: number, lng: number, nowMs: number, query: NearbyQuery): NearbyDriver[] {
    const excluded = query.excludeDriverIds;
    // The index holds exactly the available, located, free drivers, stamped with their location's
    // time: freshness is its time cut-off, and no driver record is looked up (those lookups, cache
    // misses all, cost more than the search itself).
    return this.index.nearest(lat, lng, {
      radiusM: query.radiusM,
      limit: query.limit,
      minUpdatedAtMs: nowMs - this.stalenessMs,
      ...(excluded === undefined || excluded.size === 0 ? {} : { isEligible: (driverId: string) => !excluded.has(driverId) }),
    });
  }

  /**
   * What `GET /drivers/nearby` may say: the eligible drivers by their coarse positions, the
   * distance from the query point to each one's cell centre, nearest first (ties by driver id),
   * within `radiusM` of the cell centre, at most `limit`. Every part of the answer (who is in it,
   * the order, the distances) is a function of the coarse positions only: a driver's exact
   * position cannot be read off the radius's edge, the limit's edge or the order.
   */
  nearestCoarse(lat: number, lng: number, nowMs: number, query: Omit<NearbyQuery, 'excludeDriverIds'>): NearbyDriver[] {
    return this.coarseIndex.nearest(lat, lng, { radiusM: query.radiusM, limit: query.limit, minUpdatedAtMs: nowMs - this.stalenessMs });
  }

  get(driverId: string): DriverSnapshot | undefined {
    const driver = this.drivers.get(driverId);
    if (driver === undefined) return undefined;
    return {
      driverId,
      available: driver.available,
      availableAtMs: driver.availableAtMs,
      location: driver.location === null ? null : { ...driver.location },
      activeBookingIds: [...(driver.activeBookings ?? [])],
    };
  }

  get size(): number {
    return this.drivers.size;
  }

  /** Drivers in the geo index (offerable but for staleness). */
  get indexedCount(): number {
    return this.index.size;
  }

  /**
   * Takes drivers whose location went stale out of the geo index, so that a long-silent driver
   * stops costing query time; their next ping puts them back. Call it every few seconds.
   */
  evictStale(nowMs: number): number {
    let evicted = 0;
    for (const [driverId, driver] of this.drivers) {
      const atMs = driver.location?.atMs;
      if (atMs !== undefined && nowMs - atMs > this.stalenessMs && this.index.remove(driverId)) {
        this.coarseIndex.remove(driverId);
        evicted++;
      }
    }
    return evicted;
  }

  private recordOf(driverId: string): DriverRecord {
    let driver = this.drivers.get(driverId);
    if (driver === undefined) {
      driver = { available: false, availableAtMs: null, location: null, activeBookings: null, endedBookings: [] };
      this.drivers.set(driverId, driver);
    }
    return driver;
  }

  private isOfferable(driver: DriverRecord): boolean {
    return driver.available && driver.location !== null && driver.activeBookings === null;
  }

  private reindex(driverId: string, driver: DriverRecord): void {
    if (this.isOfferable(driver) && driver.location !== null) {
      const { lat, lng, atMs } = driver.location;
      this.index.upsert(driverId, lat, lng, atMs);
      const coarse = coarsePosition(lat, lng);
      this.coarseIndex.upsert(driverId, coarse.lat, coarse.lng, atMs);
    } else {
      this.index.remove(driverId);
      this.coarseIndex.remove(driverId);
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled driver fact: ${JSON.stringify(value)}`);
}
