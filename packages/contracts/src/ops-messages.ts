import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { Id, Latitude, Longitude } from './shared-shapes.ts';
import { BookingStatus, Canceller, OfferRevocationReason } from './booking-status.ts';

/**
 * The operator stream, `/ws/ops/live` (websocket-api.md, additions): the whole city as the Kafka
 * topics tell it, for the ops console. One snapshot when the socket opens, then an update frame a
 * few times a second holding what changed since the last one: a driver that pinged ten times in
 * between appears once, with its latest position, so a frame's size is bounded by the number of
 * drivers, never by their ping rate. Times are ms since the epoch (numbers, so 10,000 drivers
 * cost no date parsing). Objects are open, as everywhere in the socket contract.
 */

/** What a driver is doing, as the console colours it. */
export const OpsDriverState = Type.Union([
  /** Said it is unavailable, or has not reported within the stale window. */
  Type.Literal('offline'),
  Type.Literal('available'),
  /** Holds an open offer. */
  Type.Literal('offered'),
  /** Accepted a booking, on the way to the pickup. */
  Type.Literal('assigned'),
  Type.Literal('on_trip'),
]);
export type OpsDriverState = Static<typeof OpsDriverState>;

export const OpsDriver = Type.Object({
  id: Id,
  /** Null until the driver has reported a position. */
  lat: Type.Union([Latitude, Type.Null()]),
  lng: Type.Union([Longitude, Type.Null()]),
  state: OpsDriverState,
  /** When the driver last reported (ms). */
  at: Type.Number(),
});
export type OpsDriver = Static<typeof OpsDriver>;

const OpsPlace = Type.Object({ lat: Latitude, lng: Longitude, address: Type.String() });

export const OpsBooking = Type.Object({
  id: Id,
  status: BookingStatus,
  user_id: Id,
  driver_id: Type.Union([Id, Type.Null()]),
  pickup: OpsPlace,
  dropoff: OpsPlace,
  estimated_cost: Type.Number(),
  /** Who cancelled it, once cancelled; else null. */
  cancelled_by: Type.Union([Canceller, Type.Null()]),
  requested_at: Type.Number(),
  /** The first offer to any driver; null until dispatch offers it. */
  first_offer_at: Type.Union([Type.Number(), Type.Null()]),
  accepted_at: Type.Union([Type.Number(), Type.Null()]),
  updated_at: Type.Number(),
});
export type OpsBooking = Static<typeof OpsBooking>;

/** An offer still open: dispatch offered `booking_id` to `driver_id` and has not revoked it. */
export const OpsOffer = Type.Object({ booking_id: Id, driver_id: Id, offered_at: Type.Number() });
export type OpsOffer = Static<typeof OpsOffer>;

export const OpsOfferClosed = Type.Object({
  booking_id: Id,
  driver_id: Id,
  reason: OfferRevocationReason,
});
export type OpsOfferClosed = Static<typeof OpsOfferClosed>;

/** Figures over the recent past, computed where every record is seen (the gateway). */
export const OpsStats = Type.Object({
  offers_last_minute: Type.Integer({ minimum: 0 }),
  /** Median seconds from request to first offer, over bookings requested in the last 15 minutes; null with none. */
  median_time_to_offer_s: Type.Union([Type.Number(), Type.Null()]),
  /** Median seconds from request to acceptance, over the same bookings; null with none. */
  median_time_to_accept_s: Type.Union([Type.Number(), Type.Null()]),
});
export type OpsStats = Static<typeof OpsStats>;

/** The first message on the socket: every known driver, every active booking, every open offer. */
export const OpsSnapshotMessage = Type.Object({
  type: Type.Literal('ops_snapshot'),
  at: Type.Number(),
  drivers: Type.Array(OpsDriver),
  bookings: Type.Array(OpsBooking),
  offers: Type.Array(OpsOffer),
  stats: OpsStats,
});
export type OpsSnapshotMessage = Static<typeof OpsSnapshotMessage>;

/**
 * What changed since the previous frame. A booking that ended is sent once with its final status
 * and then forgotten; a driver unheard of for long is listed in `drivers_gone`.
 */
export const OpsUpdateMessage = Type.Object({
  type: Type.Literal('ops_update'),
  at: Type.Number(),
  drivers: Type.Array(OpsDriver),
  drivers_gone: Type.Array(Id),
  bookings: Type.Array(OpsBooking),
  offers: Type.Array(OpsOffer),
  offers_closed: Type.Array(OpsOfferClosed),
  stats: OpsStats,
});
export type OpsUpdateMessage = Static<typeof OpsUpdateMessage>;

export const OpsMessage = Type.Union([OpsSnapshotMessage, OpsUpdateMessage]);
export type OpsMessage = Static<typeof OpsMessage>;

const opsMessageCheck = Compile(OpsMessage);
export const isOpsMessage = (value: unknown): value is OpsMessage => opsMessageCheck.Check(value);
