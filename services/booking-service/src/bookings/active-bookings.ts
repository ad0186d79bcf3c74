import { statusesWhere, type BookingStatus } from '@rideline/contracts';
import type { PrismaClient } from '../db/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { AppendGuard } from './event-store.ts';

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

/**
 * The booking the driver holds (accepted or on a trip; at most one: a unique index), as a query
 * of one text column and at most one row: an accept reads it in the statement that loads the
 * booking (`BookingEventStore.loadForAccept`).
 */
export function driverHeldBooking(driverId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT booking_id::text FROM bookings
    WHERE driver_id = ${driverId}::uuid AND status IN (${DRIVER_HELD_SQL}) LIMIT 1`;
}

/**
 * Who holds what right now, from the `bookings` read model (written in the same statement as
 * the events, so it is never behind a committed change).
 */
export class ActiveBookings {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * The rider's active bookings (pending before their deadline, accepted, on a trip). A pending
   * booking past its deadline can no longer be accepted, so it does not hold the rider up
   * while it waits for the sweeper to expire it. Counted by the database's
   * `rider_active_bookings` (migration 20261130100000_rider_active_bookings), the one definition.
   */
  async countOfRider(userId: string, now: string): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ n: number }[]>`SELECT rider_active_bookings(${userId}, ${now}::timestamptz) AS n`;
    return rows[0]?.n ?? 0;
  }

  /**
   * The guard of a new booking's append: the rider still has room under `limit`, counted under
   * the rider's advisory lock, held until the append commits. Requests of one rider arriving
   * together are so decided one after the other, as the database enforces one held booking per
   * driver (bookings_driver_active_key). This guard is what enforces the limit; the domain
   * decides the refusal, and its wording, on the count read once the guard has found no room.
   */
  riderHasRoom(userId: string, now: string, limit: number): AppendGuard {
    return Prisma.sql`rider_active_bookings(${userId}, ${now}::timestamptz) < ${limit}`;
  }
}
