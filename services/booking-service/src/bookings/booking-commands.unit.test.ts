import { NoticeSeal } from '@rideline/auth';
import { describe, expect, it } from 'vitest';
import type { BookingDomainEvent } from '../domain/events.ts';
import type { OfferCheck } from '../offers/offer-gate.ts';
import { BookingCommands } from './booking-commands.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { AppendGuardFailed, StreamVersionConflict, type AcceptReading } from './event-store.ts';

const BOOKING = '6f1c1f0e-0000-4000-8000-000000000001';
const RIDER = '6f1c1f0e-0000-4000-8000-000000000002';
const DRIVER = '6f1c1f0e-0000-4000-8000-000000000003';
const place = (address: string) => ({ lat: 12.97, lng: 77.59, address });

const requested: BookingDomainEvent = {
  type: 'BookingRequested',
  occurredAt: '2026-11-26T10:00:00.000Z',
  data: { booking_id: BOOKING, user_id: RIDER, pickup: place('1 Lane'), dropoff: place('2 Lane'), estimated_cost: 300, expires_at: '2026-11-26T10:02:00.000Z' },
};
const pending: AcceptReading = { history: [{ eventId: 'e1', version: 1, event: requested }], offered: true, driverActiveBookingId: null };
const request = { type: 'AcceptBooking', driverId: DRIVER, otpHash: 'hash-of-123456', now: '2026-11-26T10:00:30.000Z' } as const;

/**
 * An accept against fakes that log, in order, what it asks of the offer gate and the store:
 * `readings` are what its successive reads find (a function: the read fails), and the first
 * `conflicts` appends lose to another writer.
 */
function acceptWith(readings: readonly (AcceptReading | (() => never))[], { offered = true, conflicts = 0 } = {}) {
  const log: string[] = [];
  let reads = 0;
  let appends = 0;
  const commands = new BookingCommands({
    store: {
      load: () => Promise.reject(new Error('an accept loads through loadForAccept')),
      loadForAccept: async () => {
        log.push('read');
        const reading = readings[Math.min(reads++, readings.length - 1)]!;
        return typeof reading === 'function' ? reading() : reading;
      },
      append: async () => {
        log.push('append');
        if (appends++ < conflicts) throw new StreamVersionConflict(BOOKING);
      },
    },
    sealer: new NoticeSeal('k'.repeat(32)),
    relay: { isLeader: true, publishNow: () => {} },
    riderActiveBookingLimit: 1,
    active: {
      countOfRider: () => Promise.reject(new Error('not asked by an accept')),
      riderHasRoom: () => {
        throw new Error('not asked by an accept');
      },
    },
    offers: {
      begin: (): OfferCheck => {
        log.push('begin');
        return {
          answer: async (stored) => {
            log.push(`answer(${stored})`);
            return offered;
          },
          cancel: () => log.push('cancel'),
        };
      },
    },
  });
  return { log, accepted: commands.accept(BOOKING, request, '123456') };
}

describe('BookingCommands.accept', () => {
  it('begins the offer check before the read, answers it with the stored offer the read found', async () => {
    const { log, accepted } = acceptWith([{ ...pending, offered: false }]);
    await expect(accepted).resolves.toMatchObject({ status: 'accepted', driverId: DRIVER });
    expect(log).toEqual(['begin', 'read', 'answer(false)', 'cancel', 'append']);
  });

  it('asks whether the booking was offered once, however many times it reads and decides again', async () => {
    const { log, accepted } = acceptWith([pending], { conflicts: 2 });
    await expect(accepted).resolves.toMatchObject({ status: 'accepted' });
    expect(log).toEqual(['begin', 'read', 'answer(true)', 'cancel', 'append', 'read', 'append', 'read', 'append']);
  });

  it('decides on the booking the driver holds as read at each attempt', async () => {
    const { log, accepted } = acceptWith([pending, { ...pending, driverActiveBookingId: '6f1c1f0e-0000-4000-8000-000000000009' }], { conflicts: 1 });
    await expect(accepted).rejects.toMatchObject({ code: 'DRIVER_BUSY' });
    expect(log).toEqual(['begin', 'read', 'answer(true)', 'cancel', 'append', 'read']);
  });

  it('refuses a driver dispatch did not offer the booking to', async () => {
    const { accepted } = acceptWith([pending], { offered: false });
    await expect(accepted).rejects.toMatchObject({ code: 'NOT_OFFERED' });
  });

  it('ends the check unanswered when the booking does not exist', async () => {
    const { log, accepted } = acceptWith([{ history: [], offered: true, driverActiveBookingId: null }]);
    await expect(accepted).rejects.toMatchObject({ code: 'BOOKING_NOT_FOUND' });
    expect(log).toEqual(['begin', 'read', 'cancel']);
  });

  it('ends the check unanswered when the read fails', async () => {
    const { log, accepted } = acceptWith([
      () => {
        throw new Error('connection lost');
      },
    ]);
    await expect(accepted).rejects.toThrow('connection lost');
    expect(log).toEqual(['begin', 'read', 'cancel']);
  });
});

/**
 * A booking request against fakes that log what it asks: the first `guardFailures` appends find
 * the rider without room, and the counts it reads are `counts`, in turn.
 */
function requestWith({ guardFailures = 0, counts = [] as readonly number[], limit = 1 } = {}) {
  const log: string[] = [];
  let appends = 0;
  let reads = 0;
  const commands = new BookingCommands({
    store: {
      load: () => Promise.reject(new Error('a request has no stream to load')),
      loadForAccept: () => Promise.reject(new Error('not an accept')),
      append: async () => {
        log.push('append');
        if (appends++ < guardFailures) throw new AppendGuardFailed(BOOKING);
      },
    },
    sealer: new NoticeSeal('k'.repeat(32)),
    relay: { isLeader: true, publishNow: () => {} },
    riderActiveBookingLimit: limit,
    active: {
      countOfRider: async () => {
        log.push('count');
        return counts[Math.min(reads++, counts.length - 1)] ?? 0;
      },
      riderHasRoom: () => Prisma.sql`true`,
    },
    offers: {
      begin: () => {
        throw new Error('not asked by a request');
      },
    },
  });
  const booking = commands.request({
    type: 'RequestBooking',
    bookingId: BOOKING,
    userId: RIDER,
    pickup: place('1 Lane'),
    dropoff: place('2 Lane'),
    estimatedCost: 300,
    expiresAt: '2026-11-26T10:02:00.000Z',
    now: '2026-11-26T10:00:00.000Z',
  });
  return { log, booking };
}

describe('BookingCommands.request', () => {
  it('writes a booking with one statement, counting nothing first (the append is guarded by the count)', async () => {
    const { log, booking } = requestWith();
    await expect(booking).resolves.toMatchObject({ status: 'pending', userId: RIDER });
    expect(log).toEqual(['append']);
  });

  it('counts once the guard finds no room, and refuses with the count', async () => {
    const { log, booking } = requestWith({ guardFailures: 1, counts: [2], limit: 2 });
    await expect(booking).rejects.toMatchObject({ code: 'RIDER_HAS_ACTIVE_BOOKING', message: expect.stringContaining('2 active bookings') });
    expect(log).toEqual(['append', 'count']);
  });

  it('tries again when a booking ended between the guard and the count', async () => {
    const { log, booking } = requestWith({ guardFailures: 1, counts: [0] });
    await expect(booking).resolves.toMatchObject({ status: 'pending' });
    expect(log).toEqual(['append', 'count', 'append']);
  });
});
