import { registerDeadLetterCounter } from '@rideline/service-kit';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DispatchState, PendingMessage } from './domain/index.ts';

/**
 * dispatch-service's own metrics, on the app's registry (served at /metrics). Offers: sent here,
 * revoked here by reason (`reason="expired"`: the booking expired with the offer still open);
 * accepted ones are counted where the accept commits, booking-service's
 * `rideline_booking_transitions_total{type="BookingAccepted"}`, since replaying the topics at each
 * start would count every past acceptance again here.
 */
export function dispatchMetrics(registry: Registry, state: DispatchState) {
  const registers = [registry];
  const offersSent = new Counter({ name: 'rideline_dispatch_offers_sent_total', help: 'BookingOffered records published', registers });
  const revocations = new Counter({
    name: 'rideline_dispatch_offers_revoked_total',
    help: 'OfferRevoked records published, by reason (accepted: taken by another driver; cancelled; expired: the booking expired)',
    labelNames: ['reason'] as const,
    registers,
  });
  const locationUpdates = new Counter({
    name: 'rideline_dispatch_location_updates_total',
    help: 'Driver location updates: accepted over HTTP (source=http), and folded from driver.locations (source=topic)',
    labelNames: ['source'] as const,
    registers,
  });
  const skippedRecords = new Counter({
    name: 'rideline_dispatch_records_skipped_total',
    help: 'Records the state consumer skipped because they do not decode, in every instance (the group member parks them once: rideline_dead_letter_records_total)',
    labelNames: ['topic'] as const,
    registers,
  });
  const statesRepublished = new Counter({
    name: 'rideline_dispatch_driver_states_republished_total',
    help: 'Merged driver states re-published on driver.locations so that compaction keeps availability',
    registers,
  });
  new Gauge({
    name: 'rideline_dispatch_index_size',
    help: 'Drivers in the geo index (available, located and free; staleness is checked at query time)',
    registers,
    collect() {
      this.set(state.drivers.indexedCount);
    },
  });
  new Gauge({
    name: 'rideline_dispatch_drivers_known',
    help: 'Drivers dispatch has heard of',
    registers,
    collect() {
      this.set(state.drivers.size);
    },
  });
  new Gauge({
    name: 'rideline_dispatch_open_bookings',
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
    deadLettered: registerDeadLetterCounter(registry),
    published(messages: readonly PendingMessage[]): void {
      for (const message of messages) {
        if (message.type === 'Offer') offersSent.inc();
        else revocations.inc({ reason: message.reason });
      }
    },
  };
}
