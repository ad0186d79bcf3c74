import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
// Before any validator is compiled: the fast paths of the uuid and date-time formats.
import './formats.ts';
import { BookingEvent } from './booking-events.ts';
import { BookingNotification } from './booking-notifications.ts';
import { DispatchOffer } from './dispatch-offers.ts';
import { DriverLocationRecord } from './driver-locations.ts';
import { IdentityRevocation } from './identity-revocations.ts';
import type { TopicId } from './topics.ts';

/**
 * Which messages each topic carries: `publish(topic, message)` and `decode(topic, bytes)` are
 * typed by this map, so a message can only be sent to the topic that carries its kind.
 * The dead-letter topic carries whatever could not be decoded, so it has no schema here.
 */
export const TOPIC_MESSAGE_SCHEMAS = {
  bookingEvents: BookingEvent,
  bookingNotifications: BookingNotification,
  driverLocations: DriverLocationRecord,
  dispatchOffers: DispatchOffer,
  identityRevocations: IdentityRevocation,
} as const satisfies Partial<Record<TopicId, TSchema>>;

export type MessageTopicId = keyof typeof TOPIC_MESSAGE_SCHEMAS;
export type TopicMessage<T extends MessageTopicId> = Static<(typeof TOPIC_MESSAGE_SCHEMAS)[T]>;

const validators = {
  bookingEvents: Compile(BookingEvent),
  bookingNotifications: Compile(BookingNotification),
  driverLocations: Compile(DriverLocationRecord),
  dispatchOffers: Compile(DispatchOffer),
  identityRevocations: Compile(IdentityRevocation),
};

export type DecodeResult<T extends MessageTopicId> = { readonly ok: true; readonly message: TopicMessage<T> } | { readonly ok: false; readonly reason: string };

/** Parses and validates one record value; never throws, so a poison record cannot crash a consumer. */
export function decodeMessage<T extends MessageTopicId>(topic: T, value: Buffer | string | null): DecodeResult<T> {
  if (value === null) return { ok: false, reason: 'record has no value' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'record value is not JSON' };
  }
  const validator = validators[topic];
  if (validator.Check(parsed)) return { ok: true, message: parsed as TopicMessage<T> };
  const first = validator.Errors(parsed)[0];
  const where = first ? `${first.instancePath || '/'}: ${first.message}` : 'unknown error';
  return { ok: false, reason: `record does not match ${topic} schema (${where})` };
}

export function isValidMessage<T extends MessageTopicId>(topic: T, message: unknown): message is TopicMessage<T> {
  return validators[topic].Check(message);
}
