import { randomUUID } from 'node:crypto';
import type { TopicMessage } from '@rideline/contracts';
import type { OutgoingRecord } from '@rideline/kafka';
import type { DispatchState, LatLng } from '../domain/index.ts';
import { KeyedQueue } from '../util/keyed-queue.ts';

export type DriverReport = { readonly location: LatLng } | { readonly available: boolean };

export interface DriverIntakeOptions {
  readonly state: DispatchState;
  readonly publish: (records: readonly OutgoingRecord<'driverLocations'>[]) => Promise<void>;
  readonly now: () => number;
}

/**
 * What a driver reports over HTTP: published on driver.locations (keyed by driver id) and, once
 * the broker has it, folded into this instance's state at once (the record comes back through
 * the topic too; folding it again changes nothing). A location report says `available: null`
 * and an availability report `location: null`, as the gateway's pings do: a field not reported
 * is unchanged. Merging in the other field here would stamp a possibly stale value with a new
 * time; DriverStateRepublisher re-publishes the merged state in log order instead.
 */
export class DriverIntake {
  readonly #options: DriverIntakeOptions;
  /** A driver's reports are published in the order they came. */
  readonly #queue = new KeyedQueue();

  constructor(options: DriverIntakeOptions) {
    this.#options = options;
  }

  report(driverId: string, report: DriverReport): Promise<void> {
    return this.#queue.run(driverId, async () => {
      const at = new Date(this.#options.now()).toISOString();
      const message: TopicMessage<'driverLocations'> = {
        event_id: randomUUID(),
        type: 'DriverStatusReported',
        version: 1,
        occurred_at: at,
        data: {
          driver_id: driverId,
          available: 'available' in report ? report.available : null,
          location: 'location' in report ? { lat: report.location.lat, lng: report.location.lng } : null,
          reported_at: at,
        },
      };
      await this.#options.publish([{ topic: 'driverLocations', key: driverId, message }]);
      this.#options.state.applyDriverStatus(message);
    });
  }
}
