import { describe, expect, it } from 'vitest';
import { fold, type BookingState } from './booking.ts';
import type { BookingCommand } from './commands.ts';
import { decide, MAX_OTP_ATTEMPTS } from './decide.ts';
import type { BookingDomainEvent } from './events.ts';

const T0 = '2026-11-26T10:00:00.000Z';
const T1 = '2026-11-26T10:00:30.000Z';
const AFTER_DEADLINE = '2026-11-26T10:02:00.000Z';
const place = (address: string) => ({ lat: 12.97, lng: 77.59, address });

const requested: BookingDomainEvent = {
  type: 'BookingRequested',
  occurredAt: T0,
  data: {
    booking_id: 'b1',
    user_id: 'u1',
    pickup: place('123 Street'),
    dropoff: place('456 Avenue'),
    estimated_cost: 300,
    expires_at: AFTER_DEADLINE,
  },
};
const ids = { booking_id: 'b1', user_id: 'u1', driver_id: 'd1' };
const accepted: BookingDomainEvent[] = [
  { type: 'BookingAccepted', occurredAt: T1, data: ids },
  { type: 'OtpIssued', occurredAt: T1, data: { booking_id: 'b1', otp_hash: 'hash-of-123456' } },
];
const started: BookingDomainEvent = { type: 'TripStarted', occurredAt: T1, data: ids };
const completed: BookingDomainEvent = { type: 'TripCompleted', occurredAt: T1, data: ids };
const otpRejected = (n: number): BookingDomainEvent => ({
  type: 'OtpRejected',
  occurredAt: T1,
  data: { booking_id: 'b1', failed_attempts: n },
});

/** Given events, when command, then a decision: the Emmett-style specification. */
const given = (...events: BookingDomainEvent[]) => ({
  when: (command: BookingCommand) => decide(command, fold(events)),
});

const acceptBy = (driverId: string, now = T1, context: { offered?: boolean; driverActiveBookingId?: string | null } = {}): BookingCommand => ({
  type: 'AcceptBooking',
  driverId,
  otpHash: 'hash-of-123456',
  now,
  offered: context.offered ?? true,
  driverActiveBookingId: context.driverActiveBookingId ?? null,
});
const startBy = (driverId: string, otpHash: string): BookingCommand => ({ type: 'StartTrip', driverId, otpHash, now: T1 });
const cancelBy = (kind: 'user' | 'driver', id: string): BookingCommand => ({
  type: 'CancelBooking',
  actor: { kind, id },
  reason: 'changed plans',
  now: T1,
});

describe('RequestBooking', () => {
  const command: BookingCommand = {
    type: 'RequestBooking',
    bookingId: 'b1',
    userId: 'u1',
    pickup: place('123 Street'),
    dropoff: place('456 Avenue'),
    estimatedCost: 300,
    expiresAt: AFTER_DEADLINE,
    now: T0,
    riderActiveBookings: 0,
    riderActiveBookingLimit: 1,
  };
  it('opens a pending booking', () => {
    expect(given().when(command)).toEqual({ events: [requested], rejection: null });
  });
  it('refuses a booking id that exists', () => {
    expect(given(requested).when(command).rejection?.code).toBe('BOOKING_EXISTS');
  });
  it('refuses a rider who holds as many active bookings as allowed', () => {
    const decision = given().when({ ...command, riderActiveBookings: 1 });
    expect(decision).toMatchObject({ events: [], rejection: { code: 'RIDER_HAS_ACTIVE_BOOKING' } });
    expect(given().when({ ...command, riderActiveBookings: 3, riderActiveBookingLimit: 3 }).rejection?.code).toBe('RIDER_HAS_ACTIVE_BOOKING');
  });
  it('opens a booking when the count is not known (the write is then conditional on room)', () => {
    expect(given().when({ ...command, riderActiveBookings: null })).toEqual({ events: [requested], rejection: null });
  });
  it('opens a booking while the rider is below a higher limit', () => {
    expect(given().when({ ...command, riderActiveBookings: 2, riderActiveBookingLimit: 3 })).toEqual({
      events: [requested],
      rejection: null,
    });
  });
});

