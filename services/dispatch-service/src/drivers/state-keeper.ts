import type { DriverLocationRecord } from '@rideline/contracts';
import type { Logger, OutgoingRecord } from '@rideline/kafka';
import type { DriverRegistry } from '../domain/index.ts';
import { nameBasedUuid } from '../offers/event-ids.ts';

export interface DriverStateKeeperOptions {
  readonly drivers: DriverRegistry;
  readonly publish: (records: readonly OutgoingRecord<'driverLocations'>[]) => Promise<void>;
  /** Whether this instance keeps the drivers of this driver.locations partition. */
  readonly owns: (partition: number) => boolean;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly onRepublished?: (count: number) => void;
}

/**
 * Keeps every driver's availability on the compacted driver.locations topic. Compaction keeps
 * only a driver's last record, and location pings (the gateway's, and PUT /drivers/me/location)
 * say `available: null`: after them, the record that said the driver was available would be
 * compacted away. So when a driver's last record does not carry the availability dispatch
 * knows, the owner of the driver's partition re-publishes the merged state (known availability,
 * last location, stamped with the location's own time so its staleness is unchanged), at most
 * once per interval per driver. It reads its own partitions in log order, so what it publishes
 * is the latest; if a newer record overtakes it, that record's check starts again.
 */
export class DriverStateKeeper {
  readonly #options: DriverStateKeeperOptions;
  /** The last record of each driver on the topic: where it is, and the availability it carried. */
  readonly #last = new Map<string, { readonly partition: number; readonly available: boolean | null }>();
  readonly #pending = new Set<string>();
  #active = false;
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> | null = null;

  constructor(options: DriverStateKeeperOptions) {
    this.#options = options;
  }

  /** A record read from driver.locations (every one, duplicates included: what matters is the log). */
  observe(message: DriverLocationRecord, partition: number): void {
    const driverId = message.data.driver_id;
    this.#last.set(driverId, { partition, available: message.data.available });
    if (this.#active && this.#options.owns(partition) && this.#isBehind(driverId)) this.#pending.add(driverId);
  }

  /** From now on, keep the drivers of the owned partitions (after the replay, and each assignment). */
  review(): void {
    this.#active = true;
    for (const [driverId, last] of this.#last) {
      if (this.#options.owns(last.partition) && this.#isBehind(driverId)) this.#pending.add(driverId);
    }
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.flush().catch((error: unknown) => this.#options.logger.error({ err: error }, 'could not re-publish driver states'));
    }, this.#options.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#active = false;
    await this.#flushing;
  }

  /** Publishes the merged state of the drivers whose last record is behind. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  async #flush(): Promise<void> {
    const records: OutgoingRecord<'driverLocations'>[] = [];
    const seen = new Map<string, unknown>();
    for (const driverId of [...this.#pending]) {
      const last = this.#last.get(driverId);
      const record = last && this.#options.owns(last.partition) && this.#isBehind(driverId) ? this.#merged(driverId) : null;
      if (record) {
        records.push(record);
        seen.set(driverId, last);
      } else {
        this.#pending.delete(driverId);
      }
    }
    if (records.length === 0) return;
    try {
      await this.#options.publish(records);
    } catch (error) {
      this.#options.logger.warn({ err: error, drivers: records.length }, 'could not re-publish driver states; will retry');
      return;
    }
    // A record that arrived meanwhile is checked again at the next flush.
    for (const [driverId, last] of seen) if (this.#last.get(driverId) === last) this.#pending.delete(driverId);
    this.#options.onRepublished?.(records.length);
  }

  #isBehind(driverId: string): boolean {
    const known = this.#options.drivers.get(driverId);
    if (!known || known.availableAtMs === null) return false;
    return this.#last.get(driverId)?.available !== known.available;
  }

  #merged(driverId: string): OutgoingRecord<'driverLocations'> | null {
    const known = this.#options.drivers.get(driverId);
    if (!known || known.availableAtMs === null) return null;
    const location = known.location;
    const reportedAt = new Date(location?.atMs ?? known.availableAtMs).toISOString();
    return {
      topic: 'driverLocations',
      key: driverId,
      message: {
        event_id: nameBasedUuid(`driver.locations/${driverId}/${reportedAt}/${known.available}/${location ? `${location.lat},${location.lng}` : '-'}`),
        type: 'DriverStatusReported',
        version: 1,
        occurred_at: new Date().toISOString(),
        data: { driver_id: driverId, available: known.available, location: location ? { lat: location.lat, lng: location.lng } : null, reported_at: reportedAt },
      },
    };
  }
}
