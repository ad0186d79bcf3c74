import { statusesWhere, type BookingStatus } from '@rideline/contracts';
import type { PrismaClient } from '../db/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { SqlClient } from './event-store.ts';

/**
 * The statuses as SQL literals rather than bind parameters: the partial indexes of the
 * driver_exclusivity migration name them literally, and PostgreSQL only uses a partial index
 * when it can see that the query's predicate implies the index's. The lists come from the
 * contract's traits; test/active-statuses.unit.test.ts checks the migration still agrees.
 */
export const DRIVER_HELD_STATUSES = statusesWhere((traits) => traits.holdsDriver);
export const RIDER_ACTIVE_STATUSES = statusesWhere((traits) => traits.phase === 'active');

function sqlList(statuses: readonly BookingStatus[]): Prisma.Sql {
  // Statuses are the contract's identifiers ([a-z_]), never input: safe to inline.
  return Prisma.raw(statuses.map((status) => `'${status}'`).join(', '));
}
const DRIVER_HELD_SQL = sqlList(DRIVER_HELD_STATUSES);
const RIDER_ACTIVE_SQL = sqlList(RIDER_ACTIVE_STATUSES);

/**
 * Class id of the riders' advisory locks (two-key form, so they never meet the outbox relay's
 * one-key lock): "RIDR".
 */
const RIDER_LOCK_CLASS = 0x5249_4452;

/**
 * Who holds what right now, from the `bookings` read model (written in the same statement as
 * the events, so it is never behind a committed change).
 */
export class ActiveBookings {
  constructor(private readonly prisma: PrismaClient) {}

  /** The booking the driver holds (accepted or on a trip; at most one: a unique index). */
  async ofDriver(driverId: string): Promise<string | null> {
    const rows = await this.prisma.$queryRaw<{ booking_id: string }[]>`
      SELECT booking_id::text FROM bookings
      WHERE driver_id = ${driverId}::uuid AND status IN (${DRIVER_HELD_SQL}) LIMIT 1`;
    return rows[0]?.booking_id ?? null;
  }

  /**
   * Serialises the rider's new bookings until the transaction ends. Taken in a statement of its
   * own: under READ COMMITTED each later statement of the transaction then sees every booking a
   * previous holder committed, so counting and appending cannot interleave with another request.
   */
  async lockRider(tx: SqlClient, userId: string): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${RIDER_LOCK_CLASS}::int4, hashtext(${userId}))`;
  }

  /**
   * The rider's active bookings (pending before their deadline, accepted, on a trip). A pending
   * booking past its deadline can no longer be accepted, so it does not hold the rider up
   * while it waits for the sweeper to expire it.
   */
  async countOfRider(tx: SqlClient, userId: string, now: string): Promise<number> {
    const rows = await tx.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM bookings
      WHERE user_id = ${userId}::uuid
        AND status IN (${RIDER_ACTIVE_SQL})
        AND (status <> 'pending' OR expires_at > ${now}::timestamptz)`;
    return rows[0]?.n ?? 0;
  }
}
