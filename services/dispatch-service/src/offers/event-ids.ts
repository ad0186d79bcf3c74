import { createHash } from 'node:crypto';

/** Fixed namespace of every id dispatch derives (a UUID of its own, like RFC 9562's DNS or URL ones). */
const NAMESPACE = Buffer.from('8d6f1b52c4a94e0f9b3e2a7c5d1f0e64', 'hex');

/**
 * A name-based UUID (version 5: SHA-1 of namespace and name): the same name always gives the
 * same id. Dispatch names each decision (booking, driver, kind), so re-emitting a decision after
 * a replay or a retry carries the id it had, and consumers de-duplicate it on event_id.
 */
export function nameBasedUuid(name: string): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x50, 6); // version 5
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8); // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const offerEventId = (bookingId: string, driverId: string, kind: 'BookingOffered' | 'OfferRevoked'): string =>
  nameBasedUuid(`dispatch.offers/${bookingId}/${driverId}/${kind}`);
