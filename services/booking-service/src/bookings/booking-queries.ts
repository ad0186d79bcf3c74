import type { BookingStatus, Place } from '@rideline/contracts';
import type { PrismaClient } from '../db/client.ts';
import type { Booking as BookingRow } from '../generated/prisma/client.ts';
import type { Principal } from '../identity/index.ts';
import type { BookingView } from './booking-view.ts';

const toView = (row: BookingRow): BookingView => ({
  booking_id: row.bookingId,
  user_id: row.userId,
  driver_id: row.driverId,
  status: row.status as BookingStatus,
  pickup: row.pickup as Place,
  dropoff: row.dropoff as Place,
  estimated_cost: row.estimatedCost,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
  expires_at: row.expiresAt.toISOString(),
});

/** Reads of the `bookings` read model, for the GET endpoints and the expiry sweeper. */
export class BookingQueries {
  constructor(private readonly prisma: PrismaClient) {}

  async byId(bookingId: string): Promise<BookingView | null> {
    const row = await this.prisma.booking.findUnique({ where: { bookingId } });
    return row ? toView(row) : null;
  }

  /** A user's own bookings, or the bookings assigned to a driver; newest first. */
  async visibleTo(principal: Principal, status: BookingStatus | undefined, limit: number): Promise<BookingView[]> {
    const rows = await this.prisma.booking.findMany({
      where: {
        ...(principal.kind === 'user' ? { userId: principal.id } : { driverId: principal.id }),
        ...(status ? { status } : {}),
      },
      orderBy: { createdAt: 'desc' },
      take: limit,
    });
    return rows.map(toView);
  }

  /** Pending bookings past their deadline, oldest first. */
  async overdue(now: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.booking.findMany({
      where: { status: 'pending', expiresAt: { lte: now } },
      orderBy: { expiresAt: 'asc' },
      take: limit,
      select: { bookingId: true },
    });
    return rows.map((row) => row.bookingId);
  }
}
