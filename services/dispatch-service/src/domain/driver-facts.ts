import type { BookingEvent, DriverLocationRecord } from '@rideline/contracts';
import type { DriverFact } from './driver-registry.ts';

/**
 * The driver facts in a (validated) record of `driver.locations`. A record carries the driver's
 * whole reported state; a null field was not reported and changes nothing.
 */
export function factsFromDriverStatus(record: DriverLocationRecord): DriverFact[] {
  const { driver_id: driverId, available, location, reported_at } = record.data;
  const atMs = Date.parse(reported_at);
  if (Number.isNaN(atMs)) throw new RangeError(`unreadable reported_at: ${reported_at}`);
  const facts: DriverFact[] = [];
  if (location !== null) facts.push({ type: 'LocationReported', driverId, lat: location.lat, lng: location.lng, atMs });
  if (available !== null) facts.push({ type: 'AvailabilityReported', driverId, available, atMs });
  return facts;
}

/** The driver facts in a (validated) event of `booking.events`: who took, and who left, a booking. */
export function factsFromBookingEvent(event: BookingEvent): DriverFact[] {
  switch (event.type) {
    case 'BookingAccepted':
    case 'TripStarted':
      return [{ type: 'TripAssigned', driverId: event.data.driver_id, bookingId: event.data.booking_id }];
    case 'TripCompleted':
      return [{ type: 'TripEnded', driverId: event.data.driver_id, bookingId: event.data.booking_id }];
    case 'BookingCancelled':
      return event.data.driver_id === null ? [] : [{ type: 'TripEnded', driverId: event.data.driver_id, bookingId: event.data.booking_id }];
    case 'BookingRequested':
    case 'BookingExpired':
      return [];
    default:
      return assertNever(event);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled booking event: ${JSON.stringify(value)}`);
}
