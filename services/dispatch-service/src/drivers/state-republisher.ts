import type { DriverLocationRecord } from '@rideline/contracts';
import type { Logger, OutgoingRecord } from '@rideline/kafka';
import type { DriverRegistry } from '../domain/index.ts';
import { nameBasedUuid } from '../offers/event-ids.ts';

export interface DriverStateRepublisherOptions {
  readonly drivers: DriverRegistry;
  readonly publish: (records: readonly OutgoingRecord<'driverLocations'>[]) => Promise<void>;
  /** Whether this instance keeps the drivers of this driver.locations partition. */
  readonly owns: (partition: number) => boolean;
  /** How often the kept drivers are checked. */
  readonly intervalMs: number;
  /**
   * The age at which a record carrying a driver's availability is re-published when newer
   * records left it out: below the topic's `min.compaction.lag.ms`, so compaction never finds
   * it unprotected.
   */
  readonly refreshAfterMs: number;
  readonly now: () => number;
  readonly logger: Logger;
  readonly onRepublished?: (count: number) => void;
}

/** At most this many records per produce request (the broker refuses requests over 1 MB). */
const RECORDS_PER_SEND = 500;

/** A driver's last record on the topic, and the last one that carried its availability. */
interface LastOnTopic {
  readonly partition: number;
  readonly available: boolean | null;
  readonly carried: { readonly available: boolean; readonly atMs: number } | null;
}

/**
 * Keeps every driver's availability on the compacted driver.locations topic. Compaction keeps
 * only a driver's last record, and location pings (the gateway's, and PUT /drivers/me/location)
 * say `available: null`: once compacted, the record that said the driver was available would be
 * gone. The topic keeps every record for `min.compaction.lag.ms` (an hour) even when a newer one
 * has its key, so the availability is safe until its record is that old: the owner of the
 * driver's partition re-publishes the merged state (known availability, last location, stamped
 * with the location's own time so its staleness is unchanged) once that record is
 * `refreshAfterMs` old and newer pings left it out. Re-publishing after every ping instead
 * doubled the topic's traffic at 10,000 drivers (a record per driver every 10 s) and built one
 * request larger than the broker accepts.
 *
 * It reads its own partitions in log order, so what it publishes is the latest; a driver whose
 * last record says something else than what dispatch knows (a late, older record) is corrected
 * at the next check.
 */
export class DriverStateRepublisher {
  readonly #options: DriverStateRepublisherOptions;
  readonly #last = new Map<string, LastOnTopic>();
  #active = false;
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> | null = null;

  constructor(options: DriverStateRepublisherOptions) {
    this.#options = options;
  }

  /** A record read from driver.locations (every one, duplicates included: what matters is the log). */
  observe(message: DriverLocationRecord, partition: number): void {
    const driverId = message.data.driver_id;
    const { available } = message.data;
    const carried = available === null ? (this.#last.get(driverId)?.carried ?? null) : { available, atMs: Date.parse(message.occurred_at) };
    this.#last.set(driverId, { partition, available, carried });
  }

  /** From now on, keep the drivers of the owned partitions (after the replay, and each assignment). */
  review(): void {
    this.#active = true;
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

  /** Publishes the merged state of the kept drivers whose availability needs it. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  /** The kept drivers whose availability is due to be re-published now. */
  due(): string[] {
    if (!this.#active) return [];
    const due: string[] = [];
    for (const [driverId, last] of this.#last) {
      if (this.#options.owns(last.partition) && this.#isDue(driverId, last)) due.push(driverId);
    }
    return due;
  }

  async #flush(): Promise<void> {
    const records = this.due().flatMap((driverId) => this.#merged(driverId) ?? []);
    for (let from = 0; from < records.length; from += RECORDS_PER_SEND) {
      const chunk = records.slice(from, from + RECORDS_PER_SEND);
      try {
        await this.#options.publish(chunk);
      } catch (error) {
        // What was not sent is still due at the next check.
        this.#options.logger.warn({ err: error, drivers: records.length - from }, 'could not re-publish driver states; will retry');
        return;
      }
      this.#options.onRepublished?.(chunk.length);
    }
  }

  #isDue(driverId: string, last: LastOnTopic): boolean {
    const known = this.#options.drivers.get(driverId);
    if (!known || known.availableAtMs === null) return false;
    if (last.available === known.available) return false;
    const { carried } = last;
    return carried === null || carried.available !== known.available || this.#options.now() - carried.atMs >= this.#options.refreshAfterMs;
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
        occurred_at: new Date(this.#options.now()).toISOString(),
        data: {
          driver_id: driverId,
          available: known.available,
          location: location ? { lat: location.lat, lng: location.lng } : null,
          reported_at: reportedAt,
        },
      },
    };
  }
}
