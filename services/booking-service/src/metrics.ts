import { defineMetrics, registerDeadLetterCounter } from '@rideline/service-kit';
import type { Counter, Registry } from 'prom-client';
import { isPublic, type BookingDomainEvent } from './domain/events.ts';
import type { HashingGate } from './identity/hashing-gate.ts';
import type { OfferCheckOutcome } from './offers/offer-gate.ts';
import type { OutboxBacklog } from './outbox/outbox-backlog.ts';

/**
 * What an operator watches during a login flood: hashing slots in use, waiters, refusals.
 * Registered by the identity routes, which own the gate.
 */
export function registerIdentityMetrics(registry: Registry, gate: HashingGate): { throttled: Counter } {
  const define = defineMetrics(registry);
  define.gauge('rideline_password_hashes_running', 'Password hashes being computed', {
    collect() {
      this.set(gate.running);
    },
  });
  define.gauge('rideline_password_hashes_queued', 'Logins and registrations waiting for a hashing slot', {
    collect() {
      this.set(gate.queued);
    },
  });
  // The gate counts its refusals itself; the counter catches up with it at each scrape.
  let shedCounted = 0;
  define.counter('rideline_password_hashes_shed_total', 'Logins and registrations refused with 503: no hashing slot in time', {
    collect() {
      if (gate.shed > shedCounted) this.inc(gate.shed - shedCounted);
      shedCounted = gate.shed;
    },
  });
  const throttled = define.counter('rideline_logins_throttled_total', 'Logins refused with 429 (account or address locked)');
  return { throttled };
}

export interface BookingMetricsSources {
  /** Read at scrape time (src/outbox/outbox-backlog.ts). */
  readonly outboxBacklog: () => Promise<OutboxBacklog>;
}

/**
 * booking-service's own metrics, on the app's registry (served at /metrics); the identity ones
 * are above. Counters are told by the parts that do the work, through the functions returned.
 */
export function bookingMetrics(registry: Registry, sources: BookingMetricsSources) {
  const define = defineMetrics(registry);
  const transitions = define.counter(
    'rideline_booking_transitions_total',
    'Booking events committed to the event store, by type (BookingRequested, BookingAccepted, TripStarted, TripCompleted, BookingCancelled, BookingExpired)',
    { labelNames: ['type'] },
  );
  const outboxWait = define.histogram(
    'rideline_outbox_wait_seconds',
    'Time from the oldest row of a published batch being written to the broker acknowledging it',
    { buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 30] },
  );
  // Per row, not per batch: under load a batch holds many rows, and the slow batches the most.
  const outboxRowWait = define.histogram(
    'rideline_outbox_row_wait_seconds',
    'Time from each outbox row being written (its transaction) to the broker acknowledging it: commit → Kafka per event',
    { buckets: [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30] },
  );
  const offerChecks = define.counter(
    'rideline_booking_offer_checks_total',
    'Accepts checked against dispatch offers, by outcome (known, arrived, waited_offered, not_offered, lagging)',
    { labelNames: ['outcome'] },
  );

  // Both gauges below come from one query per scrape: prom-client collects them concurrently, so
  // the second finds the first one's reading in flight.
  let reading: Promise<OutboxBacklog | null> | null = null;
  const readBacklog = (): Promise<OutboxBacklog | null> =>
    (reading ??= sources
      .outboxBacklog()
      // A database that does not answer makes both gauges NaN (unknown, not an empty outbox)
      // rather than failing the whole scrape: every other metric still counts.
      .catch(() => null)
      .finally(() => (reading = null)));
  define.gauge(
    'rideline_outbox_backlog_rows',
    "Outbox rows committed and not yet published to Kafka, and for up to 50 ms rows published whose delete waits to travel with the relay's next statement (read at scrape time; NaN when the database does not answer)",
    {
      async collect() {
        this.set((await readBacklog())?.rows ?? Number.NaN);
      },
    },
  );
  define.gauge(
    'rideline_outbox_oldest_row_age_seconds',
    'Age of the oldest outbox row (not yet published, or published in the last 50 ms), 0 when the outbox is empty (read at scrape time; NaN when the database does not answer)',
    {
      async collect() {
        this.set((await readBacklog())?.oldestAgeSeconds ?? Number.NaN);
      },
    },
  );

  return {
    /** Events the store committed: only the public ones are transitions (OTP records are not). */
    committed(events: readonly BookingDomainEvent[]): void {
      for (const event of events) if (isPublic(event)) transitions.inc({ type: event.type });
    },
    /** The relay published a batch whose rows were written at `createdAts`, oldest first. */
    outboxPublished(createdAts: readonly Date[]): void {
      const now = Date.now();
      outboxWait.observe((now - createdAts[0]!.getTime()) / 1000);
      for (const createdAt of createdAts) outboxRowWait.observe((now - createdAt.getTime()) / 1000);
    },
    offerChecked(outcome: OfferCheckOutcome): void {
      offerChecks.inc({ outcome });
    },
    deadLettered: registerDeadLetterCounter(registry),
  };
}
