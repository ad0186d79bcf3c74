import type { ServerMessage } from '@rideline/contracts';
import { describe, expect, it } from 'vitest';
import { LocationThrottle, MessageMerge } from '../src/socket/index.ts';
import { ManualClock } from './support/manual-clock.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const status = (booking_id: string, value: 'pending' | 'accepted' | 'on_trip'): ServerMessage => ({
  type: 'booking_status',
  booking_id,
  status: value,
  message: 'text',
});
const otp = (booking_id: string, value: string): ServerMessage => ({ type: 'otp', booking_id, otp: value, message: 'text' });
const offer = (booking_id: string): ServerMessage => ({
  type: 'available_booking',
  booking_id,
  pickup_location: 'p',
  dropoff_location: 'd',
  estimated_cost: 300,
  message: 'text',
});
const gone = (booking_id: string): ServerMessage => ({ type: 'booking_unavailable', booking_id, message: 'text' });

/** A throttle at one frame a second that sends while `canSend()`, recording the latitudes sent. */
function throttled(canSend: () => boolean) {
  const clock = new ManualClock();
  const sent: number[] = [];
  const throttle = new LocationThrottle(
    (f) => {
      if (!canSend()) return false;
      sent.push(f.lat);
      return true;
    },
    clock,
    1_000,
  );
  return { clock, sent, throttle };
}

describe('MessageMerge', () => {
  it('booking_status once per (booking, status), whatever the order of re-sends', () => {
    const merge = new MessageMerge();
    const admitted = [
      status(A, 'pending'),
      status(A, 'accepted'),
      status(B, 'pending'),
      status(A, 'accepted'),
      status(A, 'pending'),
      status(B, 'pending'),
      status(A, 'on_trip'),
    ].map((m) => merge.admit(m));
    expect(admitted).toEqual([true, true, true, false, false, false, true]);
  });

  it('otp once per (booking, otp); a different OTP for the booking is delivered', () => {
    const merge = new MessageMerge();
    expect([otp(A, '111111'), otp(A, '111111'), otp(B, '111111'), otp(A, '222222')].map((m) => merge.admit(m))).toEqual([true, false, true, true]);
  });

  it('available_booking once while open; booking_unavailable once; a new offer after it is delivered', () => {
    const merge = new MessageMerge();
    expect([offer(A), offer(A), gone(A), gone(A), offer(A), gone(B)].map((m) => merge.admit(m))).toEqual([true, false, true, false, true, true]);
  });

  it('errors always', () => {
    const merge = new MessageMerge();
    const error: ServerMessage = { type: 'error', success: false, message: 'Invalid or expired token.' };
    expect([merge.admit(error), merge.admit(error)]).toEqual([true, true]);
  });

  it('remembers at most `capacity` bookings, the least recently seen forgotten first', () => {
    const merge = new MessageMerge(2);
    merge.admit(status(A, 'pending'));
    merge.admit(status(B, 'pending'));
    merge.admit(status(A, 'accepted')); // A is now the most recent
    merge.admit(status('00000000-0000-4000-8000-00000000000c', 'pending')); // evicts B
    expect(merge.size).toBe(2);
    expect(merge.admit(status(A, 'pending'))).toBe(false);
    expect(merge.admit(status(B, 'pending'))).toBe(true);
  });
});

describe('LocationThrottle', () => {
  const frame = (lat: number) => ({ type: 'location' as const, lat, lng: 0 });

  it('one frame per interval, always the latest; nothing stale queued', async () => {
    const { clock, sent, throttle } = throttled(() => true);
    throttle.report(frame(1));
    throttle.report(frame(2));
    throttle.report(frame(3));
    expect(sent).toEqual([1]);
    await clock.advance(999);
    expect(sent).toEqual([1]);
    await clock.advance(1);
    expect(sent).toEqual([1, 3]);
    await clock.advance(5_000);
    expect(sent).toEqual([1, 3]); // nothing new to send
    throttle.report(frame(4));
    expect(sent).toEqual([1, 3, 4]); // the interval has passed: at once
  });

  it('while the socket is closed the latest waits for flush (on open)', async () => {
    let open = false;
    const { clock, sent, throttle } = throttled(() => open);
    throttle.report(frame(1));
    throttle.report(frame(2));
    await clock.advance(3_000);
    expect(sent).toEqual([]);
    open = true;
    throttle.flush();
    expect(sent).toEqual([2]);
    throttle.stop();
    throttle.report(frame(5));
    expect(sent).toEqual([2]); // within the interval; the timer then sends it
    await clock.advance(1_000);
    expect(sent).toEqual([2, 5]);
  });
});
