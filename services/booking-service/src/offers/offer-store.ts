import type { TopicMessage } from '@rideline/contracts';
import type { PrismaClient } from '../db/client.ts';
import { Prisma } from '../generated/prisma/client.ts';

export type DispatchOfferEnvelope = TopicMessage<'dispatchOffers'>;

/** Where a record was read: its partition of the topic, and its offset there. */
export interface LogPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** Consecutive records of one partition, the last of them read at `last`. */
export interface OfferRun {
  readonly envelopes: readonly DispatchOfferEnvelope[];
  readonly last: LogPosition;
}

/**
 * Whether dispatch offered `bookingId` to `driverId` (revoked since or not), as a boolean SQL
 * expression: an accept reads it in the statement that loads the booking
 * (`BookingEventStore.loadForAccept`).
 */
export function storedOffer(bookingId: string, driverId: string): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM driver_offers WHERE booking_id = ${bookingId}::uuid AND driver_id = ${driverId}::uuid)`;
}

/**
 * `dispatch.offers` as booking-service keeps it: who was offered what (`driver_offers`), and
 * how far each partition has been read (`offer_log_positions`), both written by ONE statement per
 * run of records (or per several partitions' runs), so the stored position never runs ahead of
 * the offers it covers.
 */
export class OfferStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Records one run (see `recordRuns`). */
  recordRun(envelopes: readonly DispatchOfferEnvelope[], last: LogPosition): Promise<void> {
    return this.recordRuns([{ envelopes, last }]);
  }

  /**
   * Records runs of consecutive envelopes, each run of one partition and read up to its `last`,
   * in ONE statement: a statement per record capped how fast offers could be stored, and a
   * statement per run cost about five round trips a ride (its offers and revocations go to several
   * drivers, so several partitions), where one fetch brought them about two at a time.
   * Idempotent (the consumer delivers at least once) and monotonic: a position never moves back,
   * and an offer delivered again after its revocation stays revoked. A revocation whose offer is
   * not stored (gone with the topic's retention before this group read it) changes nothing: that
   * driver is answered NOT_OFFERED.
   *
   * The statement's parts all see the table as it was before it, so a revocation of an offer made
   * earlier in the same call cannot update that offer's row: the row is inserted already revoked,
   * by the first revocation that follows the offer. The runs are taken in the order given, which
   * leaves the rows storing them one after the other in that order would (an offer and its
   * revocations share a partition, being keyed by driver id, so their order is the partition's).
   */
  async recordRuns(runs: readonly OfferRun[]): Promise<void> {
    const stored = runs.filter((run) => run.envelopes.length > 0);
    if (stored.length === 0) return;
    const envelopes = stored.flatMap((run) => run.envelopes);
    const bookingIds = envelopes.map((e) => e.data.booking_id);
    const driverIds = envelopes.map((e) => e.data.driver_id);
    const offeredAts = envelopes.map((e) => (e.type === 'BookingOffered' ? e.data.offered_at : null));
    const revokedAts = envelopes.map((e) => (e.type === 'OfferRevoked' ? e.occurred_at : null));
    const revokeReasons = envelopes.map((e) => (e.type === 'OfferRevoked' ? e.data.reason : null));
    const positions = stored.map((run) => run.last);
    const topics = positions.map((at) => at.topic);
    const partitions = positions.map((at) => at.partition);
    const nexts = positions.map((at) => (BigInt(at.offset) + 1n).toString());
    // A partition's position is upserted once (GROUP BY): PostgreSQL refuses an upsert that
    // touches a row twice, should two runs of one partition ever come together. The revocation
    // that follows an offer is found by a join, not a subquery per offer: that scanned all the
    // call's records for each offer, quadratic in them (24 runs of 500 records in one call
    // took 2.7 s on this machine, now 0.13 s).
    await this.prisma.$executeRaw`
      WITH run AS (
        SELECT * FROM unnest(${bookingIds}::uuid[], ${driverIds}::uuid[], ${offeredAts}::timestamptz[], ${revokedAts}::timestamptz[], ${revokeReasons}::text[])
          WITH ORDINALITY AS r(booking_id, driver_id, offered_at, revoked_at, revoke_reason, seq)
      ), first_offers AS (
        SELECT DISTINCT ON (booking_id, driver_id) booking_id, driver_id, offered_at, seq
        FROM run WHERE offered_at IS NOT NULL ORDER BY booking_id, driver_id, seq
      ), first_revocations AS (
        SELECT DISTINCT ON (booking_id, driver_id) booking_id, driver_id, revoked_at, revoke_reason
        FROM run WHERE revoke_reason IS NOT NULL ORDER BY booking_id, driver_id, seq
      ), later_revocations AS (
        SELECT DISTINCT ON (r.booking_id, r.driver_id) r.booking_id, r.driver_id, r.revoked_at, r.revoke_reason
        FROM run r JOIN first_offers o ON o.booking_id = r.booking_id AND o.driver_id = r.driver_id
        WHERE r.revoke_reason IS NOT NULL AND r.seq > o.seq
        ORDER BY r.booking_id, r.driver_id, r.seq
      ), offered AS (
        INSERT INTO driver_offers (booking_id, driver_id, offered_at, revoked_at, revoke_reason)
        SELECT o.booking_id, o.driver_id, o.offered_at, later.revoked_at, later.revoke_reason
        FROM first_offers o
        LEFT JOIN later_revocations later ON later.booking_id = o.booking_id AND later.driver_id = o.driver_id
        ON CONFLICT (booking_id, driver_id) DO NOTHING
        RETURNING 1
      ), revoked AS (
        UPDATE driver_offers SET revoked_at = f.revoked_at, revoke_reason = f.revoke_reason
        FROM first_revocations f
        WHERE driver_offers.booking_id = f.booking_id AND driver_offers.driver_id = f.driver_id AND driver_offers.revoked_at IS NULL
        RETURNING 1
      )
      INSERT INTO offer_log_positions (topic, partition, next_offset, updated_at)
      SELECT p.topic, p.partition, max(p.next_offset), now()
      FROM unnest(${topics}::text[], ${partitions}::int[], ${nexts}::bigint[]) AS p(topic, partition, next_offset)
      -- Upserted in one order by every writer, so two instances writing the same partitions (a
      -- rebalance in between) wait for each other rather than deadlock.
      GROUP BY p.topic, p.partition ORDER BY p.topic, p.partition
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
    const rows = await this.prisma.$queryRaw<{ offered: boolean }[]>`SELECT ${storedOffer(bookingId, driverId)} AS offered`;
    return rows[0]?.offered === true;
  }

  /** Whether the offer is stored, and the next offset to read of the partition (null: none read yet). */
  async lookup(bookingId: string, driverId: string, topic: string, partition: number): Promise<{ offered: boolean; nextOffset: bigint | null }> {
    const rows = await this.prisma.$queryRaw<{ offered: boolean; next_offset: bigint | null }[]>`
      SELECT ${storedOffer(bookingId, driverId)} AS offered,
             (SELECT next_offset FROM offer_log_positions WHERE topic = ${topic} AND partition = ${partition}) AS next_offset`;
    const row = rows[0];
    return { offered: row?.offered === true, nextOffset: row?.next_offset ?? null };
  }
}