describe('AcceptBooking', () => {
  it('assigns the driver and records the OTP hash', () => {
    expect(given(requested).when(acceptBy('d1'))).toEqual({ events: accepted, rejection: null });
  });
  it('refuses a second driver with BOOKING_TAKEN', () => {
    const decision = given(requested, ...accepted).when(acceptBy('d2'));
    expect(decision).toMatchObject({ events: [], rejection: { code: 'BOOKING_TAKEN' } });
  });
  it('refuses the same driver twice as no longer pending', () => {
    expect(given(requested, ...accepted).when(acceptBy('d1')).rejection?.code).toBe('BOOKING_NOT_PENDING');
  });
  it.each([
    ['cancelled', [{ type: 'BookingCancelled', occurredAt: T1, data: { ...ids, driver_id: null, cancelled_by: 'user', reason: null } }]],
    ['expired', [{ type: 'BookingExpired', occurredAt: T1, data: { booking_id: 'b1', user_id: 'u1' } }]],
  ] as const)('refuses a %s booking', (_status, events) => {
    expect(given(requested, ...(events as unknown as BookingDomainEvent[])).when(acceptBy('d1')).rejection?.code).toBe('BOOKING_NOT_PENDING');
  });
  it('expires a booking accepted after its deadline, and refuses', () => {
    const decision = given(requested).when(acceptBy('d1', AFTER_DEADLINE));
    expect(decision.rejection?.code).toBe('BOOKING_NOT_PENDING');
    expect(decision.events).toEqual([{ type: 'BookingExpired', occurredAt: AFTER_DEADLINE, data: { booking_id: 'b1', user_id: 'u1' } }]);
  });
  it('refuses an unknown booking', () => {
    expect(given().when(acceptBy('d1')).rejection?.code).toBe('BOOKING_NOT_FOUND');
  });
  it('refuses a driver the booking was not offered to, before saying anything of its status', () => {
    expect(given(requested).when(acceptBy('d1', T1, { offered: false }))).toEqual({
      events: [],
      rejection: { code: 'NOT_OFFERED', message: expect.any(String) },
    });
    expect(given(requested, ...accepted).when(acceptBy('d2', T1, { offered: false })).rejection?.code).toBe('NOT_OFFERED');
    // Not even an expiry is recorded on the word of a driver it was not offered to.
    expect(given(requested).when(acceptBy('d1', AFTER_DEADLINE, { offered: false })).events).toEqual([]);
  });
  it('refuses a driver who holds another accepted booking or trip with DRIVER_BUSY', () => {
    const decision = given(requested).when(acceptBy('d1', T1, { driverActiveBookingId: 'b0' }));
    expect(decision).toMatchObject({ events: [], rejection: { code: 'DRIVER_BUSY' } });
  });
  it('answers a busy driver’s second accept of the same booking as no longer pending', () => {
    const decision = given(requested, ...accepted).when(acceptBy('d1', T1, { driverActiveBookingId: 'b1' }));
    expect(decision.rejection?.code).toBe('BOOKING_NOT_PENDING');
  });
  it('tells a busy driver the booking is taken when it is', () => {
    expect(given(requested, ...accepted).when(acceptBy('d2', T1, { driverActiveBookingId: 'b0' })).rejection?.code).toBe('BOOKING_TAKEN');
  });
});

describe('StartTrip', () => {
  it('starts the trip with the right OTP', () => {
    expect(given(requested, ...accepted).when(startBy('d1', 'hash-of-123456'))).toEqual({ events: [started], rejection: null });
  });
  it('refuses and counts a wrong OTP', () => {
    const decision = given(requested, ...accepted).when(startBy('d1', 'hash-of-000000'));
    expect(decision.rejection?.code).toBe('WRONG_OTP');
    expect(decision.events).toEqual([otpRejected(1)]);
  });
  it(`refuses without checking after ${MAX_OTP_ATTEMPTS} wrong tries, even the right OTP`, () => {
    const failures = Array.from({ length: MAX_OTP_ATTEMPTS }, (_, i) => otpRejected(i + 1));
    const decision = given(requested, ...accepted, ...failures).when(startBy('d1', 'hash-of-123456'));
    expect(decision).toMatchObject({ events: [], rejection: { code: 'OTP_ATTEMPTS_EXHAUSTED' } });
  });
  it('still accepts the right OTP after fewer wrong tries', () => {
    const failures = Array.from({ length: MAX_OTP_ATTEMPTS - 1 }, (_, i) => otpRejected(i + 1));
    expect(given(requested, ...accepted, ...failures).when(startBy('d1', 'hash-of-123456')).events).toEqual([started]);
  });
  it('refuses a driver the booking is not assigned to', () => {
    expect(given(requested, ...accepted).when(startBy('d2', 'hash-of-123456')).rejection?.code).toBe('NOT_YOUR_BOOKING');
  });
  it('refuses a booking that is not accepted', () => {
    expect(given(requested, ...accepted, started).when(startBy('d1', 'hash-of-123456')).rejection?.code).toBe('INVALID_TRANSITION');
  });
});

