import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { BookingStatus } from './booking-status.ts';
import { Id, Latitude, Longitude } from './shared-shapes.ts';

// The statuses travel in `booking_status`: clients that import only this module get them too.
export { BookingStatus } from './booking-status.ts';

/**
 * The WebSocket messages of websocket-api.md and API.md ("WebSockets"), defined once for the
 * gateway that sends them and the clients (apps, demo, e2e) that read them. Node-free, so a
 * browser or React Native bundle can import it; typebox's compiler falls back to its
 * interpreter where `new Function` is not allowed.
 *
 * Extra fields are allowed (API.md: "Extra fields in a response or message are allowed"), so
 * the objects are open: a client built against this version keeps reading a newer server.
 */

const Text = Type.String({ minLength: 1 });

/** A booking's status changed (both the rider's and the driver's socket). */
export const BookingStatusMessage = Type.Object({
  type: Type.Literal('booking_status'),
  booking_id: Id,
  status: BookingStatus,
  message: Text,
});
export type BookingStatusMessage = Static<typeof BookingStatusMessage>;

/** The OTP that starts the trip, to the rider only; `booking_id` is an addition of API.md. */
export const OtpMessage = Type.Object({
  type: Type.Literal('otp'),
  booking_id: Id,
  otp: Type.String({ pattern: '^[0-9]{6}$' }),
  message: Text,
});
export type OtpMessage = Static<typeof OtpMessage>;

/** A booking offered to this driver (`/ws/driver/available_bookings/`). */
export const AvailableBookingMessage = Type.Object({
  type: Type.Literal('available_booking'),
  booking_id: Id,
  pickup_location: Type.String(),
  dropoff_location: Type.String(),
  estimated_cost: Type.Number({ minimum: 0 }),
  message: Text,
});
export type AvailableBookingMessage = Static<typeof AvailableBookingMessage>;

/** A booking offered earlier was taken, cancelled or expired (API.md addition). */
export const BookingUnavailableMessage = Type.Object({
  type: Type.Literal('booking_unavailable'),
  booking_id: Id,
  message: Text,
});
export type BookingUnavailableMessage = Static<typeof BookingUnavailableMessage>;

/** A refused frame or token, and the disconnection notice; the API error body plus `type`. */
export const SocketErrorMessage = Type.Object({
  type: Type.Literal('error'),
  success: Type.Literal(false),
  message: Text,
});
export type SocketErrorMessage = Static<typeof SocketErrorMessage>;

/** Every message the gateway sends, told apart by `type`. */
export const ServerMessage = Type.Union([BookingStatusMessage, OtpMessage, AvailableBookingMessage, BookingUnavailableMessage, SocketErrorMessage]);
export type ServerMessage = Static<typeof ServerMessage>;
export type ServerMessageType = ServerMessage['type'];
export type ServerMessageOf<T extends ServerMessageType> = Extract<ServerMessage, { readonly type: T }>;

/** A driver's position, sent on `/ws/driver/available_bookings/` (as `PUT /drivers/me/location`). */
export const LocationFrame = Type.Object({
  type: Type.Literal('location'),
  lat: Latitude,
  lng: Longitude,
});
export type LocationFrame = Static<typeof LocationFrame>;

/** Replaces the socket's access token before it expires, on any endpoint. */
export const RefreshFrame = Type.Object({
  type: Type.Literal('refresh'),
  token: Type.String({ minLength: 1, maxLength: 4_096 }),
});
export type RefreshFrame = Static<typeof RefreshFrame>;

/** Every frame a client may send. */
export const ClientFrame = Type.Union([LocationFrame, RefreshFrame]);
export type ClientFrame = Static<typeof ClientFrame>;

const serverMessageCheck = Compile(ServerMessage);
const locationFrameCheck = Compile(LocationFrame);
const refreshFrameCheck = Compile(RefreshFrame);

export const isServerMessage = (value: unknown): value is ServerMessage => serverMessageCheck.Check(value);
export const isLocationFrame = (value: unknown): value is LocationFrame => locationFrameCheck.Check(value);
export const isRefreshFrame = (value: unknown): value is RefreshFrame => refreshFrameCheck.Check(value);

/**
 * Reads one text message from the gateway: the message, or null when it is not JSON or does
 * not match the contract (a client should log and skip it rather than act on a guess).
 */
export function decodeServerMessage(text: string): ServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return isServerMessage(value) ? value : null;
}
