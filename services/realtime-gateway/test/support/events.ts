import { randomUUID } from 'node:crypto';
import { DEVELOPMENT_NOTICE_KEY, NoticeSeal, otpNoticeContext, type PrincipalKind } from '@rideline/auth';
import { principalKey, type Canceller, type OfferRevocationReason, type TopicMessage } from '@rideline/contracts';
import type { KafkaRuntime } from '@rideline/kafka';

type BookingEvent = TopicMessage<'bookingEvents'>;
const now = () => new Date().toISOString();
const place = (address: string) => ({ lat: 12.97, lng: 77.59, address });

export interface BookingRef {
  readonly bookingId: string;
  readonly userId: string;
}

export const newId = (): string => randomUUID();

/**
 * The key test gateways open OTP notices with: they run without OTP_NOTICE_KEY, so they use the
 * public development key, as booking-service does in a development setup.
 */
export const TEST_NOTICE_SEAL = new NoticeSeal(DEVELOPMENT_NOTICE_KEY);

/** A booking event whose data is the booking, its rider and its driver. */
const withDriver = (type: 'BookingAccepted' | 'TripStarted' | 'TripCompleted', b: BookingRef, driverId: string, version: number): BookingEvent => ({
  event_id: randomUUID(),
  type,
  version,
  occurred_at: now(),
  data: { booking_id: b.bookingId, user_id: b.userId, driver_id: driverId },
});

/** Envelopes as booking-service and dispatch-service publish them. */
export const events = {
  requested: (b: BookingRef, version = 1): BookingEvent => ({
    event_id: randomUUID(),
    type: 'BookingRequested',
    version,
    occurred_at: now(),
    data: {
      booking_id: b.bookingId,
      user_id: b.userId,
      pickup: place('123 Street, City'),
      dropoff: place('456 Avenue, City'),
      estimated_cost: 300,
      expires_at: new Date(Date.now() + 120_000).toISOString(),
    },
  }),
  accepted: (b: BookingRef, driverId: string, version = 2) => withDriver('BookingAccepted', b, driverId, version),
  started: (b: BookingRef, driverId: string, version = 4) => withDriver('TripStarted', b, driverId, version),
  completed: (b: BookingRef, driverId: string, version = 5) => withDriver('TripCompleted', b, driverId, version),
  cancelled: (b: BookingRef, by: Canceller, driverId: string | null, version: number): BookingEvent => ({
    event_id: randomUUID(),
    type: 'BookingCancelled',
    version,
    occurred_at: now(),
    data: { booking_id: b.bookingId, user_id: b.userId, driver_id: driverId, cancelled_by: by, reason: null },
  }),
  expired: (b: BookingRef, version = 2): BookingEvent => ({
    event_id: randomUUID(),
    type: 'BookingExpired',
    version,
    occurred_at: now(),
    data: { booking_id: b.bookingId, user_id: b.userId },
  }),
  /** The OTP sealed as booking-service seals it; `seal` another key for a notice that must not open. */
  otp: (b: BookingRef, otp: string, version = 2, seal: NoticeSeal = TEST_NOTICE_SEAL): TopicMessage<'bookingNotifications'> => ({
    event_id: randomUUID(),
    type: 'OtpIssued',
    version,
    occurred_at: now(),
    data: { booking_id: b.bookingId, user_id: b.userId, otp_sealed: seal.seal(otp, otpNoticeContext(b.bookingId, b.userId)) },
  }),
  sessionRevoked: (
    principal: { readonly kind: PrincipalKind; readonly id: string },
    sessionId: string,
    tokensValidUntil: Date = new Date(Date.now() + 15 * 60_000),
  ): TopicMessage<'identityRevocations'> => ({
    event_id: randomUUID(),
    type: 'SessionRevoked',
    version: 1,
    occurred_at: now(),
    data: {
      principal_kind: principal.kind,
      principal_id: principal.id,
      session_id: sessionId,
      reason: 'logout',
      revoked_at: now(),
      tokens_valid_until: tokensValidUntil.toISOString(),
    },
  }),
  offered: (bookingId: string, driverId: string, address = '123 Street, City'): TopicMessage<'dispatchOffers'> => ({
    event_id: randomUUID(),
    type: 'BookingOffered',
    version: 1,
    occurred_at: now(),
    data: {
      booking_id: bookingId,
      driver_id: driverId,
      pickup: place(address),
      dropoff: place('456 Avenue, City'),
      estimated_cost: 300,
      distance_m: 850,
      offered_at: now(),
    },
  }),
  revoked: (bookingId: string, driverId: string, reason: OfferRevocationReason): TopicMessage<'dispatchOffers'> => ({
    event_id: randomUUID(),
    type: 'OfferRevoked',
    version: 1,
    occurred_at: now(),
    data: { booking_id: bookingId, driver_id: driverId, reason },
  }),
  location: (driverId: string, lat: number, lng: number, available: boolean | null = true): TopicMessage<'driverLocations'> => ({
    event_id: randomUUID(),
    type: 'DriverStatusReported',
    version: 1,
    occurred_at: now(),
    data: { driver_id: driverId, available, location: { lat, lng }, reported_at: now() },
  }),
};

/** Publishes with the key each topic is keyed by (API.md). */
export const publish = {
  booking: (kafka: KafkaRuntime, ...messages: BookingEvent[]) =>
    kafka.publisher.publish(messages.map((message) => ({ topic: 'bookingEvents', key: message.data.booking_id, message }))),
  notice: (kafka: KafkaRuntime, ...messages: TopicMessage<'bookingNotifications'>[]) =>
    kafka.publisher.publish(messages.map((message) => ({ topic: 'bookingNotifications', key: message.data.user_id, message }))),
  offer: (kafka: KafkaRuntime, ...messages: TopicMessage<'dispatchOffers'>[]) =>
    kafka.publisher.publish(messages.map((message) => ({ topic: 'dispatchOffers', key: message.data.driver_id, message }))),
  location: (kafka: KafkaRuntime, ...messages: TopicMessage<'driverLocations'>[]) =>
    kafka.publisher.publish(messages.map((message) => ({ topic: 'driverLocations', key: message.data.driver_id, message }))),
  revocation: (kafka: KafkaRuntime, ...messages: TopicMessage<'identityRevocations'>[]) =>
    kafka.publisher.publish(
      messages.map((message) => ({
        topic: 'identityRevocations',
        key: principalKey(message.data.principal_kind, message.data.principal_id),
        message,
      })),
    ),
};