describe('CompleteTrip', () => {
  const complete = (driverId: string): BookingCommand => ({ type: 'CompleteTrip', driverId, now: T1 });
  it('completes a trip in progress', () => {
    expect(given(requested, ...accepted, started).when(complete('d1'))).toEqual({ events: [completed], rejection: null });
  });
  it('refuses another driver', () => {
    expect(given(requested, ...accepted, started).when(complete('d2')).rejection?.code).toBe('NOT_YOUR_BOOKING');
  });
  it('refuses a trip that has not started', () => {
    expect(given(requested, ...accepted).when(complete('d1')).rejection?.code).toBe('INVALID_TRANSITION');
  });
});

describe('CancelBooking', () => {
  it('lets the user cancel a pending booking', () => {
    expect(given(requested).when(cancelBy('user', 'u1')).events).toEqual([
      {
        type: 'BookingCancelled',
        occurredAt: T1,
        data: { booking_id: 'b1', user_id: 'u1', driver_id: null, cancelled_by: 'user', reason: 'changed plans' },
      },
    ]);
  });
  it('lets the user cancel an accepted booking, naming its driver', () => {
    expect(given(requested, ...accepted).when(cancelBy('user', 'u1')).events[0]).toMatchObject({
      data: { driver_id: 'd1', cancelled_by: 'user' },
    });
  });
  it('lets the assigned driver cancel before the trip starts', () => {
    expect(given(requested, ...accepted).when(cancelBy('driver', 'd1')).rejection).toBeNull();
  });
  it('refuses another user', () => {
    expect(given(requested).when(cancelBy('user', 'u2')).rejection?.code).toBe('NOT_YOUR_BOOKING');
  });
  it('refuses a driver before acceptance: only the user cancels a pending booking', () => {
    expect(given(requested).when(cancelBy('driver', 'd1')).rejection?.code).toBe('NOT_YOUR_BOOKING');
  });
  it.each([
    ['on trip', [started]],
    ['completed', [started, completed]],
  ])('refuses once the booking is %s', (_name, events) => {
    expect(given(requested, ...accepted, ...events).when(cancelBy('user', 'u1')).rejection?.code).toBe('INVALID_TRANSITION');
    expect(given(requested, ...accepted, ...events).when(cancelBy('driver', 'd1')).rejection?.code).toBe('INVALID_TRANSITION');
  });
});

describe('ExpireBooking', () => {
  it('expires a pending booking past its deadline', () => {
    expect(given(requested).when({ type: 'ExpireBooking', now: AFTER_DEADLINE }).events).toEqual([
      { type: 'BookingExpired', occurredAt: AFTER_DEADLINE, data: { booking_id: 'b1', user_id: 'u1' } },
    ]);
  });
  it('does not expire before the deadline', () => {
    expect(given(requested).when({ type: 'ExpireBooking', now: T1 }).rejection?.code).toBe('INVALID_TRANSITION');
  });
  it('does not expire an accepted booking', () => {
    expect(given(requested, ...accepted).when({ type: 'ExpireBooking', now: AFTER_DEADLINE }).rejection?.code).toBe('BOOKING_NOT_PENDING');
  });
});

describe('evolve', () => {
  it('folds a whole ride into its final state', () => {
    const state: BookingState = fold([requested, ...accepted, otpRejected(1), started, completed]);
    expect(state).toMatchObject({
      bookingId: 'b1',
      userId: 'u1',
      driverId: 'd1',
      status: 'completed',
      estimatedCost: 300,
      createdAt: T0,
      updatedAt: T1,
      otpHash: 'hash-of-123456',
      otpFailedAttempts: 1,
    });
  });
  it('keeps private OTP facts out of updated_at', () => {
    const state = fold([requested, { ...otpRejected(1), occurredAt: AFTER_DEADLINE }]);
    expect(state?.updatedAt).toBe(T0);
  });
});
