import Type, { type Static } from 'typebox';
import { envelopeSchema } from './envelope.ts';
import { Id, Latitude, Longitude, Timestamp } from './shared-shapes.ts';

/**
 * Driver pings on the compacted `driver.locations` topic, keyed by driver id. Compaction keeps
 * only a driver's latest record, so each record carries the driver's whole reported state rather
 * than a delta: a location ping never erases availability and the reverse.
 */
export const DriverStatusReported = envelopeSchema(
  'DriverStatusReported',
  Type.Object({
    driver_id: Id,
    available: Type.Union([Type.Boolean(), Type.Null()]),
    location: Type.Union([Type.Object({ lat: Latitude, lng: Longitude }), Type.Null()]),
    reported_at: Timestamp,
  }),
);

export const DriverLocationRecord = Type.Union([DriverStatusReported]);
export type DriverLocationRecord = Static<typeof DriverLocationRecord>;
