import type { Folded, LogRecord } from '../domain/index.ts';
import type { DriverLocationRecord } from '@rideline/contracts';

/** Where a record read by the state consumer goes; the production parts are wired in `dispatch-system.ts`. */
export interface RecordRoutes {
  /** Folds the record into the state (`DispatchState.fold`). */
  readonly fold: (record: LogRecord) => Folded;
  /** Every driver.locations record, duplicates included (`DriverStateRepublisher.observe`). */
  readonly observeDriverLocation: (message: DriverLocationRecord, partition: number) => void;
  /** Location reports from the topic that moved a driver (the ingest metric). */
  readonly countLocationUpdates: (count: number) => void;
  /** Whether the replay is done (`TopicConsumer.caughtUp` of the state consumer). */
  readonly caughtUp: () => boolean;
  /** Something may now be owed for this booking (`Dispatcher.review`). */
  readonly review: (bookingId: string) => void;
}

/**
 * One record of driver.locations, booking.events or dispatch.offers, routed: folded into the
 * state; a driver.locations record also goes to the state republisher and the ingest metric; once
 * the replay is done, the booking it is about is reviewed. Until then records only rebuild state:
 * nothing is decided from half the state. No I/O.
 */
export function routeRecord(record: LogRecord, routes: RecordRoutes): void {
  const folded = routes.fold(record);
  if (record.topic === 'driverLocations') {
    routes.observeDriverLocation(record.message, record.partition);
    if (folded.locationUpdates > 0) routes.countLocationUpdates(folded.locationUpdates);
  }
  if (routes.caughtUp() && folded.bookingId !== null) routes.review(folded.bookingId);
}
