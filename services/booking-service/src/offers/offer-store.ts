import type { TopicMessage } from '@rideline/contracts';
import type { PrismaClient } from '../db/client.ts';

export type DispatchOfferEnvelope = TopicMessage<'dispatchOffers'>;

/** Where a record was read: its partition of the topic, and its offset there. */
export interface LogPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * `dispatch.offers` as booking-service keeps it: who was offered what (`driver_offers`), and
 * how far each partition has been read (`offer_log_positions`), both written by ONE statement per
 * record, so the stored position never runs ahead of the offers it covers.
 */
export class OfferStore {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Records one envelope read at `at`. Idempotent (the consumer delivers at least once) and
   * monotonic: a position never moves back, and an offer delivered again after its revocation
   * stays revoked. A revocation whose offer is not stored (gone with the topic's retention
   * before this group read it) changes nothing: that driver is answered NOT_OFFERED.
   */
  async record(envelope: DispatchOfferEnvelope, at: LogPosition): Promise<void> {
    const { booking_id: bookingId, driver_id: driverId } = envelope.data;
    const next = (BigInt(at.offset) + 1n).toString();
    const offeredAt = envelope.type === 'BookingOffered' ? envelope.data.offered_at : null;
    const revokeReason = envelope.type === 'OfferRevoked' ? envelope.data.reason : null;
    await this.prisma.$executeRaw`
      WITH offered AS (
        INSERT INTO driver_offers (booking_id, driver_id, offered_at)
        SELECT ${bookingId}::uuid, ${driverId}::uuid, ${offeredAt}::timestamptz WHERE ${offeredAt}::timestamptz IS NOT NULL
        ON CONFLICT (booking_id, driver_id) DO NOTHING
        RETURNING 1
      ), revoked AS (
        UPDATE driver_offers SET revoked_at = ${envelope.occurred_at}::timestamptz, revoke_reason = ${revokeReason}
        WHERE ${revokeReason}::text IS NOT NULL AND booking_id = ${bookingId}::uuid AND driver_id = ${driverId}::uuid
          AND revoked_at IS NULL
        RETURNING 1
      )
      INSERT INTO offer_log_positions (topic, partition, next_offset, updated_at)
      VALUES (${at.topic}, ${at.partition}, ${next}::bigint, now())
      ON CONFLICT (topic, partition) DO UPDATE SET
        next_offset = GREATEST(offer_log_positions.next_offset, EXCLUDED.next_offset), updated_at = now()`;
  }

  /** Moves the read position past a record that holds no offer (one parked as undecodable). */
  async skip(at: LogPosition): Promise<void> {
    const next = (BigInt(at.offset) + 1n).toString();
    await this.prisma.$executeRaw`
      INSERT INTO offer_log_positions (topic, partition, next_offset, updated_at)
      VALUES (${at.topic}, ${at.partition}, ${next}::bigint, now())
      ON CONFLICT (topic, partition) DO UPDATE SET
        next_offset = GREATEST(offer_log_positions.next_offset, EXCLUDED.next_offset), updated_at = now()`;
  }

  async isOffered(bookingId: string, driverId: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ offered: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM driver_offers WHERE booking_id = ${bookingId}::uuid AND driver_id = ${driverId}::uuid) AS offered`;
    return rows[0]?.offered === true;
  }

  /** Whether the offer is stored, and the next offset to read of the partition (null: none read yet). */
  async lookup(bookingId: string, driverId: string, topic: string, partition: number): Promise<{ offered: boolean; nextOffset: bigint | null }> {
    const rows = await this.prisma.$queryRaw<{ offered: boolean; next_offset: bigint | null }[]>`
      SELECT EXISTS (SELECT 1 FROM driver_offers WHERE booking_id = ${bookingId}::uuid AND driver_id = ${driverId}::uuid) AS offered,
             (SELECT next_offset FROM offer_log_positions WHERE topic = ${topic} AND partition = ${partition}) AS next_offset`;
    const row = rows[0];
    return { offered: row?.offered === true, nextOffset: row?.next_offset ?? null };
  }
}
