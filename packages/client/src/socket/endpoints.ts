import {
  isLocationFrame,
  type AvailableBookingMessage,
  type BookingStatusMessage,
  type BookingUnavailableMessage,
  type OtpMessage,
  type ServerMessage,
  type SocketErrorMessage,
} from '@rideline/contracts/socket-messages';
import { systemClock } from './clock.ts';
import { LocationThrottle } from './location-throttle.ts';
import { SocketClient, type SocketClientOptions } from './socket-client.ts';

/** The gateway's endpoints (websocket-api.md). */
export const SOCKET_PATHS = {
  rider: '/ws/bookings/',
  driverBookings: '/ws/driver/bookings/',
  availableBookings: '/ws/driver/available_bookings/',
} as const;

/** What each endpoint sends; any other type on it is reported as an invalid message. */
export type RiderMessage = BookingStatusMessage | OtpMessage | SocketErrorMessage;
export type DriverBookingsMessage = BookingStatusMessage | SocketErrorMessage;
export type AvailableBookingsMessage = AvailableBookingMessage | BookingUnavailableMessage | SocketErrorMessage;

const types = <M extends ServerMessage>(...list: M['type'][]): ReadonlySet<M['type']> => new Set(list);

/** A rider's socket (`/ws/bookings/`, user token): `booking_status`, `otp`, `error`. */
export function riderSocket(options: SocketClientOptions): SocketClient<RiderMessage> {
  return new SocketClient(SOCKET_PATHS.rider, types<RiderMessage>('booking_status', 'otp', 'error'), options);
}

/** A driver's assigned bookings (`/ws/driver/bookings/`, driver token): `booking_status`, `error`. */
export function driverBookingsSocket(options: SocketClientOptions): SocketClient<DriverBookingsMessage> {
  return new SocketClient(SOCKET_PATHS.driverBookings, types<DriverBookingsMessage>('booking_status', 'error'), options);
}

export interface AvailableBookingsOptions extends SocketClientOptions {
  /** At most one location frame per this many ms. Default 1,000 (see location-throttle.ts). */
  readonly locationIntervalMs?: number;
}

/**
 * A driver's offers (`/ws/driver/available_bookings/`, driver token): `available_booking`,
 * `booking_unavailable`, `error`; and the driver's position, throttled.
 */
export class AvailableBookingsSocket extends SocketClient<AvailableBookingsMessage> {
  readonly #locations: LocationThrottle;

  constructor(options: AvailableBookingsOptions) {
    super(SOCKET_PATHS.availableBookings, types<AvailableBookingsMessage>('available_booking', 'booking_unavailable', 'error'), options);
    this.#locations = new LocationThrottle((frame) => this.sendFrame(frame), options.clock ?? systemClock, options.locationIntervalMs);
  }

  /**
   * Reports the driver's position. Sent now if the last frame is old enough, else the latest
   * report goes out when the interval allows (or when the socket opens); older ones are dropped.
   * Throws a RangeError on coordinates out of range, which the gateway would refuse.
   */
  reportLocation(lat: number, lng: number): void {
    const frame = { type: 'location' as const, lat, lng };
    if (!isLocationFrame(frame)) throw new RangeError(`Invalid coordinates: ${lat}, ${lng}`);
    this.#locations.report(frame);
  }

  protected override onOpen(): void {
    this.#locations.flush();
  }

  protected override onStop(): void {
    this.#locations.stop();
  }
}

export function availableBookingsSocket(options: AvailableBookingsOptions): AvailableBookingsSocket {
  return new AvailableBookingsSocket(options);
}
