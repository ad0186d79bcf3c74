import { randomUUID } from 'node:crypto';
import type { TopicMessage } from '@rideline/contracts';
import type { Logger, OutgoingRecord } from '@rideline/kafka';
import type { LocationSink } from '../sockets/socket-service.ts';

export interface LocationPublisherOptions {
  readonly publish: (records: readonly OutgoingRecord[]) => Promise<void>;
  readonly logger: Logger;
  readonly onPublished?: (outcome: 'ok' | 'dropped', count: number) => void;
  /** How long reports gather before a send (ms). */
  readonly lingerMs: number;
}

/**
 * Driver locations from `{"type":"location"}` frames to `driver.locations`, as
 * DriverStatusReported with `available: null` (a location ping says nothing of availability).
 * Reports are batched, one send in flight at a time, and coalesced per driver: the topic is
 * compacted by driver id, so only a driver's latest position matters, and a burst from many
 * drivers costs one request rather than one each.
 */
export class LocationPublisher implements LocationSink {
  readonly #options: LocationPublisherOptions;
  #pending = new Map<string, TopicMessage<'driverLocations'>>();
  #timer: NodeJS.Timeout | null = null;
  #sending: Promise<void> | null = null;

  constructor(options: LocationPublisherOptions) {
    this.#options = options;
  }

  report(driverId: string, lat: number, lng: number): void {
    const now = new Date().toISOString();
    this.#pending.set(driverId, {
      event_id: randomUUID(),
      type: 'DriverStatusReported',
      version: 1,
      occurred_at: now,
      data: { driver_id: driverId, available: null, location: { lat, lng }, reported_at: now },
    });
    if (!this.#timer && !this.#sending) {
      this.#timer = setTimeout(() => void this.flush(), this.#options.lingerMs);
    }
  }

  /** Sends everything reported so far (and whatever arrives meanwhile). */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    while (this.#sending) await this.#sending;
    while (this.#pending.size > 0) {
      const batch = [...this.#pending.values()];
      this.#pending = new Map();
      this.#sending = this.#send(batch);
      await this.#sending;
      this.#sending = null;
    }
  }

  async #send(batch: TopicMessage<'driverLocations'>[]): Promise<void> {
    try {
      await this.#options.publish(batch.map((message) => ({ topic: 'driverLocations', key: message.data.driver_id, message })));
      this.#options.onPublished?.('ok', batch.length);
    } catch (error) {
      // Positions go stale in seconds and the driver sends the next one soon: drop, do not queue.
      this.#options.logger.warn({ err: error, count: batch.length }, 'dropping driver locations after a failed send');
      this.#options.onPublished?.('dropped', batch.length);
    }
  }
}
