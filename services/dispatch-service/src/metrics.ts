import { Counter, Gauge, type Registry } from 'prom-client';
import type { DispatchState, PendingMessage } from './domain/index.ts';

/** dispatch-service's own metrics, on the app's registry (served at /metrics). */
export function dispatchMetrics(registry: Registry, state: DispatchState) {
  const registers = [registry];
  const offersSent = new Counter({ name: 'dispatch_offers_sent_total', help: 'BookingOffered records published', registers });
  const revocations = new Counter({
    name: 'dispatch_offers_revoked_total',
    help: 'OfferRevoked records published, by reason',
    labelNames: ['reason'] as const,
    registers,
  });
  const locationUpdates = new Counter({
    name: 'dispatch_location_updates_total',
    help: 'Driver location updates: accepted over HTTP (source=http), and folded from driver.locations (source=topic)',
    labelNames: ['source'] as const,
    registers,
  });
  const skippedRecords = new Counter({
    name: 'dispatch_records_skipped_total',
    help: 'Records the picture skipped because they do not decode (the group parks them on the dead-letter topic)',
    labelNames: ['topic'] as const,
    registers,
  });
  const statesRepublished = new Counter({
    name: 'dispatch_driver_states_republished_total',
    help: 'Merged driver states re-published on driver.locations so that compaction keeps availability',
    registers,
  });
  new Gauge({
    name: 'dispatch_index_size',
    help: 'Drivers in the geo index (available, located and free; staleness is checked at query time)',
    registers,
    collect() {
      this.set(state.drivers.indexedCount);
    },
  });
  new Gauge({
    name: 'dispatch_drivers_known',
    help: 'Drivers dispatch has heard of',
    registers,
    collect() {
      this.set(state.drivers.size);
    },
  });
  new Gauge({
    name: 'dispatch_open_bookings',
    help: 'Bookings requested and not yet accepted, cancelled or expired',
    registers,
    collect() {
      this.set(state.offers.openCount);
    },
  });
  return {
    locationUpdates,
    skippedRecords,
    statesRepublished,
    published(messages: readonly PendingMessage[]): void {
      for (const message of messages) {
        if (message.type === 'Offer') offersSent.inc();
        else revocations.inc({ reason: message.reason });
      }
    },
  };
}

export type DispatchMetrics = ReturnType<typeof dispatchMetrics>;
