import type { Folded, LogRecord } from '../domain/index.ts';
import type { DriverLocationRecord } from '@rideline/contracts';

/** Where a record read by the picture consumer goes; the production parts are wired in `dispatch-system.ts`. */
export interface RecordRoutes {
  /** Folds the record into the picture (`DispatchState.fold`). */
  readonly fold: (record: LogRecord) => Folded;
  /** Every driver.locations record, duplicates included (`DriverStateKeeper.observe`). */
  readonly observeDriverLocation: (message: DriverLocationRecord, partition: number) => void;
  /** Location reports from the topic that moved a driver (the ingest metric). */
  readonly countLocationUpdates: (count: number) => void;
  /** Whether the replay is done (`TopicConsumer.caughtUp` of the picture consumer). */
  readonly caughtUp: () => boolean;
  /** Something may now be owed for this booking (`Dispatcher.poke`). */
  readonly poke: (bookingId: string) => void;
}

/**
 * One record of driver.locations, booking.events or dispatch.offers, routed: folded into the
 * picture; a driver.locations record also goes to the state keeper and the ingest metric; once
 * the replay is done, the booking it is about is poked. Until then records only rebuild state:
 * nothing is decided from half a picture. No I/O.
 */
export function routeRecord(record: LogRecord, routes: RecordRoutes): void {
  const folded = routes.fold(record);
  if (record.topic === 'driverLocations') {
    routes.observeDriverLocation(record.message, record.partition);
    if (folded.locationUpdates > 0) routes.countLocationUpdates(folded.locationUpdates);
  }
  if (routes.caughtUp() && folded.bookingId !== null) routes.poke(folded.bookingId);
}
